// Checks of deploy/ that need no Docker daemon and no cluster:
//
//   node check.mjs k8s DIR             every manifest of DIR/kustomization.yaml against the
//                                      Kubernetes API schemas (kubernetes-models, Kubernetes
//                                      1.33), strictly (unknown fields fail), plus our own rules
//   node check.mjs dockerfile FILE     lint (dockerfile-utils) and the image's shape
//   node check.mjs compose FILE        a `docker-compose config` output: services and wiring
//   node check.mjs healthcheck FILE    prints the Dockerfile's HEALTHCHECK command as JSON
//
// Prints one line per check and "N passed, M failed"; exits 1 when any failed.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import YAML from "yaml";
import { DockerfileParser } from "dockerfile-ast";
import { validate as lintDockerfile } from "dockerfile-utils";

const require = createRequire(import.meta.url);
let passed = 0;
let failed = 0;

function check(name, ok, detail = "") {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
  return ok;
}

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// ---------------------------------------------------------------- Kubernetes

// apiVersion -> module of kubernetes-models ("v1" is the core group).
function modelFor(apiVersion, kind) {
  const path = apiVersion === "v1" ? "kubernetes-models/v1" : `kubernetes-models/${apiVersion}`;
  let mod;
  try {
    mod = require(path);
  } catch {
    return null;
  }
  return mod[kind] ?? null;
}

// The schemas allow unknown fields (as the API server does without
// --validate=strict): watch which properties the compiled validator reads,
// and report every property of the manifest it never looked at.
function strictlyValidate(Model, doc) {
  const seen = new Map();
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    const read = new Set();
    seen.set(value, read);
    return new Proxy(value, {
      get(target, key, receiver) {
        if (typeof key === "string") read.add(key);
        const v = Reflect.get(target, key, receiver);
        return typeof key === "string" && Object.prototype.hasOwnProperty.call(target, key) ? wrap(v) : v;
      },
    });
  };
  const errors = [];
  try {
    Model.prototype.validate.call(wrap(doc));
  } catch (e) {
    errors.push(e.message);
  }
  const unknown = [];
  const walk = (value, path) => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}/${i}`));
      return;
    }
    const read = seen.get(value);
    for (const key of Object.keys(value)) {
      if (!read || !read.has(key)) unknown.push(`${path}/${key}`);
      else walk(value[key], `${path}/${key}`);
    }
  };
  walk(doc, "");
  if (unknown.length) errors.push(`unknown field(s) ${unknown.join(", ")}`);
  return errors;
}

const get = (obj, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
const sameLabels = (a, b) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
const matches = (selector, labels) =>
  selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function checkPodSpec(where, spec, { command }) {
  const c = spec?.containers?.[0];
  check(`${where}: one container`, spec?.containers?.length === 1);
  if (!c) return;
  check(`${where}: image zusammen:<tag>`, /^([\w.-]+(:\d+)?\/)*zusammen:[\w.-]+$/.test(c.image ?? ""), c.image);
  check(`${where}: runs \`zusammen ${command}\``, JSON.stringify(c.args) === JSON.stringify([command]) && !c.command,
    JSON.stringify({ command: c.command, args: c.args }));
  const podSc = spec.securityContext ?? {};
  const sc = c.securityContext ?? {};
  const uid = sc.runAsUser ?? podSc.runAsUser;
  check(`${where}: runs as non-root`, (sc.runAsNonRoot ?? podSc.runAsNonRoot) === true && Number.isInteger(uid) && uid > 0,
    `runAsNonRoot=${sc.runAsNonRoot ?? podSc.runAsNonRoot} runAsUser=${uid}`);
  check(`${where}: readOnlyRootFilesystem`, sc.readOnlyRootFilesystem === true);
  check(`${where}: no privilege escalation`, sc.allowPrivilegeEscalation === false);
  check(`${where}: drops ALL capabilities`, (sc.capabilities?.drop ?? []).includes("ALL") && !(sc.capabilities?.add?.length));
  check(`${where}: seccomp RuntimeDefault`, (sc.seccompProfile ?? podSc.seccompProfile)?.type === "RuntimeDefault");
  for (const kind of ["requests", "limits"]) {
    check(`${where}: resources.${kind} cpu and memory`, !!(c.resources?.[kind]?.cpu && c.resources?.[kind]?.memory));
  }
  const from = c.envFrom ?? [];
  check(`${where}: env from ConfigMap zusammen-config`, from.some((e) => e.configMapRef?.name === "zusammen-config"));
  check(`${where}: env from Secret zusammen-database`, from.some((e) => e.secretRef?.name === "zusammen-database"));
  check(`${where}: no service account token`, spec.automountServiceAccountToken === false);
  return c;
}

