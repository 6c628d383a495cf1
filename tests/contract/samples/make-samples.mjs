// Writes valid.jsonl and invalid.jsonl beside this file: hand-made exchanges in
// the format the C++ end-to-end tests record, for selftest.sh. Every line of
// valid.jsonl must pass validate.mjs; every line of invalid.jsonl must fail
// (its "why" member, ignored by validate.mjs, says what is wrong).
//
//   node samples/make-samples.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const JSON_CT = 'application/json; charset=utf-8';
const PROBLEM_CT = 'application/problem+json; charset=utf-8';
const RID = { 'x-request-id': '0b5e2f9c4d7a41e8a3c6b1d2e9f08a7c' };

const company = {
  id: 1,
  slug: 'deutsche-bahn',
  name: 'Deutsche Bahn AG',
  sector: 'Mobilität und Logistik',
  website: 'https://www.deutschebahn.com',
  logo_url: null,
  city: 'Berlin',
  state: 'DE-BE',
  description: 'Seit über drei Jahren setzt sich die Deutsche Bahn verstärkt für die Integration von Geflüchteten ein.',
  member_since: '2016-03-01',
  status: 'active',
  created_at: '2018-11-13T09:00:00Z',
  updated_at: '2018-11-15T10:30:00Z',
  version: 3,
};
const keyedCompany = { ...company, contact_email: 'wir-zusammen@deutschebahn.com' };
const chancePlus = {
  id: 7,
  company_id: 1,
  slug: 'db-chance-plus',
  title: 'Chance plus',
  summary: 'Einstiegsqualifizierung, die junge Geflüchtete fit für eine Ausbildung macht.',
  description: null,
  image: { url: 'https://www.deutschebahn.com/bilder/chance-plus.jpg', alt: 'Auszubildende in einer Werkstatt der Deutschen Bahn' },
  category: 'qualification',
  target_group: 'Junge Geflüchtete',
  target_groups: ['young_refugees'],
  languages_offered: ['de', 'ar', 'fa'],
  city: 'Berlin',
  state: 'DE-BE',
  location: { street: 'Potsdamer Platz 2', postcode: '10785', city: 'Berlin', state: 'DE-BE', lat: 52.5096, lon: 13.3759 },
  start_date: '2016-09-01',
  end_date: null,
  participants: 120,
  url: null,
  signup_url: 'https://www.deutschebahn.com/chance-plus/anmelden',
  contact: { name: 'Team Chance plus', email: 'chanceplus@example.org', phone: '+49 30 1234567' },
  published: true,
  created_at: '2018-11-13T09:00:00Z',
  updated_at: '2018-11-13T09:00:00Z',
  version: 1,
};
const umschulung = {
  ...chancePlus,
  id: 8,
  slug: null,
  title: 'Umschulung Elektroniker für Betriebstechnik',
  summary: 'Berufserfahrene Geflüchtete werden zu Elektronikern für Betriebstechnik umgeschult.',
  image: null,
  category: 'retraining',
  target_group: 'Berufserfahrene Geflüchtete',
  target_groups: [],
  languages_offered: [],
  location: { street: null, postcode: null, city: 'Berlin', state: 'DE-BE', lat: null, lon: null },
  signup_url: null,
  contact: null,
  start_date: '2017-09-01',
  end_date: '2019-12-31',
  participants: 25,
};
const problem = (name, status, title, detail, extra = {}) =>
  JSON.stringify({ type: `/problems/${name}`, title, status, detail, ...extra });
const ex = (method, p, status, content_type, headers, body, more = {}) => {
  const [pathOnly, query = ''] = p.split('?');
  return { method, path: pathOnly, query, status, content_type, headers: { ...RID, ...headers }, body, ...more };
};
const etag = '"3-9f86d081884c7d65"';
const cc = { 'cache-control': 'public, max-age=60' };

