#!/usr/bin/env node
// Checks HTTP exchanges recorded by the end-to-end tests against openapi.yaml.
//
//   node validate.mjs <openapi.yaml> <exchanges.jsonl>
//
// Each line of the JSON-lines file is one exchange:
//   {"method":"GET","path":"/v1/companies/12","query":"limit=2","status":200,
//    "content_type":"application/json; charset=utf-8",
//    "headers":{"etag":"\"3-9f86d081884c7d65\"", ...lower-case names},
//    "body":"<raw body text>"}
//
// For each exchange: path template (literal segments win over `{param}`), then
// the operation by method (none: must be a 405 with a correct Allow header),
// then the response by exact status (else `default` if the operation has one;
// 406 falls back to components/responses/NotAcceptable, the global answer),
// then the media type, then the body against the schema (Ajv, JSON Schema
// 2020-12) and the response headers (required ones present, values valid).
// A path that matches no template must be a 404 (or 405) problem.
//
// Prints every failure, the operations no exchange exercised (a warning), and
// `contract: N passed, M failed` alone on the last line. Exits 1 on any
// failure or when the file holds no exchange, 2 on a usage error.

import fs from 'node:fs';
import YAML from 'yaml';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SPEC_ID = 'spec';
const MAX_ERRORS_SHOWN = 15;

function usage(message) {
  process.stderr.write(`${message}\nusage: node validate.mjs <openapi.yaml> <exchanges.jsonl>\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- the spec --

function loadSpec(file) {
  let spec;
  try {
    spec = YAML.parse(fs.readFileSync(file, 'utf8'), { maxAliasCount: -1 });
  } catch (e) {
    usage(`cannot read the spec ${file}: ${e.message}`);
  }
  if (!spec || typeof spec !== 'object' || typeof spec.paths !== 'object') {
    usage(`${file} is not an OpenAPI document (no paths)`);
  }
  return spec;
}

const escapeToken = (t) => String(t).replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeToken = (t) => t.replace(/~1/g, '/').replace(/~0/g, '~');
const pointer = (tokens) => tokens.map((t) => `/${escapeToken(t)}`).join('');

function getAt(spec, ptr) {
  let node = spec;
  for (const raw of ptr.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[unescapeToken(decodeURIComponent(raw))];
  }
  return node;
}

// Follows a chain of internal `$ref`s; returns the object and its JSON pointer.
function deref(spec, node, ptr) {
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (!ref.startsWith('#/')) throw new Error(`only internal $refs are supported, found ${ref} at ${ptr}`);
    if (seen.has(ref)) throw new Error(`$ref cycle at ${ref}`);
    seen.add(ref);
    ptr = ref.slice(1);
    node = getAt(spec, ptr);
    if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return { node, ptr };
}

// --------------------------------------------------------------- matching --

function compileTemplates(spec) {
  return Object.keys(spec.paths).map((template) => ({
    template,
    // "{id}" is a parameter; "{id}.ics" a parameter followed by a literal suffix.
    segments: template.split('/').map((s) => {
      const m = /^\{([^{}]+)\}([^{}]*)$/.exec(s);
      return m ? { param: m[1], suffix: m[2] } : { literal: s };
    }),
  }));
}

function splitPath(path) {
  const withoutQuery = path.split('?')[0];
  return withoutQuery.split('/');
}

// Literal segments first: among matching templates, the one whose first
// differing segment is a literal wins.
function matchTemplate(templates, path) {
  const parts = splitPath(path);
  const matches = templates.filter(({ segments }) =>
    segments.length === parts.length &&
    segments.every((seg, i) => ('literal' in seg
      ? seg.literal === parts[i]
      : parts[i].length > seg.suffix.length && parts[i].endsWith(seg.suffix))));
  // Rank of a segment: a literal, then a parameter with a literal suffix, then a bare parameter.
  const rank = (seg) => ('literal' in seg ? 0 : seg.suffix ? 1 : 2);
  matches.sort((a, b) => {
    for (let i = 0; i < a.segments.length; i++) {
      const ra = rank(a.segments[i]);
      const rb = rank(b.segments[i]);
      if (ra !== rb) return ra - rb;
    }
    return 0;
  });
  return matches[0];
}

// ------------------------------------------------------------- validation --

function makeAjv(spec) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // The whole document is one schema resource, so that every internal
  // `#/components/...` ref resolves inside it; nothing else is traversed.
  ajv.addSchema(spec, SPEC_ID, undefined, false);
  const cache = new Map();
  return (schemaPtr) => {
    if (!cache.has(schemaPtr)) {
      const fragment = schemaPtr.split('/').map(encodeURIComponent).join('/');
      cache.set(schemaPtr, ajv.compile({ $ref: `${SPEC_ID}#${fragment}` }));
    }
    return cache.get(schemaPtr);
  };
}

function formatAjvErrors(errors) {
  const lines = (errors || []).slice(0, MAX_ERRORS_SHOWN).map((e) => {
    const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
    return `    ${e.instancePath || '(root)'} ${e.message}${params}  [${e.schemaPath}]`;
  });
  if (errors && errors.length > MAX_ERRORS_SHOWN) lines.push(`    … and ${errors.length - MAX_ERRORS_SHOWN} more`);
  return lines;
}

const isJsonMediaType = (mt) => mt === 'application/json' || /^application\/[^;]+\+json$/.test(mt);
const isEmptyBody = (body) => body === undefined || body === null || body === '';

function checkResponse(ctx, exchange, response, responsePtr, label) {
  const { spec, validatorFor, problems } = ctx;
  const headers = exchange.headers;

  // Headers the response documents: required ones present, every present one valid.
  for (const [name, rawHeader] of Object.entries(response.headers || {})) {
    if (name.toLowerCase() === 'content-type') continue;
    const { node: header, ptr: headerPtr } = deref(spec, rawHeader, `${responsePtr}/headers/${escapeToken(name)}`);
    const value = headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required === true) problems.push(`missing required header ${name} (${label})`);
      continue;
    }
    if (header.schema) {
      const validate = validatorFor(`${headerPtr}/schema`);
      const candidates = [value];
      if (/^-?[0-9]+(\.[0-9]+)?$/.test(value)) candidates.push(Number(value));
      if (!candidates.some((v) => validate(v))) {
        problems.push(`header ${name}: ${JSON.stringify(value)} does not match its schema (${label})`);
        validate(value);
        problems.push(...formatAjvErrors(validate.errors));
      }
    }
  }

  // Body.
  const status = exchange.status;
  if (status === 204 || status === 304) {
    if (!isEmptyBody(exchange.body)) problems.push(`a ${status} must have an empty body`);
    return;
  }
  const content = response.content;
  if (!content || Object.keys(content).length === 0) {
    if (!isEmptyBody(exchange.body)) problems.push(`the spec documents no body for ${label}, but the response has one`);
    return;
  }
  const mediaType = String(exchange.content_type || '').split(';')[0].trim().toLowerCase();
  const mediaKey = Object.keys(content).find((k) => k.toLowerCase() === mediaType);
  if (!mediaKey) {
    problems.push(`content type ${JSON.stringify(exchange.content_type ?? null)} is not documented for ${label} ` +
      `(documented: ${Object.keys(content).join(', ')})`);
    return;
  }
  const media = content[mediaKey];
  if (!media.schema) return;
  let instance = exchange.body ?? '';
  if (isJsonMediaType(mediaType)) {
    try {
      instance = JSON.parse(instance);
    } catch (e) {
      problems.push(`body is not valid JSON (${e.message})`);
      return;
    }
  }
  const validate = validatorFor(`${responsePtr}/content/${escapeToken(mediaKey)}/schema`);
  if (!validate(instance)) {
    problems.push(`body does not match the schema of ${label} (${mediaKey}):`);
    problems.push(...formatAjvErrors(validate.errors));
  }
}