function checkK8s(dir) {
  const kustomization = YAML.parse(readFileSync(join(dir, "kustomization.yaml"), "utf8"));
  check("kustomization: kustomize.config.k8s.io/v1beta1 Kustomization",
    kustomization.apiVersion === "kustomize.config.k8s.io/v1beta1" && kustomization.kind === "Kustomization");
  const docs = [];
  for (const file of kustomization.resources ?? []) {
    for (const d of YAML.parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
      check(`${file}: YAML parses`, d.errors.length === 0, d.errors.map((e) => e.message).join("; "));
      const doc = d.toJS();
      if (doc) docs.push({ file, doc });
    }
  }
  for (const { file, doc } of docs) {
    const name = `${file}: ${doc.apiVersion} ${doc.kind} ${doc.metadata?.name}`;
    const Model = modelFor(doc.apiVersion, doc.kind);
    if (!check(`${name}: known to Kubernetes 1.33`, Model !== null)) continue;
    const errors = strictlyValidate(Model, doc);
    check(`${name}: valid against the schema`, errors.length === 0, errors.join("; "));
    check(`${name}: no namespace (namespace-agnostic)`, doc.metadata?.namespace === undefined);
  }
  const find = (kind) => docs.map((d) => d.doc).filter((d) => d.kind === kind);
  const one = (kind) => {
    const all = find(kind);
    check(`exactly one ${kind}`, all.length === 1, `found ${all.length}`);
    return all[0];
  };
  const cm = one("ConfigMap");
  const secret = one("Secret");
  const deploy = one("Deployment");
  const svc = one("Service");
  const hpa = one("HorizontalPodAutoscaler");
  const pdb = one("PodDisruptionBudget");
  const job = one("Job");
  find("NetworkPolicy").forEach((np) =>
    check("NetworkPolicy selects the API pods",
      matches(np.spec?.podSelector?.matchLabels, get(deploy, "spec.template.metadata.labels"))));

  if (cm) {
    const keys = Object.keys(cm.data ?? {});
    check("ConfigMap: only ZUSAMMEN_* keys", keys.length > 0 && keys.every((k) => /^ZUSAMMEN_[A-Z_]+$/.test(k)), keys.join(","));
    check("ConfigMap: listens on 0.0.0.0:8080", cm.data?.ZUSAMMEN_LISTEN === "0.0.0.0:8080");
    check("ConfigMap: no database URL (it is secret)", !keys.some((k) => k.startsWith("ZUSAMMEN_DATABASE")));
  }
  if (secret) {
    const url = secret.stringData?.ZUSAMMEN_DATABASE_URL ?? "";
    check("Secret: ZUSAMMEN_DATABASE_URL is a mysql:// URL", /^mysql:\/\/[^:]+:[^@]+@[^/]+\/\w+$/.test(url), url);
    check("Secret: password is a placeholder", /REPLACE-ME/.test(url) && /\.invalid[:/]/.test(url), url);
  }
  if (deploy) {
    const spec = deploy.spec;
    const podLabels = spec?.template?.metadata?.labels;
    check("Deployment: at least 2 replicas", spec?.replicas >= 2);
    check("Deployment: selector matches the pod labels", matches(spec?.selector?.matchLabels, podLabels));
    check("Deployment: rolling update without unavailability", spec?.strategy?.rollingUpdate?.maxUnavailable === 0);
    const pod = spec?.template?.spec;
    const c = checkPodSpec("Deployment", pod, { command: "serve" });
    if (c) {
      const port = c.ports?.find((p) => p.containerPort === 8080);
      check("Deployment: container port 8080 named http", port?.name === "http");
      const probe = (p) => p?.httpGet && [p.httpGet.path, p.httpGet.port];
      check("Deployment: livenessProbe GET /healthz", JSON.stringify(probe(c.livenessProbe)) === '["/healthz","http"]');
      check("Deployment: readinessProbe GET /readyz", JSON.stringify(probe(c.readinessProbe)) === '["/readyz","http"]');
      check("Deployment: startupProbe GET /healthz", JSON.stringify(probe(c.startupProbe)) === '["/healthz","http"]');
      const graceMs = Number(cm?.data?.ZUSAMMEN_SHUTDOWN_GRACE_MS ?? 0);
      const drainS = Number(cm?.data?.ZUSAMMEN_DB_READ_TIMEOUT ?? 30);
      check("Deployment: terminationGracePeriodSeconds > shutdown grace + drain",
        pod.terminationGracePeriodSeconds > graceMs / 1000 + drainS,
        `${pod.terminationGracePeriodSeconds} <= ${graceMs / 1000} + ${drainS}`);
      check("ConfigMap: ZUSAMMEN_SHUTDOWN_GRACE_MS > 0 (drain after SIGTERM)", graceMs > 0);
    }
    const ann = spec?.template?.metadata?.annotations ?? {};
    check("Deployment: Prometheus scrapes /metrics on 8080",
      ann["prometheus.io/scrape"] === "true" && ann["prometheus.io/path"] === "/metrics" && ann["prometheus.io/port"] === "8080");
    if (svc) {
      check("Service: selector matches the API pods", matches(svc.spec?.selector, podLabels));
      check("Service: selects no migration pods",
        !matches(svc.spec?.selector, get(job, "spec.template.metadata.labels")));
      check("Service: targets the http port", svc.spec?.ports?.some((p) => p.targetPort === "http" || p.targetPort === 8080));
    }
    if (pdb) {
      check("PodDisruptionBudget: selector equals the Deployment's", sameLabels(pdb.spec?.selector?.matchLabels, spec?.selector?.matchLabels));
      check("PodDisruptionBudget: keeps a replica", pdb.spec?.minAvailable >= 1 || pdb.spec?.maxUnavailable !== undefined);
    }
    if (hpa) {
      const ref = hpa.spec?.scaleTargetRef ?? {};
      check("HPA: targets the Deployment", ref.apiVersion === "apps/v1" && ref.kind === "Deployment" && ref.name === deploy.metadata.name);
      check("HPA: scales on CPU utilization",
        hpa.spec?.metrics?.some((m) => m.type === "Resource" && m.resource?.name === "cpu" && m.resource?.target?.type === "Utilization"));
      check("HPA: minReplicas >= 2 and maxReplicas > minReplicas",
        hpa.spec?.minReplicas >= 2 && hpa.spec?.maxReplicas > hpa.spec?.minReplicas);
    }
  }
  if (job) {
    checkPodSpec("Job", job.spec?.template?.spec, { command: "migrate" });
    check("Job: backoffLimit set", Number.isInteger(job.spec?.backoffLimit));
    check("Job: ttlSecondsAfterFinished set", Number.isInteger(job.spec?.ttlSecondsAfterFinished));
    check("Job: restartPolicy Never or OnFailure", ["Never", "OnFailure"].includes(job.spec?.template?.spec?.restartPolicy));
  }
}

