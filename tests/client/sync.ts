// A partner's sync script, written against a client generated from Zusammen's
// openapi.yaml (openapi-typescript makes the types, openapi-fetch the calls):
// every path, parameter and body below is checked by the TypeScript compiler
// against the contract, so a contract change that breaks the script breaks
// its build.
//
// What it does, as a CRM that mirrors its sign-ups into Zusammen would:
//   1. (setup, with an admin key) create a meeting with a few places;
//   2. push the CRM's registrations with POST /v1/registrations/bulk in
//      batches, keyed by (source, external_ref), and push one batch again:
//      a re-sent batch must come back `unchanged`;
//   3. follow GET /v1/changes?types=registration from the beginning with its
//      cursor until every pushed registration has shown up;
//   4. read the meeting's registrations and check ids and statuses: the first
//      `capacity` sign-ups are `registered`, the rest `waitlisted`.
// Any disagreement with the server ends the run with exit code 1 and a message.
//
//   ZUSAMMEN_E2E_URL=http://127.0.0.1:8080 ZUSAMMEN_E2E_ADMIN_KEY=... \
//   [ZUSAMMEN_E2E_SYNC_KEY=... (registrations:write)] node .build/sync.js
import createClient, { type Middleware } from 'openapi-fetch';

import type { components, paths } from './generated/schema.js';

type BulkItem = components['schemas']['RegistrationBulkItem'];
type BulkResult = components['schemas']['RegistrationBulkResult'];
type Change = components['schemas']['Change'];
type Registration = components['schemas']['Registration'];

class Mismatch extends Error {}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Mismatch(message);
}

// The compiler trusts the generated types; these checks make sure the server
// agrees at run time, for the fields this script relies on.
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function checkBulkResult(value: unknown, where: string): BulkResult {
  expect(isRecord(value), `${where}: a result is not an object`);
  expect(Number.isInteger(value.index), `${where}: index is not an integer`);
  expect(['created', 'updated', 'unchanged', 'error'].includes(value.status as string), `${where}: unknown status ${String(value.status)}`);
  expect(value.id === null || Number.isInteger(value.id), `${where}: id is neither an integer nor null`);
  expect('problem' in value, `${where}: problem is missing`);
  return value as BulkResult;
}
function checkChange(value: unknown): Change {
  expect(isRecord(value), 'a change is not an object');
  expect(typeof value.type === 'string' && Number.isInteger(value.id), `a change lacks type or id: ${JSON.stringify(value)}`);
  expect(value.op === 'upsert' || value.op === 'delete', `a change has op ${String(value.op)}`);
  expect(typeof value.at === 'string' && !Number.isNaN(Date.parse(value.at)), `a change has no time: ${JSON.stringify(value)}`);
  return value as Change;
}
function checkRegistration(value: unknown): Registration {
  expect(isRecord(value), 'a registration is not an object');
  for (const field of ['id', 'meeting_id', 'version'] as const) {
    expect(Number.isInteger(value[field]), `a registration's ${field} is not an integer`);
  }
  for (const field of ['email', 'status', 'created_at'] as const) {
    expect(typeof value[field] === 'string', `a registration's ${field} is not a string`);
  }
  return value as Registration;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Mismatch(`set ${name}`);
  return value;
}

const baseUrl = env('ZUSAMMEN_E2E_URL');
const adminKey = env('ZUSAMMEN_E2E_ADMIN_KEY');
// A partner's own key needs only registrations:write (which includes reading them and their changes).
const syncKey = process.env.ZUSAMMEN_E2E_SYNC_KEY || adminKey;

// One client per key; a middleware names every failed call in the error.
function client(key: string) {
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });
  const log: Middleware = {
    onResponse({ request, response }) {
      if (!response.ok && response.status !== 304) {
        console.error(`  ${request.method} ${new URL(request.url).pathname} answered ${response.status}`);
      }
    },
  };
  api.use(log);
  return api;
}
const admin = client(adminKey);
const sync = client(syncKey);

const CAPACITY = 7;
const BATCHES = 3;
const PER_BATCH = 5;
const source = `crm-${Date.now()}`;

async function createMeeting(): Promise<number> {
  const start = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  start.setUTCHours(9, 0, 0, 0);
  const end = new Date(start.getTime() + 8 * 3600 * 1000);
  const { data, error, response } = await admin.POST('/v1/meetings', {
    body: {
      title: 'Netzwerktreffen (Sync-Beispiel)',
      kind: 'network_meeting',
      starts_at: start.toISOString().replace(/\.\d+Z$/, 'Z'),
      ends_at: end.toISOString().replace(/\.\d+Z$/, 'Z'),
      capacity: CAPACITY,
      registration_open: true,
    },
  });
  expect(response.status === 201 && data, `creating the meeting answered ${response.status}: ${JSON.stringify(error)}`);
  expect(Number.isInteger(data.id) && data.capacity === CAPACITY, `the new meeting is not what was sent: ${JSON.stringify(data)}`);
  return data.id;
}

function batchOf(meetingId: number, batch: number): BulkItem[] {
  return Array.from({ length: PER_BATCH }, (_, i) => {
    const n = batch * PER_BATCH + i + 1;
    return {
      meeting_id: meetingId,
      first_name: n % 2 ? 'Jürgen' : 'Ayşe',
      last_name: `Müller-${n}`,
      email: `person${n}.${source}@example.de`,
      organization: 'Deutsche Bahn AG',
      source,
      external_ref: `A-${n}`,
    };
  });
}