function globalResponse(spec, name) {
  const ptr = `/components/responses/${name}`;
  const node = getAt(spec, ptr);
  if (!node) return undefined;
  return deref(spec, node, ptr);
}

function checkAllow(ctx, exchange, pathItem) {
  const allow = exchange.headers.allow;
  if (allow === undefined) return; // reported as a missing required header
  const documented = HTTP_METHODS.filter((m) => pathItem[m]).map((m) => m.toUpperCase());
  const listed = allow.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean);
  const ignorable = new Set(['HEAD', 'OPTIONS']);
  const missing = documented.filter((m) => !listed.includes(m));
  const extra = listed.filter((m) => !documented.includes(m) && !ignorable.has(m));
  if (missing.length || extra.length) {
    ctx.problems.push(`Allow: ${JSON.stringify(allow)} does not list exactly the path's methods ${documented.join(', ')}`);
  }
}

function checkExchange(ctx, exchange) {
  const { spec, templates } = ctx;
  const method = String(exchange.method).toLowerCase();
  const status = exchange.status;
  const matched = matchTemplate(templates, exchange.path);

  if (!matched) {
    // No template: only a 404 problem (or a 405) is an acceptable answer.
    const name = status === 404 ? 'NotFound' : status === 405 ? 'MethodNotAllowed' : undefined;
    if (!name) {
      ctx.problems.push(`no path template matches ${exchange.path}, so only 404 or 405 is acceptable`);
      return;
    }
    const global = globalResponse(spec, name);
    if (!global) {
      ctx.problems.push(`components/responses/${name} is missing from the spec`);
      return;
    }
    checkResponse(ctx, exchange, global.node, global.ptr, `unknown path, components/responses/${name}`);
    return;
  }

  const pathPtr = pointer(['paths', matched.template]);
  const { node: pathItem, ptr: pathItemPtr } = deref(spec, spec.paths[matched.template], pathPtr);
  const operation = HTTP_METHODS.includes(method) ? pathItem[method] : undefined;

  if (!operation && method === 'options') {
    // OPTIONS is generic HTTP (the spec's description says so): 204 with the path's methods in Allow.
    if (status !== 204) {
      ctx.problems.push(`OPTIONS ${matched.template} must answer 204, not ${status}`);
      return;
    }
    if (exchange.headers.allow === undefined) ctx.problems.push(`OPTIONS ${matched.template} must send Allow`);
    else checkAllow(ctx, exchange, pathItem);
    if (exchange.body) ctx.problems.push(`OPTIONS ${matched.template} must have no body`);
    return;
  }

  if (!operation) {
    if (status !== 405) {
      ctx.problems.push(`${matched.template} has no ${method.toUpperCase()} operation, so the answer must be 405, not ${status}`);
      return;
    }
    const global = globalResponse(spec, 'MethodNotAllowed');
    if (!global) {
      ctx.problems.push('components/responses/MethodNotAllowed is missing from the spec');
      return;
    }
    checkResponse(ctx, exchange, global.node, global.ptr, 'components/responses/MethodNotAllowed');
    checkAllow(ctx, exchange, pathItem);
    return;
  }

  const opKey = `${method.toUpperCase()} ${matched.template}`;
  ctx.exercised.add(opKey);
  const label0 = operation.operationId || opKey;
  const responses = operation.responses || {};
  const responsesPtr = `${pathItemPtr}/${method}/responses`;
  let key = Object.keys(responses).find((k) => k === String(status));
  if (key === undefined && 'default' in responses) key = 'default';
  if (key !== undefined) {
    const { node, ptr } = deref(spec, responses[key], `${responsesPtr}/${escapeToken(key)}`);
    checkResponse(ctx, exchange, node, ptr, `${label0} ${key}`);
    return;
  }
  if (status === 406) {
    const global = globalResponse(spec, 'NotAcceptable');
    if (global) {
      checkResponse(ctx, exchange, global.node, global.ptr, 'components/responses/NotAcceptable');
      return;
    }
  }
  ctx.problems.push(`status ${status} is not documented for ${label0} (documented: ${Object.keys(responses).join(', ')})`);
}