// ---------------------------------------------------------------- Dockerfile

const BUILD_TOOLS = /(?<![\w.+-])(build-essential|gcc|g\+\+|clang|cmake|make|pkg-config|nodejs|npm|[\w.+-]+-dev)(?![\w.+-])/g;

function checkDockerfile(file) {
  const text = readFileSync(file, "utf8");
  const diagnostics = lintDockerfile(text);
  check("Dockerfile: dockerfile-utils lint is clean", diagnostics.length === 0,
    diagnostics.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join("; "));
  const dockerfile = DockerfileParser.parse(text);
  const froms = dockerfile.getFROMs();
  check("Dockerfile: multi-stage (at least 2 FROM)", froms.length >= 2, `${froms.length}`);
  const buildFrom = froms[0];
  check("Dockerfile: build stage FROM debian:12", buildFrom?.getImageName() === "debian" && buildFrom?.getImageTag() === "12",
    buildFrom?.getImage());
  const last = froms[froms.length - 1];
  check("Dockerfile: final stage FROM debian:12-slim", last?.getImageName() === "debian" && last?.getImageTag() === "12-slim",
    last?.getImage());
  // Instructions of the final stage.
  const lastLine = last.getRange().start.line;
  const final = dockerfile.getInstructions().filter((i) => i.getRange().start.line > lastLine);
  const of = (kw) => final.filter((i) => i.getKeyword() === kw);
  const users = of("USER");
  const user = users.at(-1)?.getArgumentsContent() ?? "";
  check("Dockerfile: final USER is a numeric non-root uid", /^[1-9]\d*(:\d+)?$/.test(user), user || "no USER");
  const runs = of("RUN").map((i) => i.getArgumentsContent() ?? "");
  const tools = runs.flatMap((r) => r.match(BUILD_TOOLS) ?? []);  // (global: every match)
  check("Dockerfile: no build tools installed in the final stage", tools.length === 0, tools.join(","));
  const copies = of("COPY");
  const copyFrom = copies[0]?.getFlags().find((f) => f.getName() === "from")?.getValue();
  check("Dockerfile: final stage copies only the binary from the build stage",
    copies.length === 1 && copyFrom === froms[0].getBuildStage()
      && /^\S*build\/zusammen\s/.test(copies[0].getArgumentsContent() ?? ""),
    copies.map((i) => i.getTextContent()).join(" | "));
  const entry = of("ENTRYPOINT").at(-1);
  const entryArgs = entry ? entry.getJSONStrings().map((s) => s.getJSONValue()) : [];
  check("Dockerfile: ENTRYPOINT (exec form) runs zusammen", entryArgs.some((a) => /(^|\/)zusammen$/.test(a)), JSON.stringify(entryArgs));
  check("Dockerfile: ENTRYPOINT under an init (tini)", /tini$/.test(entryArgs[0] ?? ""), JSON.stringify(entryArgs));
  const cmd = of("CMD").at(-1);
  check("Dockerfile: CMD [\"serve\"]", JSON.stringify(cmd?.getJSONStrings().map((s) => s.getJSONValue())) === '["serve"]');
  check("Dockerfile: EXPOSE 8080", of("EXPOSE").some((i) => /\b8080\b/.test(i.getArgumentsContent() ?? "")));
  check("Dockerfile: ZUSAMMEN_LISTEN=0.0.0.0:8080",
    of("ENV").some((i) => /ZUSAMMEN_LISTEN=0\.0\.0\.0:8080\b/.test(i.getArgumentsContent() ?? "")));
  check("Dockerfile: HEALTHCHECK asks /healthz", of("HEALTHCHECK").some((i) => /\/healthz/.test(i.getArgumentsContent() ?? "")));
  check("Dockerfile: runtime installs ca-certificates and tini",
    runs.some((r) => /\bca-certificates\b/.test(r) && /\btini\b/.test(r)));
  const buildRuns = dockerfile.getInstructions()
    .filter((i) => i.getKeyword() === "RUN" && i.getRange().start.line < lastLine)
    .map((i) => i.getArgumentsContent() ?? "").join("\n");
  check("Dockerfile: build stage builds only the zusammen target", /--target zusammen\b/.test(buildRuns));
  check("Dockerfile: build stage strips the binary", /\bstrip\b[^\n]*build\/zusammen/.test(buildRuns));
  check("Dockerfile: build stage runs npm ci in api/docs when it has a package.json",
    /-f api\/docs\/package\.json/.test(buildRuns) && /npm ci\b/.test(buildRuns));
  // The apt packages of the build stage are the -dev packages scripts/deps.sh installs.
  const deps = readFileSync(join(dirname(file), "..", "scripts", "deps.sh"), "utf8");
  const devs = [...buildRuns.matchAll(/\b([\w.+-]+-dev)\b/g)].map((m) => m[1]);
  const missing = devs.filter((d) => !new RegExp(`\\b${d.replace(/[.+]/g, "\\$&")}\\b`).test(deps));
  check("Dockerfile: build stage's -dev packages are those of scripts/deps.sh", devs.length > 0 && missing.length === 0,
    missing.join(","));
}