async function push(items: BulkItem[], expected: BulkResult['status']): Promise<number[]> {
  const { data, error, response } = await sync.POST('/v1/registrations/bulk', { body: { items } });
  expect(response.status === 200 && data, `bulk answered ${response.status}: ${JSON.stringify(error)}`);
  expect(isRecord(data) && Array.isArray(data.results), 'bulk answered without results');
  expect(data.results.length === items.length, `bulk answered ${data.results.length} results for ${items.length} items`);
  return data.results.map((raw, i) => {
    const result = checkBulkResult(raw, `bulk result ${i}`);
    expect(result.index === i, `bulk result ${i} has index ${result.index}`);
    expect(result.status === expected && result.id !== null,
      `item ${items[i]?.external_ref}: expected ${expected}, got ${result.status} ${JSON.stringify(result.problem)}`);
    return result.id;
  });
}

// Follows the change feed from the beginning until every id in `wanted` has appeared.
async function follow(wanted: Set<number>): Promise<{ seen: Set<number>; pages: number; cursor: string }> {
  const seen = new Set<number>();
  let since: string | undefined;
  let pages = 0;
  for (let emptyPages = 0; emptyPages < 20;) {
    const { data, error, response } = await sync.GET('/v1/changes', {
      params: { query: { types: 'registration', limit: 4, ...(since ? { since } : {}) } },
    });
    expect(response.status === 200 && data, `the change feed answered ${response.status}: ${JSON.stringify(error)}`);
    expect(Array.isArray(data.items) && typeof data.next_cursor === 'string' && data.next_cursor.length > 0,
      `a change page lacks items or next_cursor: ${JSON.stringify(data)}`);
    pages += 1;
    for (const raw of data.items) {
      const change = checkChange(raw);
      expect(change.type === 'registration', `asked for registrations, got a ${change.type}`);
      if (change.op === 'upsert') seen.add(change.id);
    }
    since = data.next_cursor;
    if ([...wanted].every((id) => seen.has(id))) return { seen, pages, cursor: since };
    if (data.items.length === 0) {
      emptyPages += 1;  // caught up: a real script would sleep and poll again
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const missing = [...wanted].filter((id) => !seen.has(id));
  throw new Mismatch(`the change feed never showed registrations ${missing.join(', ')}`);
}

async function registrationsOf(meetingId: number): Promise<Registration[]> {
  const all: Registration[] = [];
  let cursor: string | undefined;
  do {
    const { data, error, response } = await sync.GET('/v1/meetings/{id}/registrations', {
      params: {
        path: { id: meetingId },
        query: { limit: 4, sort: 'created_at', ...(cursor ? { cursor } : {}) },
      },
      headers: { Accept: 'application/json' },
    });
    expect(response.status === 200 && data, `listing registrations answered ${response.status}: ${JSON.stringify(error)}`);
    // The operation also speaks text/csv; we asked for JSON.
    expect(typeof data !== 'string' && Array.isArray(data.items), 'a registration page has no items');
    all.push(...data.items.map(checkRegistration));
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return all;
}

async function main(): Promise<void> {
  const meetingId = await createMeeting();
  console.log(`meeting ${meetingId} with ${CAPACITY} places`);

  const pushed: number[] = [];
  for (let batch = 0; batch < BATCHES; batch += 1) {
    const ids = await push(batchOf(meetingId, batch), 'created');
    console.log(`batch ${batch + 1}: ${ids.length} created`);
    pushed.push(...ids);
  }
  expect(new Set(pushed).size === pushed.length, `bulk gave one id to two registrations: ${pushed.join(', ')}`);
  const again = await push(batchOf(meetingId, 1), 'unchanged');
  expect(again.join() === pushed.slice(PER_BATCH, 2 * PER_BATCH).join(),
    `the re-sent batch names other ids: ${again.join(', ')}`);
  console.log(`batch 2 again: ${again.length} unchanged, same ids`);

  const { seen, pages } = await follow(new Set(pushed));
  console.log(`change feed: all ${pushed.length} registrations seen in ${pages} pages`);
  expect(pushed.every((id) => seen.has(id)), 'the change feed missed a registration');

  const stored = await registrationsOf(meetingId);
  expect(stored.length === pushed.length, `the meeting holds ${stored.length} registrations, ${pushed.length} were pushed`);
  const byId = new Map(stored.map((r) => [r.id, r]));
  pushed.forEach((id, n) => {
    const registration = byId.get(id);
    expect(registration, `registration ${id} is not listed under meeting ${meetingId}`);
    expect(registration.meeting_id === meetingId && registration.source === source && registration.external_ref === `A-${n + 1}`,
      `registration ${id} is not the pushed A-${n + 1}: ${JSON.stringify(registration)}`);
    const status = n < CAPACITY ? 'registered' : 'waitlisted';
    expect(registration.status === status, `registration ${id} (sign-up ${n + 1}) is ${registration.status}, expected ${status}`);
    expect(registration.version === 1, `registration ${id} has version ${registration.version} after an unchanged re-send`);
  });
  const registered = stored.filter((r) => r.status === 'registered').length;
  console.log(`statuses: ${registered} registered, ${stored.length - registered} waitlisted (capacity ${CAPACITY})`);
}

try {
  await main();
  console.log('client: the sync script agrees with the server');
} catch (e) {
  console.error(`client: ${e instanceof Mismatch ? 'mismatch' : 'error'}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