function validateRecord(record) {
  const missing = [];
  if (!record || typeof record !== 'object' || Array.isArray(record)) return ['the line is not a JSON object'];
  if (typeof record.method !== 'string' || !record.method) missing.push('method (string)');
  if (typeof record.path !== 'string' || !record.path.startsWith('/')) missing.push('path (string starting with /)');
  if (!Number.isInteger(record.status)) missing.push('status (integer)');
  if (record.body !== undefined && record.body !== null && typeof record.body !== 'string') missing.push('body (string)');
  if (record.headers !== undefined && (typeof record.headers !== 'object' || record.headers === null)) missing.push('headers (object)');
  return missing.length ? [`malformed exchange record: needs ${missing.join(', ')}`] : [];
}

// ------------------------------------------------------------------- main --

function main() {
  const [specFile, exchangesFile] = process.argv.slice(2);
  if (!specFile || !exchangesFile) usage('missing arguments');

  const spec = loadSpec(specFile);
  let text;
  try {
    text = fs.readFileSync(exchangesFile, 'utf8');
  } catch (e) {
    usage(`cannot read ${exchangesFile}: ${e.message}`);
  }

  const ctx = {
    spec,
    templates: compileTemplates(spec),
    validatorFor: makeAjv(spec),
    exercised: new Set(),
    problems: [],
  };

  let passed = 0;
  let failed = 0;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    ctx.problems = [];
    let exchange;
    try {
      exchange = JSON.parse(line);
      ctx.problems.push(...validateRecord(exchange));
    } catch (e) {
      ctx.problems.push(`line is not JSON: ${e.message}`);
    }
    if (ctx.problems.length === 0) {
      const headers = {};
      for (const [k, v] of Object.entries(exchange.headers || {})) headers[k.toLowerCase()] = String(v);
      exchange.headers = headers;
      try {
        checkExchange(ctx, exchange);
      } catch (e) {
        ctx.problems.push(`validator error: ${e.message}`);
      }
    }
    if (ctx.problems.length === 0) {
      passed++;
      return;
    }
    failed++;
    const query = exchange && exchange.query ? `?${exchange.query}` : '';
    const title = exchange && typeof exchange === 'object'
      ? `${exchange.method} ${exchange.path}${query} -> ${exchange.status}`
      : '(unreadable exchange)';
    console.log(`FAIL ${exchangesFile}:${index + 1}: ${title}`);
    for (const p of ctx.problems) console.log(p.startsWith('    ') ? p : `  - ${p}`);
  });

  // Operations no exchange reached: a warning only.
  const unexercised = [];
  for (const [template, rawItem] of Object.entries(spec.paths)) {
    const { node: item } = deref(spec, rawItem, pointer(['paths', template]));
    for (const m of HTTP_METHODS) {
      if (item[m] && !ctx.exercised.has(`${m.toUpperCase()} ${template}`)) {
        unexercised.push(`${m.toUpperCase()} ${template}${item[m].operationId ? ` (${item[m].operationId})` : ''}`);
      }
    }
  }
  if (unexercised.length) {
    console.log(`warning: ${unexercised.length} operation(s) not exercised by any exchange:`);
    for (const op of unexercised) console.log(`  ${op}`);
  }
  if (passed + failed === 0) console.log(`FAIL ${exchangesFile} holds no exchange`);
  console.log(`contract: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed + failed === 0 ? 1 : 0);
}

main();
