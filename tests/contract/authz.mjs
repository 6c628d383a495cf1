#!/usr/bin/env node
// The authorization matrix, derived from openapi.yaml and checked against the
// running server.
//
//   node authz.mjs <openapi.yaml>
//
// Environment: ZUSAMMEN_E2E_URL (the server, e.g. http://127.0.0.1:8080),
// ZUSAMMEN_E2E_DATABASE_URL (its database) and ZUSAMMEN_BINARY (the
// `zusammen` binary): keys are made with `zusammen apikey create` and one of
// them revoked with `zusammen apikey revoke`, as an operator would.
//
// For every operation in the contract and every caller (anonymous, a key with
// each single scope, a revoked key, an unknown key) the expected outcome
// follows from the operation's `security` alone:
//   - `security: [{}]` only (probes, the contract): 2xx for everyone;
//   - anonymous: 2xx when `{}` is listed, else 401;
//   - a revoked or unknown key on /v1/: 401;
//   - a key: 2xx when one requirement lists its scope, lists no scope at all
//     (any valid key), or the key is `admin` (admin satisfies every
//     requirement); else 403.
// Requests are built from the contract's own request-body examples, with ids
// replaced by fixtures made here, so an operation added without an example
// fails this check instead of going unchecked. The `zusammen routes` listing
// (every route the server really has) must match the contract's operations.
//
// Personal data: every response any caller without registrations:read gets —
// the whole matrix plus reads with every include, the change feed of every
// type, and the calendars — is searched for the fixture registrations' emails
// and names; one hit fails the check.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import YAML from 'yaml';

const specPath = process.argv[2] ?? '../../openapi.yaml';
const base = need('ZUSAMMEN_E2E_URL').replace(/\/$/, '');
const databaseUrl = need('ZUSAMMEN_E2E_DATABASE_URL');
const binary = need('ZUSAMMEN_BINARY');
const spec = YAML.parse(readFileSync(specPath, 'utf8'));

function need(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`authz: ${name} is not set (scripts/e2e.sh sets it)`);
    process.exit(2);
  }
  return value;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const SCOPES = ['content:read', 'content:write', 'registrations:read', 'registrations:write', 'admin'];
const tag = randomBytes(4).toString('hex');

// ------------------------------------------------------------------ keys