// ---------------------------------------------------------------- compose

function checkCompose(file) {
  const config = YAML.parse(readFileSync(file, "utf8"));
  const s = config.services ?? {};
  for (const name of ["mariadb", "migrate", "api", "proxy"]) check(`compose: service ${name}`, !!s[name]);
  const { mariadb, migrate, api, proxy } = s;
  if (!(mariadb && migrate && api && proxy)) return;
  const words = (v) => (Array.isArray(v) ? v : String(v ?? "").split(/\s+/)).filter(Boolean);
  check("compose: mariadb is mariadb:10.11", mariadb.image === "mariadb:10.11", mariadb.image);
  check("compose: mariadb has a healthcheck", words(mariadb.healthcheck?.test).length > 1);
  check("compose: mariadb keeps its data in a volume", (mariadb.volumes ?? []).some((v) => (v.target ?? String(v)).includes("/var/lib/mysql")));
  check("compose: mariadb speaks utf8mb4", words(mariadb.command).includes("--character-set-server=utf8mb4"));
  check("compose: migrate runs `zusammen migrate`", JSON.stringify(words(migrate.command)) === '["migrate"]');
  check("compose: migrate waits for a healthy mariadb", migrate.depends_on?.mariadb?.condition === "service_healthy");
  check("compose: migrate builds deploy/Dockerfile", /deploy\/Dockerfile$/.test(migrate.build?.dockerfile ?? ""));
  check("compose: api runs `zusammen serve`", JSON.stringify(words(api.command)) === '["serve"]');
  check("compose: api and migrate use the same image", api.image && api.image === migrate.image
    && JSON.stringify(api.build) === JSON.stringify(migrate.build));
  check("compose: api waits for migrate to succeed", api.depends_on?.migrate?.condition === "service_completed_successfully");
  const env = api.environment ?? {};
  check("compose: api gets ZUSAMMEN_DATABASE_URL", /^mysql:\/\/[^@]+@mariadb:3306\/\w+$/.test(env.ZUSAMMEN_DATABASE_URL ?? ""));
  check("compose: api listens on 0.0.0.0:8080", env.ZUSAMMEN_LISTEN === "0.0.0.0:8080");
  const subnets = Object.values(config.networks ?? {}).flatMap((n) => (n?.ipam?.config ?? []).map((c) => c.subnet));
  check("compose: ZUSAMMEN_TRUSTED_PROXIES is the proxy's network",
    !!env.ZUSAMMEN_TRUSTED_PROXIES && subnets.includes(env.ZUSAMMEN_TRUSTED_PROXIES)
      && (proxy.networks && Object.keys(proxy.networks).some((n) => config.networks[n]?.ipam?.config?.[0]?.subnet === env.ZUSAMMEN_TRUSTED_PROXIES)),
    `${env.ZUSAMMEN_TRUSTED_PROXIES} vs ${subnets}`);
  check("compose: api is not published", !api.ports);
  check("compose: mariadb is not published", !mariadb.ports);
  check("compose: proxy is the only published service",
    Object.entries(s).filter(([, v]) => v.ports).map(([k]) => k).join(",") === "proxy");
  check("compose: proxy publishes its port 8080", (proxy.ports ?? []).some((p) => String(p.target ?? p).endsWith("8080")));
  check("compose: proxy mounts deploy/nginx/zusammen.conf",
    (proxy.volumes ?? []).some((v) => /nginx\/zusammen\.conf$/.test(v.source ?? String(v).split(":")[0])));
  check("compose: proxy mounts deploy/nginx/zusammen-upstream.conf",
    (proxy.volumes ?? []).some((v) => /nginx\/zusammen-upstream\.conf$/.test(v.source ?? String(v).split(":")[0])
      && /^\/etc\/nginx\/zusammen-upstream\.conf$/.test(v.target ?? String(v).split(":")[1])));
  const dockerHc = JSON.parse(healthcheckOf(DOCKERFILE) ?? "null");
  const composeHc = (api.healthcheck?.test ?? []).map((a) => a.replaceAll("$$", "$"));
  check("compose: api healthcheck is the image's HEALTHCHECK",
    JSON.stringify(composeHc) === JSON.stringify(["CMD", ...(dockerHc ?? [])]), JSON.stringify(composeHc));
  check("compose: proxy starts after a healthy api", proxy.depends_on?.api?.condition === "service_healthy");
  check("compose: mariadb is on an internal network only",
    Object.keys(mariadb.networks ?? {}).every((n) => config.networks?.[n]?.internal === true));
}