const valid = [
  ex('GET', '/healthz', 200, JSON_CT, { 'cache-control': 'no-store' }, '{"status":"ok"}'),
  ex('GET', '/readyz', 200, JSON_CT, {}, '{"status":"ready"}'),
  ex('GET', '/readyz', 503, PROBLEM_CT, { 'retry-after': '5' },
    problem('unavailable', 503, 'Service Unavailable', 'The database is not reachable; try again shortly.')),
  ex('GET', '/openapi.yaml', 200, 'application/yaml', { etag: '"5e884898da280471"', ...cc }, 'openapi: 3.1.0\ninfo:\n  title: Zusammen API\n'),
  ex('GET', '/v1/companies?limit=1&sort=-name', 200, JSON_CT,
    { etag: '"c5d1a7e04b9f2368"', ...cc, link: '</v1/companies?limit=1&sort=-name&cursor=eyJpZCI6MX0>; rel="next"' },
    JSON.stringify({ items: [company], next_cursor: 'eyJpZCI6MX0' })),
  ex('GET', '/v1/companies?status=former', 200, JSON_CT, { etag: '"0e1f2a3b4c5d6e7f"', 'cache-control': 'private, no-cache' },
    JSON.stringify({ items: [], next_cursor: null })),
  ex('GET', '/v1/companies/1', 200, JSON_CT, { etag, 'cache-control': 'private, no-cache' }, JSON.stringify(keyedCompany)),
  ex('GET', '/v1/companies/1', 304, '', { etag, ...cc }, ''),
  ex('GET', '/v1/companies/12abc', 400, PROBLEM_CT, {},
    problem('bad-request', 400, 'Bad Request', 'The id must be a positive integer.', {
      instance: '/v1/companies/12abc', errors: [{ field: 'id', message: 'must be a positive integer' }],
    })),
  ex('GET', '/v1/companies?limit=0', 400, PROBLEM_CT, {},
    problem('bad-request', 400, 'Bad Request', 'Bad query parameter.', { errors: [{ field: 'limit', message: 'must be an integer from 1 to 100' }] })),
  ex('GET', '/v1/companies', 401, PROBLEM_CT, { 'www-authenticate': 'Bearer' },
    problem('unauthorized', 401, 'Unauthorized', 'The API key is unknown or revoked.')),
  ex('GET', '/v1/companies', 406, PROBLEM_CT, {},
    problem('not-acceptable', 406, 'Not Acceptable', 'This resource is available as application/json only.')),
  ex('POST', '/v1/companies', 201, JSON_CT, { location: '/v1/companies/1', etag: '"1-2c26b46b68ffc68f"' },
    JSON.stringify({ ...keyedCompany, version: 1, updated_at: '2018-11-13T09:00:00Z' })),
  ex('POST', '/v1/companies', 409, PROBLEM_CT, {},
    problem('conflict', 409, 'Conflict', 'A company with the slug deutsche-bahn already exists.', { errors: [{ field: '/slug', message: 'is already taken' }] })),
  ex('POST', '/v1/companies', 422, PROBLEM_CT, {},
    problem('validation-error', 422, 'Unprocessable Content', '2 fields are invalid.', {
      instance: '/v1/companies',
      errors: [{ field: '/slug', message: 'must match ^[a-z0-9]+(-[a-z0-9]+)*$' }, { field: '/name', message: 'is required' }],
    })),
  ex('POST', '/v1/companies', 403, PROBLEM_CT, {}, problem('forbidden', 403, 'Forbidden', 'This operation needs the scope content:write.')),
  ex('POST', '/v1/initiatives', 415, PROBLEM_CT, {},
    problem('unsupported-media-type', 415, 'Unsupported Media Type', 'The request body must be application/json.')),
  ex('POST', '/v1/initiatives', 413, PROBLEM_CT, {},
    problem('payload-too-large', 413, 'Payload Too Large', 'The request body must not be larger than 1048576 bytes.')),
  ex('PATCH', '/v1/companies/1', 200, JSON_CT, { etag: '"4-4e07408562bedb8b"' },
    JSON.stringify({ ...keyedCompany, city: 'Potsdam', state: 'DE-BB', version: 4 })),
  ex('PATCH', '/v1/companies/1', 412, PROBLEM_CT, {},
    problem('precondition-failed', 412, 'Precondition Failed', 'The company was changed since version 3.')),
  ex('DELETE', '/v1/companies/1', 409, PROBLEM_CT, {},
    problem('conflict', 409, 'Conflict', 'The company still has 2 initiatives.')),
  ex('DELETE', '/v1/initiatives/8', 204, '', {}, ''),
  ex('GET', '/v1/initiatives?include=company&category=retraining', 200, JSON_CT, { etag: '"a1b2c3d4e5f60718"', ...cc },
    JSON.stringify({ items: [{ ...umschulung, company }, { ...chancePlus, company: null }], next_cursor: null })),
  ex('GET', '/v1/initiatives/7', 200, JSON_CT, { etag: '"1-9f86d081884c7d65"', ...cc }, JSON.stringify(chancePlus)),
  ex('GET', '/v1/initiatives/by-slug/db-chance-plus', 200, JSON_CT,
    { etag: '"1-9f86d081884c7d65"', ...cc, 'content-location': '/v1/initiatives/7' }, JSON.stringify(chancePlus)),
  ex('GET', '/v1/initiatives/by-slug/db-chance-plus', 304, '', { etag: '"1-9f86d081884c7d65"', ...cc }, ''),
  ex('GET', '/v1/initiatives/by-slug/DB_Chance', 400, PROBLEM_CT, {},
    problem('bad-request', 400, 'Bad Request', 'The slug in the path is not valid.', {
      errors: [{ field: 'slug', message: 'must be lowercase letters and digits in words joined by single hyphens' }],
    })),
  ex('GET', '/v1/companies/by-slug/deutsche-bahn', 200, JSON_CT,
    { etag, ...cc, 'content-location': '/v1/companies/1' }, JSON.stringify(company)),
  ex('GET', '/v1/companies/by-slug/niemand', 404, PROBLEM_CT, {},
    problem('not-found', 404, 'Not Found', "No company with slug 'niemand'.")),
  ex('GET', '/v1/initiatives/999', 404, PROBLEM_CT, {},
    problem('not-found', 404, 'Not Found', 'There is no initiative with id 999.', { instance: '/v1/initiatives/999' })),
  ex('PUT', '/v1/companies/1', 405, PROBLEM_CT, { allow: 'GET, PATCH, DELETE' },
    problem('method-not-allowed', 405, 'Method Not Allowed', 'PUT is not allowed here.')),
  ex('GET', '/v1/nothing', 404, PROBLEM_CT, {}, problem('not-found', 404, 'Not Found', 'There is nothing at /v1/nothing.')),
  ex('GET', '/v1/companies/', 404, PROBLEM_CT, {}, problem('not-found', 404, 'Not Found', 'There is nothing at /v1/companies/.')),
];

