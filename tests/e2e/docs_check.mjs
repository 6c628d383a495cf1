#!/usr/bin/env node
// Opens /docs of a running server in Debian's headless Chromium and checks
// that Swagger UI rendered every operation of openapi.yaml, that the page
// asked no other origin for anything (the docs work offline), that its
// Content-Security-Policy blocked nothing and that no script failed.
//
//   ZUSAMMEN_E2E_URL=http://127.0.0.1:PORT node docs_check.mjs [openapi.yaml]
//
// CHROMIUM overrides the browser (default /usr/bin/chromium). Prints
// `docs: N passed, M failed` last; exits 1 on any failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const specFile = process.argv[2] ?? path.join(here, '../../openapi.yaml');
const base = process.env.ZUSAMMEN_E2E_URL;
if (!base) {
  console.error('docs_check: set ZUSAMMEN_E2E_URL to the server, e.g. http://127.0.0.1:8080');
  process.exit(2);
}
const origin = new URL(base).origin;

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok   ${what}`);
  } else {
    failed += 1;
    console.log(`FAIL ${what}${detail ? `\n     ${detail}` : ''}`);
  }
}

// Every operation's summary, read from the contract itself.
const spec = YAML.parse(fs.readFileSync(specFile, 'utf8'), { maxAliasCount: -1 });
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const operations = [];
for (const [route, item] of Object.entries(spec.paths ?? {})) {
  for (const method of METHODS) {
    if (item?.[method]) operations.push({ method, route, summary: item[method].summary });
  }
}
if (operations.length === 0) {
  console.error(`docs_check: ${specFile} has no operations`);
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    // Belt and braces for "offline": anything not on loopback (which Chromium never
    // proxies) goes to a proxy that is not there.
    '--proxy-server=http://127.0.0.1:9',
  ],
});
try {
  const page = await browser.newPage();
  const requests = [];
  const foreign = [];
  const failures = [];
  const errors = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    requests.push(url);
    const local = url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin;
    if (local) {
      request.continue();
    } else {
      foreign.push(url);
      request.abort('blockedbyclient');
    }
  });
  page.on('requestfailed', (request) => failures.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.url()}: HTTP ${response.status()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  // CSP violations are reported to the page as events: collect them there.
  await page.evaluateOnNewDocument(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });

  const response = await page.goto(`${base}/docs`, { waitUntil: 'networkidle0', timeout: 60000 });
  check(response?.status() === 200, 'GET /docs answers 200', `got ${response?.status()}`);
  check((response?.headers()['content-security-policy'] ?? '').includes("default-src 'none'"),
    '/docs sends a restrictive Content-Security-Policy');

  // Swagger UI renders one .opblock per operation once it has read /openapi.yaml.
  await page.waitForSelector('.opblock', { timeout: 60000 }).catch(() => {});
  const rendered = await page.$$eval('.opblock', (blocks) => blocks.map((b) => ({
    method: b.querySelector('.opblock-summary-method')?.textContent?.trim().toLowerCase(),
    route: b.querySelector('.opblock-summary-path')?.getAttribute('data-path')
      ?? b.querySelector('.opblock-summary-path')?.textContent?.trim(),
    summary: b.querySelector('.opblock-summary-description')?.textContent?.trim(),
  })));
  const title = await page.$eval('.info .title', (el) => el.textContent).catch(() => '');
  check(title.includes(spec.info.title), `the page shows the title "${spec.info.title}"`, `got "${title}"`);
  check(rendered.length === operations.length,
    `the page lists every operation of the contract (${operations.length})`, `rendered ${rendered.length}`);
  const missing = operations.filter((op) => !rendered.some(
    (r) => r.method === op.method && r.route === op.route && r.summary === op.summary));
  check(missing.length === 0, 'every operation shows with its method, path and summary',
    missing.slice(0, 10).map((op) => `${op.method.toUpperCase()} ${op.route} "${op.summary}"`).join('\n     '));

  // Expanding an operation renders its responses: the page is interactive, not a static list.
  const bulk = operations.find((op) => op.route === '/v1/registrations/bulk') ?? operations[0];
  await page.click(`#operations-${spec.paths[bulk.route][bulk.method].tags?.[0] ?? 'default'}-${spec.paths[bulk.route][bulk.method].operationId} .opblock-summary-control`)
    .catch((e) => errors.push(`cannot expand ${bulk.route}: ${e.message}`));
  const expanded = await page.waitForSelector('.opblock.is-open .responses-table', { timeout: 20000 })
    .then(() => true, () => false);
  check(expanded, `expanding ${bulk.method.toUpperCase()} ${bulk.route} shows its responses`);

  // "Try it out" on the liveness probe: the browser calls the server and shows the answer.
  const probe = '#operations-system-getHealth';
  const tried = await (async () => {
    await page.click(`${probe} .opblock-summary-control`);
    await page.waitForSelector(`${probe} .try-out__btn`, { timeout: 20000 });
    await page.click(`${probe} .try-out__btn`);
    await page.waitForSelector(`${probe} .btn.execute`, { timeout: 20000 });
    await page.click(`${probe} .btn.execute`);
    const status = (selector) => [...document.querySelectorAll(selector)]
      .map((el) => el.textContent.trim()).find((text) => /^\d{3}/.test(text)) ?? '';
    const cells = `${probe} .live-responses-table .response-col_status`;
    await page.waitForFunction(status, { timeout: 20000 }, cells);
    return page.evaluate(status, cells);
  })().catch((e) => `failed: ${e.message}`);
  check(tried.startsWith('200'), '"Try it out" on GET /healthz shows the live 200', `got "${tried}"`);

  // The Authorize dialog (API keys are entered there for the operations that need one).
  const authorized = await (async () => {
    await page.click('.btn.authorize');
    await page.waitForSelector('.dialog-ux .modal-ux', { timeout: 20000 });
    const text = await page.$eval('.dialog-ux .modal-ux', (el) => el.textContent);
    await page.click('.dialog-ux .close-modal');
    return text;
  })().catch((e) => `failed: ${e.message}`);
  const schemes = Object.keys(spec.components?.securitySchemes ?? {});
  check(schemes.length > 0 && schemes.every((name) => authorized.includes(name)),
    `the Authorize dialog offers the security schemes (${schemes.join(', ')})`, authorized.slice(0, 200));

  const violations = await page.evaluate(() => window.__cspViolations);
  check(foreign.length === 0, 'no request went to another origin', foreign.slice(0, 10).join('\n     '));
  check(requests.some((u) => u.startsWith(`${origin}/openapi.yaml`)), 'the page read /openapi.yaml from the server');
  check(failures.length === 0, 'every request of the page succeeded', failures.slice(0, 10).join('\n     '));
  check(violations.length === 0, 'the Content-Security-Policy blocked nothing', violations.slice(0, 10).join('\n     '));
  check(errors.length === 0, 'no script error', errors.slice(0, 10).join('\n     '));
} finally {
  await browser.close();
}

console.log(`docs: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
