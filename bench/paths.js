#!/usr/bin/env node
// Writes the request paths of bench/run.sh's list workloads, one per line, into OUT_DIR:
//
//   node bench/paths.js BASE OUT_DIR ROWS_TSV COMPANY_IDS [MAX_PAGES]
//
//   list.txt     /v1/initiatives and /v1/companies: every filter x every allowed sort
//                (the default, i.e. no sort parameter, included) x page depth
//   deep.txt     the lines of list.txt that carry a cursor (page 2 and deeper)
//   search.txt   /v1/initiatives?q=<German word from the data>, alone and with filters,
//                every sort, first and deeper pages; every other one with include=company
//   include.txt  the initiative lines of list.txt with include=company
//   cursors.txt  how many cursors were collected, and how (a summary for the report)
//
// Cursors are real: the script walks each list (limit=100) from the server and keeps every
// next_cursor, up to MAX_PAGES [10] pages per list (5 for searches). When that walk did not
// reach the end of the unfiltered lists (20 000 initiatives are 181 pages of 100), it adds
// cursors at uniformly random depths made from rows of ROWS_TSV (id, category, state,
// company_id, title, created_at, updated_at, participants: a random sample of the
// published initiatives), encoded as the server encodes them (service/listing.cc); it first
// checks that this encoding reproduces every real cursor of the walk over the unfiltered
// lists, and that the first one of each sort carries its row's CAST(column AS CHAR) from the
// database (BENCH_DB, ZUSAMMEN_DB_PORT), and exits 2 if a single one differs.
'use strict';
const fs = require('fs');
const http = require('http');

const [BASE, OUT, ROWS_TSV, COMPANY_IDS, MAX_PAGES_ARG] = process.argv.slice(2);
const MAX_PAGES = Number(MAX_PAGES_ARG || 10);
const SEARCH_PAGES = Math.min(MAX_PAGES, 5);
// BENCH_SEARCH_WORDS: how many of WORDS to search for (all by default; 0: no searches).
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

const CATEGORIES = ['language', 'qualification', 'apprenticeship', 'internship', 'employment', 'retraining',
  'mentoring', 'return_support', 'other'];
const STATES = ['DE-BE', 'DE-BY', 'DE-NW', 'DE-HH', 'DE-HE', 'DE-BW', 'DE-SN', 'DE-BB', 'DE-HB', 'DE-NI', 'DE-SL',
  'DE-SH', 'DE-TH', 'DE-ST', 'DE-MV', 'DE-RP'];
const INITIATIVE_SORTS = ['', 'title', '-title', 'created_at', '-created_at', 'updated_at', '-updated_at',
  'participants', '-participants'];
const COMPANY_SORTS = ['', 'name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at'];
// Words of the generated texts (bench/load_data.sh); every word matches as a prefix.
const WORDS = ['Sprachunterricht', 'Sprachförderung', 'Ausbildung', 'Geflüchtete', 'Mentoring', 'Umschulung',
  'Pflegefachkraft', 'Deutschkurs', 'Praktikum', 'Berufsschule', 'Patenschaften', 'Qualifizierung', 'Handwerk',
  'Integration', 'Kinderbetreuung', 'Jobcenter', 'Eritrea', 'Fachkräfte', 'Übernahme', 'Begegnungen', 'Sprach',
  'Ausbildung Handwerk', 'Umschulung Pflegefachkraft', 'Mentoring Berufseinsteiger', 'Deutschkurs Arbeitsplatz'];

let seed = 20261206;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rand() * a.length)];
const sample = (a, n) => { const c = a.slice(); const out = []; while (c.length && out.length < n) out.push(c.splice(Math.floor(rand() * c.length), 1)[0]); return out; };
const qs = (params) => Object.entries(params).filter(([, v]) => v !== '' && v !== undefined)
  .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