function cli(...args) {
  return execFileSync(binary, args, {
    env: { ...process.env, ZUSAMMEN_DATABASE_URL: databaseUrl, ZUSAMMEN_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
}

function createKey(name, scopes) {
  const out = cli('apikey', 'create', '--name', name, '--scopes', scopes).trimEnd().split('\n');
  return out[out.length - 1];
}

const callers = [{ name: 'anonymous', key: null, scope: null }];
for (const scope of SCOPES) callers.push({ name: scope, key: createKey(`authz-${tag}-${scope}`, scope), scope });
{
  const key = createKey(`authz-${tag}-revoked`, 'admin');
  const listed = cli('apikey', 'list').split('\n').find((line) => line.includes(`authz-${tag}-revoked`));
  const id = listed?.split(/\s+/)[0];
  if (!id || !/^\d+$/.test(id)) throw new Error(`cannot find the revoked key's id in: ${listed}`);
  cli('apikey', 'revoke', id);
  callers.push({ name: 'revoked', key, scope: null, invalid: true });
}
callers.push({ name: 'unknown', key: `zus_${randomBytes(24).toString('base64url')}`, scope: null, invalid: true });
const admin = callers.find((c) => c.scope === 'admin');

// ------------------------------------------------------------------ HTTP

const seen = []; // { caller, label, status, body }

async function call(caller, method, path, { body, headers = {} } = {}) {
  const h = { ...headers };
  if (caller.key) h.Authorization = `Bearer ${caller.key}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const response = await fetch(base + path, {
    method: method.toUpperCase(),
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  seen.push({ caller: caller.name, label: `${method.toUpperCase()} ${path}`, status: response.status, body: text });
  record(method, path, response, text);
  return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
}

// Every exchange goes to $ZUSAMMEN_CONTRACT_LOG too (when set), in the format
// of tests/support/http_client.cc, so that check.sh validates it against the contract.
function record(method, target, response, body) {
  const log = process.env.ZUSAMMEN_CONTRACT_LOG;
  if (!log) return;
  const q = target.indexOf('?');
  const line = {
    method: method.toUpperCase(),
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    status: response.status,
    content_type: response.headers.get('content-type') ?? '',
    headers: Object.fromEntries(response.headers),
    body,
  };
  appendFileSync(log, `${JSON.stringify(line)}\n`);
}

async function ok(caller, method, path, options) {
  const r = await call(caller, method, path, options);
  if (r.status >= 300) throw new Error(`fixture ${method.toUpperCase()} ${path} → ${r.status}: ${r.text}`);
  return r;
}

// ------------------------------------------------------------------ fixtures from the contract's examples

function exampleOf(operation) {
  const content = operation.requestBody?.content?.['application/json'];
  if (!content) return undefined;
  if (content.example !== undefined) return structuredClone(content.example);
  const first = Object.values(content.examples ?? {})[0];
  return first === undefined ? undefined : structuredClone(first.value);
}

function operationAt(path, method) {
  const operation = spec.paths[path]?.[method];
  if (!operation) throw new Error(`openapi.yaml has no ${method.toUpperCase()} ${path}`);
  return operation;
}

const fixtures = {};
let counter = 0;
const unique = () => `${tag}-${++counter}`;
const people = []; // personal data that must never leak

// Replaces ids in an example with fixture ids and makes unique fields unique.
function adapt(value) {
  if (Array.isArray(value)) return value.map(adapt);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'workshop_ids') out[k] = [];
    else if (k === 'company_id' || k === 'host_company_id') out[k] = fixtures.company;
    else if (k === 'meeting_id') out[k] = fixtures.meeting;
    else if (k === 'initiative_id') out[k] = fixtures.initiative;
    else if (k === 'slug') out[k] = `${v}-${unique()}`;
    else if (k === 'email') out[k] = `authz.${unique()}@example.org`;
    else if (k === 'first_name') out[k] = `Vorname${unique().replace('-', '')}`;
    else if (k === 'last_name') out[k] = `Nachname${unique().replace('-', '')}`;
    else if (k === 'external_ref') out[k] = `ref-${unique()}`;
    else out[k] = adapt(v);
  }
  return out;
}

// A registration body: the contract's example with fresh personal data, remembered.
function registrationBody(example) {
  const body = adapt(example);
  people.push(body.email, body.first_name, body.last_name);
  return body;
}

const create = {
  company: async () => (await ok(admin, 'post', '/v1/companies', { body: adapt(exampleOf(operationAt('/v1/companies', 'post'))) })).json().id,
  initiative: async () =>
    (await ok(admin, 'post', '/v1/initiatives', { body: adapt(exampleOf(operationAt('/v1/initiatives', 'post'))) })).json().id,
  meeting: async () => {
    const body = adapt(exampleOf(operationAt('/v1/meetings', 'post')));
    // Open for registration, so that registrations can be made for it.
    Object.assign(body, { status: 'planned', registration_open: true, published: true });
    return (await ok(admin, 'post', '/v1/meetings', { body })).json().id;
  },
  agendaItem: async (meeting) =>
    (await ok(admin, 'post', `/v1/meetings/${meeting}/agenda`, {
      body: adapt(exampleOf(operationAt('/v1/meetings/{id}/agenda', 'post'))),
    })).json().id,
  testimonial: async () =>
    (await ok(admin, 'post', '/v1/testimonials', { body: adapt(exampleOf(operationAt('/v1/testimonials', 'post'))) })).json().id,
  registration: async () =>
    (await ok(admin, 'post', '/v1/registrations', {
      body: registrationBody(exampleOf(operationAt('/v1/registrations', 'post'))),
    })).json().id,
};

fixtures.company = await create.company();
fixtures.meeting = await create.meeting();
fixtures.initiative = await create.initiative();
fixtures.testimonial = await create.testimonial();
fixtures.agendaItem = await create.agendaItem(fixtures.meeting);
fixtures.registration = await create.registration();
await create.registration();

// ------------------------------------------------------------------ requests per operation

// The collection a path's {id} belongs to, and how to make a fresh one.
const collections = [
  ['/v1/companies/', 'company'],
  ['/v1/initiatives/', 'initiative'],
  ['/v1/testimonials/', 'testimonial'],
  ['/v1/registrations/', 'registration'],
  ['/v1/meetings/', 'meeting'],
];

// The slug of a fixture (its POST example names one; adapt() made it unique), for /by-slug/{slug}.
async function slugOf(kind) {
  const [prefix] = collections.find(([, k]) => k === kind);
  const slug = (await ok(admin, 'get', `${prefix}${fixtures[kind]}`)).json().slug;
  if (!slug) throw new Error(`authz: the ${kind} fixture has no slug: give its POST example one`);
  return slug;
}

// Path parameters for one call: fixtures for reads; fresh resources for
// writes, which may change or delete what they touch.
async function pathFor(template, method) {
  const writes = method !== 'get';
  let path = template;
  if (template.includes('{slug}')) {
    const [, kind] = collections.find(([prefix]) => template.startsWith(prefix)) ?? [];
    if (kind) return path.replace('{slug}', encodeURIComponent(await slugOf(kind)));
  }
  if (template.includes('{item_id}')) {
    const meeting = writes ? await create.meeting() : fixtures.meeting;
    const item = writes ? await create.agendaItem(meeting) : fixtures.agendaItem;
    return path.replace('{id}', meeting).replace('{item_id}', item);
  }
  if (template.includes('{id}')) {
    const [, kind] = collections.find(([prefix]) => template.startsWith(prefix)) ?? [];
    if (!kind) return path; // withParameters() takes it from the contract's example
    // A sub-resource (agenda, registrations, stats) of a meeting is read or written on the fixture meeting.
    const id = writes && /^\/v1\/[a-z]+\/\{id\}$/.test(template) ? await create[kind]() : fixtures[kind];
    path = path.replace('{id}', id);
  }
  return path;
}

// A parameter's example value (its own, or its schema's), following $ref.
function parameterExample(parameter) {
  const p = parameter.$ref ? parameter.$ref.split('/').slice(1).reduce((o, k) => o[k], spec) : parameter;
  return { p, example: p.example ?? p.schema?.example ?? Object.values(p.examples ?? {})[0]?.value };
}

// Other path parameters and required query parameters come from the contract's examples.
function withParameters(template, method, path, operation) {
  const parameters = [...(spec.paths[template].parameters ?? []), ...(operation.parameters ?? [])];
  const query = [];
  for (const parameter of parameters) {
    const { p, example } = parameterExample(parameter);
    const placeholder = `{${p.name}}`;
    if (p.in === 'path' && path.includes(placeholder)) {
      if (example === undefined) throw new Error(`authz: the path parameter ${p.name} of ${template} has no example`);
      path = path.replace(placeholder, encodeURIComponent(example));
    } else if (p.in === 'query' && p.required) {
      if (example === undefined) throw new Error(`authz: the query parameter ${p.name} of ${template} has no example`);
      query.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(example)}`);
    }
  }
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

async function requestFor(template, method, operation) {
  const path = withParameters(template, method, await pathFor(template, method), operation);
  const options = {};
  if (operation.requestBody) {
    const example = exampleOf(operation);
    if (example === undefined) throw new Error(`authz: ${operation.operationId} has no application/json example`);
    if (template.startsWith('/v1/registrations') && method === 'post') {
      options.body = example.items
        ? { items: example.items.map((item) => registrationBody(item)) }
        : registrationBody(example);
    } else {
      options.body = adapt(example);
    }
  }
  if (method === 'patch' || method === 'delete') {
    const current = await call(admin, 'get', path);
    const etag = current.headers.get('etag');
    if (etag) options.headers = { 'If-Match': etag };
  }
  return { path, options };
}

function expectation(operation, path, caller) {
  const security = operation.security ?? spec.security ?? [];
  const anonymousAllowed = security.some((r) => Object.keys(r).length === 0);
  const onlyAnonymous = security.length > 0 && security.every((r) => Object.keys(r).length === 0);
  if (onlyAnonymous && !path.startsWith('/v1/')) return '2xx';
  if (caller.invalid) return 401;
  if (caller.key === null) return anonymousAllowed ? '2xx' : 401;
  if (caller.scope === 'admin') return '2xx';
  const allowed = security.some((r) =>
    Object.values(r).some((scopes) => scopes.length === 0 || scopes.includes(caller.scope)),
  );
  return allowed ? '2xx' : 403;
}

const failures = [];
const rows = [];
const operations = [];
for (const [template, item] of Object.entries(spec.paths)) {
  for (const method of METHODS) {
    if (item[method]) operations.push({ template, method, operation: item[method] });
  }
}

for (const { template, method, operation } of operations) {
  const row = [`${method.toUpperCase()} ${template}`];
  for (const caller of callers) {
    const expected = expectation(operation, template, caller);
    const { path, options } = await requestFor(template, method, operation);
    const r = await call(caller, method, path, options);
    const good = expected === '2xx' ? r.status >= 200 && r.status < 300 : r.status === expected;
    row.push(good ? String(r.status) : `${r.status}≠${expected}`);
    if (!good) {
      failures.push(`${operation.operationId} as ${caller.name}: expected ${expected}, got ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  rows.push(row);
}

// ------------------------------------------------------------------ the routes the server really has

let routes = [];
try {
  routes = cli('routes')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim());
} catch (e) {
  failures.push(`zusammen routes failed: ${String(e.stderr ?? e).split('\n')[0]}`);
}
const documented = new Set(operations.map(({ template, method }) => `${method.toUpperCase()} ${template}`));
for (const route of routes) {
  if (!documented.has(route)) failures.push(`the server has ${route}, which openapi.yaml does not document (unguarded)`);
}
for (const op of documented) {
  if (!routes.includes(op)) failures.push(`openapi.yaml documents ${op}, which the server does not route`);
}

// ------------------------------------------------------------------ personal data

const withoutRegistrations = callers.filter(
  (c) => !['registrations:read', 'registrations:write', 'admin'].includes(c.scope),
);
const meeting = fixtures.meeting;
for (const caller of withoutRegistrations) {
  for (const path of [
    `/v1/meetings/${meeting}?include=agenda`,
    `/v1/meetings?include=agenda`,
    `/v1/meetings/${meeting}.ics`,
    `/v1/meetings.ics`,
    `/v1/changes`,
    `/v1/changes?types=registration`,
    `/v1/testimonials?include=company`,
    `/v1/initiatives?include=company`,
    `/v1/companies?q=Bahn`,
  ]) {
    await call(caller, 'get', path);
  }
}
const leaks = [];
for (const exchange of seen) {
  if (!withoutRegistrations.some((c) => c.name === exchange.caller)) continue;
  for (const secret of people) {
    if (exchange.body.includes(secret)) leaks.push(`${exchange.caller}: ${exchange.label} → ${exchange.status} shows ${secret}`);
  }
}
failures.push(...leaks);
const checked = seen.filter((e) => withoutRegistrations.some((c) => c.name === e.caller)).length;

// ------------------------------------------------------------------ report

const header = ['operation', ...callers.map((c) => c.name)];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  `\nauthz: ${operations.length} operations × ${callers.length} callers; ${routes.length} routes compared; ` +
    `${checked} responses to callers without registrations:read searched for ${people.length} personal values`,
);
if (failures.length > 0) {
  console.error(`\nauthz: ${failures.length} failure(s):`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log('authz: matrix holds, no personal data leaked');