// The HEALTHCHECK's exec-form command, one argument per line (NUL-free), for
// proxy_check.sh to run against a live server.
const DOCKERFILE = process.env.ZUSAMMEN_DOCKERFILE ?? "deploy/Dockerfile";

function printHealthcheck(file) {
  const json = healthcheckOf(file);
  if (json === null) {
    console.error("no exec-form HEALTHCHECK CMD in " + file);
    process.exit(1);
  }
  process.stdout.write(json);
  process.exit(0);
}

function healthcheckOf(file) {
  const dockerfile = DockerfileParser.parse(readFileSync(file, "utf8"));
  const hc = dockerfile.getHEALTHCHECKs().at(-1);
  const text = hc?.getSubcommand()?.getValue() === "CMD" ? hc.getArgumentsContent() ?? "" : "";
  let args = null;
  try {
    args = JSON.parse(text.replace(/\\\r?\n/g, " ").replace(/^.*?\bCMD\s+/s, ""));
  } catch {
    args = null;
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) return null;
  return JSON.stringify(args);
}

const [mode, target] = process.argv.slice(2);
if (mode === "healthcheck") printHealthcheck(target);
if (mode === "k8s") checkK8s(target);
else if (mode === "dockerfile") checkDockerfile(target);
else if (mode === "compose") checkCompose(target);
else {
  console.error("usage: node check.mjs k8s DIR | dockerfile FILE | compose CONFIG.yaml");
  process.exit(2);
}
finish();