let requests = 0;
function get(path) {
  requests++;
  return new Promise((resolve, reject) => {
    http.get(BASE + path, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path} answered ${res.statusCode}: ${body.slice(0, 300)}`));
        try { resolve(JSON.parse(body)); } catch (e) { reject(new Error(`GET ${path}: not JSON`)); }
      });
    }).on('error', reject);
  });
}

// walk(collection, params): the first page's path and every cursor, limit=20 pages, up to MAX_PAGES of 100.
async function walk(collection, params, sink, maxPages = MAX_PAGES) {
  const first = `/v1/${collection}?${qs({ ...params, limit: 20 })}`;
  sink.first.push(first);
  let cursor = null;
  const cursors = [];
  for (let page = 0; page < maxPages; page++) {
    const body = await get(`/v1/${collection}?${qs({ ...params, limit: 100, cursor: cursor || '' })}`);
    cursor = body.next_cursor;
    if (!cursor) break;
    cursors.push(cursor);
    sink.deep.push(`/v1/${collection}?${qs({ ...params, limit: 20, cursor })}`);
  }
  return cursors;
}

async function pool(tasks, n) {
  let i = 0;
  const worker = async () => { while (i < tasks.length) { const t = tasks[i++]; await t(); } };
  await Promise.all(Array.from({ length: n }, worker));
}

// The server's cursor (service/listing.cc): base64url("1\n" + sort + "\n" + id + "\n" + value), unpadded.
const encodeCursor = (sort, id, value) => Buffer.from(`1\n${sort}\n${id}\n${value}`, 'utf8').toString('base64url');
const COLUMN = { title: 4, created_at: 5, updated_at: 6, participants: 7 };

async function main() {
  const companies = fs.readFileSync(COMPANY_IDS, 'utf8').split('\n').filter(Boolean);
  const rows = fs.readFileSync(ROWS_TSV, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
  const list = { first: [], deep: [] };
  const search = { first: [], deep: [] };
  const unfilteredCursors = {};
  const tasks = [];
  const filters = [{}];
  for (const c of CATEGORIES) filters.push({ category: c });
  for (const s of STATES) filters.push({ state: s });
  for (let i = 0; i < 8; i++) filters.push({ category: pick(CATEGORIES), state: pick(STATES) });
  for (const c of sample(companies, 8)) filters.push({ company_id: c });
  for (const d of ['2017-03-15', '2019-06-01', '2021-10-20']) filters.push({ active_on: d });
  for (const t of ['2019-01-01T00:00:00Z', '2022-06-01T00:00:00Z']) filters.push({ updated_since: t });
  // The partner websites' filters (bench/load_data.sh: target groups and languages common and rare).
  for (const g of ['young_refugees', 'women', 'unaccompanied_minors']) filters.push({ target_group: g });
  for (const l of ['ar', 'ti']) filters.push({ language_offered: l });
  filters.push({ target_group: 'women', category: pick(CATEGORIES) }, { target_group: 'academics', language_offered: 'uk' });
  for (const c of ['München', 'Lübeck']) filters.push({ city: c });
  filters.push({ company: 'unternehmen-000007' });
  for (const f of filters) {
    for (const sort of INITIATIVE_SORTS) {
      tasks.push(async () => {
        const cursors = await walk('initiatives', { ...f, sort }, list);
        if (Object.keys(f).length === 0) unfilteredCursors[sort] = cursors;
      });
    }
  }
  const companyFilters = [{}, { status: 'active' }, { state: 'DE-BY' }, { state: 'DE-NW' }, { sector: 'Handwerk' },
    { sector: 'IT' }, { q: 'Bäckereien' }, { q: 'Logistik' }];
  for (const f of companyFilters) for (const sort of COMPANY_SORTS) tasks.push(() => walk('companies', { ...f, sort }, list));
  const words = WORDS.slice(0, process.env.BENCH_SEARCH_WORDS === undefined ? WORDS.length : Number(process.env.BENCH_SEARCH_WORDS));
  for (const q of words) {
    for (const sort of INITIATIVE_SORTS) tasks.push(() => walk('initiatives', { q, sort }, search, SEARCH_PAGES));
    tasks.push(() => walk('initiatives', { q, category: pick(CATEGORIES), sort: pick(INITIATIVE_SORTS) }, search, SEARCH_PAGES));
    tasks.push(() => walk('initiatives', { q, state: pick(STATES), sort: pick(INITIATIVE_SORTS) }, search, SEARCH_PAGES));
  }
  await pool(tasks, 4);

  // Cursors at uniformly random depths, when the walk did not reach the end of the catalogue.
  let synthetic = 0;
  let checked = 0;
  let mismatch = '';
  const walkedAll = Object.values(unfilteredCursors).every((c) => c.length < MAX_PAGES);
  if (!walkedAll && rows.length) {
    // Row k of the unfiltered order is the cursor of page k/100: check the encoding on every real cursor.
    for (const sort of INITIATIVE_SORTS) {
      for (const real of unfilteredCursors[sort] || []) {
        const [, s, id, value] = Buffer.from(real, 'base64url').toString('utf8').match(/^1\n([^\n]*)\n(\d+)\n([\s\S]*)$/) || [];
        checked++;
        if (encodeCursor(s, id, value) !== real) { mismatch = real; break; }
      }
    }
    // And that the value is the database's CAST(column AS CHAR), as in ROWS_TSV: the first real cursor
    // of each sort, against its row (BENCH_DB on 127.0.0.1:ZUSAMMEN_DB_PORT).
    if (!mismatch && process.env.BENCH_DB) {
      const { execFileSync } = require('child_process');
      for (const sort of INITIATIVE_SORTS) {
        const real = (unfilteredCursors[sort] || [])[0];
        if (!real) continue;
        const [, , id, value] = Buffer.from(real, 'base64url').toString('utf8').split('\n');
        const column = sort.replace('-', '') || 'title';
        const dbValue = execFileSync('mariadb', ['--no-defaults', '--protocol=tcp', '-h127.0.0.1',
          `-P${process.env.ZUSAMMEN_DB_PORT || 3307}`, '-uzusammen', '-pzusammen', '--default-character-set=utf8mb4',
          '--batch', '--skip-column-names', '--raw', process.env.BENCH_DB,
          '-e', `SELECT CAST(${column} AS CHAR) FROM initiatives WHERE id = ${Number(id)}`], { encoding: 'utf8' }).replace(/\n$/, '');
        checked++;
        if (dbValue !== value) { mismatch = `sort=${sort}: cursor value '${value}', database '${dbValue}'`; break; }
      }
    }
    if (!mismatch) {
      for (const r of rows) {
        const sort = pick(INITIATIVE_SORTS);
        const key = sort.replace('-', '') || 'title';
        const cursor = encodeCursor(sort || 'title', r[0], r[COLUMN[key]]);
        const f = pick([{}, {}, { category: r[1] }, { state: r[2] }, { category: r[1], state: r[2] }, { company_id: r[3] }]);
        list.deep.push(`/v1/initiatives?${qs({ ...f, sort, limit: 20, cursor })}`);
        synthetic++;
      }
    }
  }

  const lines = (a) => (a.length ? a.join('\n') + '\n' : '');
  const listAll = [...list.first, ...list.deep];
  const searchAll = [...search.first, ...search.deep];
  fs.writeFileSync(`${OUT}/list.txt`, lines(listAll));
  fs.writeFileSync(`${OUT}/deep.txt`, lines(list.deep));
  // Every other search also embeds the companies.
  fs.writeFileSync(`${OUT}/search.txt`, lines(searchAll.map((p, i) => (i % 2 ? `${p}&include=company` : p))));
  fs.writeFileSync(`${OUT}/include.txt`, lines(listAll.filter((p) => p.startsWith('/v1/initiatives'))
    .map((p) => `${p}&include=company`)));
  const summary = `${requests} GETs walked ${tasks.length} lists (up to ${MAX_PAGES} pages of 100 each): ` +
    `${list.first.length + search.first.length} first pages, ${list.deep.length - synthetic + search.deep.length} real cursors` +
    (walkedAll ? '' : mismatch ? `; NO synthetic cursors: the encoding check failed on ${mismatch}`
      : `; ${synthetic} cursors at uniformly random depths from sampled rows (encoding checked on ${checked} real ones)`);
  fs.writeFileSync(`${OUT}/cursors.txt`, summary + '\n');
  console.log(summary);
  if (mismatch) process.exit(2);
}

main().catch((e) => { console.error(e.message); process.exit(1); });