const bad = (why, exchange) => ({ why, ...exchange });
const invalid = [
  bad('company without the required name', ex('GET', '/v1/companies/1', 200, JSON_CT, { etag, ...cc },
    JSON.stringify((({ name, ...rest }) => rest)(company)))),
  bad('company with an undocumented field', ex('GET', '/v1/companies/1', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...company, internal_note: 'x' }))),
  bad('item response without ETag', ex('GET', '/v1/companies/1', 200, JSON_CT, cc, JSON.stringify(company))),
  bad('item ETag in the wrong shape (weak)', ex('GET', '/v1/companies/1', 200, JSON_CT, { etag: `W/${etag}`, ...cc }, JSON.stringify(company))),
  bad('201 without Location', ex('POST', '/v1/companies', 201, JSON_CT, { etag: '"1-2c26b46b68ffc68f"' }, JSON.stringify({ ...company, version: 1 }))),
  bad('undocumented status', ex('GET', '/v1/companies', 418, PROBLEM_CT, {}, problem('bad-request', 418, 'Teapot', 'x'))),
  bad('undocumented status 404 on a list', ex('GET', '/v1/companies', 404, PROBLEM_CT, {}, problem('not-found', 404, 'Not Found', 'x'))),
  bad('undocumented content type', ex('GET', '/v1/companies/1', 200, 'text/html; charset=utf-8', { etag, ...cc }, '<p>hi</p>')),
  bad('204 with a body', ex('DELETE', '/v1/initiatives/8', 204, JSON_CT, {}, '{}')),
  bad('304 with a body', ex('GET', '/v1/companies/1', 304, JSON_CT, { etag, ...cc }, JSON.stringify(company))),
  bad('405 without Allow', ex('PUT', '/v1/companies/1', 405, PROBLEM_CT, {},
    problem('method-not-allowed', 405, 'Method Not Allowed', 'x'))),
  bad('405 whose Allow lists the wrong methods', ex('PUT', '/v1/companies/1', 405, PROBLEM_CT, { allow: 'GET, POST' },
    problem('method-not-allowed', 405, 'Method Not Allowed', 'x'))),
  bad('method without an operation answered 200', ex('PUT', '/v1/companies/1', 200, JSON_CT, { etag, ...cc }, JSON.stringify(company))),
  bad('unknown path answered 200', ex('GET', '/v1/nothing', 200, JSON_CT, {}, '{}')),
  bad('unknown path answered 404 in plain text', ex('GET', '/v1/nothing', 404, 'text/plain', {}, 'Could not find a matching route')),
  bad('400 carrying the not-found type', ex('GET', '/v1/companies/12abc', 400, PROBLEM_CT, {},
    problem('not-found', 400, 'Bad Request', 'x'))),
  bad('422 without errors', ex('POST', '/v1/companies', 422, PROBLEM_CT, {},
    problem('validation-error', 422, 'Unprocessable Content', 'x'))),
  bad('error as application/json', ex('GET', '/v1/initiatives/999', 404, JSON_CT, {},
    problem('not-found', 404, 'Not Found', 'x'))),
  bad('timestamp with fractional seconds', ex('GET', '/v1/companies/1', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...company, created_at: '2018-11-13T09:00:00.123Z' }))),
  bad('body is not JSON', ex('GET', '/v1/companies/1', 200, JSON_CT, { etag, ...cc }, '{"id": 1,')),
  bad('503 without Retry-After', ex('GET', '/readyz', 503, PROBLEM_CT, {},
    problem('unavailable', 503, 'Service Unavailable', 'x'))),
  bad('no X-Request-Id', { ...ex('GET', '/healthz', 200, JSON_CT, {}, '{"status":"ok"}'), headers: {} }),
  bad('state not an ISO 3166-2:DE code', ex('GET', '/v1/companies/1', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...company, state: 'DE-XX' }))),
  bad('unknown initiative category', ex('GET', '/v1/initiatives/7', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...chancePlus, category: 'sport' }))),
  bad('unknown target group', ex('GET', '/v1/initiatives/7', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...chancePlus, target_groups: ['refugees'] }))),
  bad('languages_offered null in an answer', ex('GET', '/v1/initiatives/7', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...chancePlus, languages_offered: null }))),
  bad('location null in an answer', ex('GET', '/v1/initiatives/7', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...chancePlus, location: null }))),
  bad('lat without lon', ex('GET', '/v1/initiatives/7', 200, JSON_CT, { etag, ...cc },
    JSON.stringify({ ...chancePlus, location: { ...chancePlus.location, lon: null } }))),
  bad('by-slug answer without Content-Location', ex('GET', '/v1/initiatives/by-slug/db-chance-plus', 200, JSON_CT,
    { etag, ...cc }, JSON.stringify(chancePlus))),
  bad('list without next_cursor', ex('GET', '/v1/initiatives', 200, JSON_CT, { etag: '"a1"', ...cc },
    JSON.stringify({ items: [chancePlus] }))),
  bad('401 without WWW-Authenticate', ex('POST', '/v1/companies', 401, PROBLEM_CT, {},
    problem('unauthorized', 401, 'Unauthorized', 'x'))),
  bad('malformed record (no status)', { method: 'GET', path: '/healthz', headers: RID, body: '{"status":"ok"}' }),
];

const write = (name, rows) =>
  fs.writeFileSync(path.join(here, name), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
write('valid.jsonl', valid);
write('invalid.jsonl', invalid);
console.log(`wrote ${valid.length} valid and ${invalid.length} invalid exchanges`);
