// Property-based fuzz of every write route (POST, PUT, PATCH) of the OpenAPI document, so a new write route is fuzzed
// (and fails here until it has a valid-request template). Each case is a valid request made invalid by construction —
// a field of the wrong type, a required field removed, an unknown field, a code with a wrong check character, blank,
// invisible or bidirectional text, a huge string, deep nesting; raw bodies that are not UTF-8, in another charset, of
// another type or not JSON; odd path parameters and headers — sent with a token of a role allowed on the route. Every
// answer must be a 4xx in the service's error shape with a code of the closed set, and the store must be byte for byte
// as it was: every table of the SQLite file, read through a second read-only connection, and the log size.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import type { Role } from '../../src/auth/roles.js';
import { isValidResidentId, isValidUscc, USCC_ALPHABET } from '../../src/domain/codes.js';
import { ERROR_STATUS } from '../../src/errors.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { ErrorBody } from '../../src/schemas/common.js';
import { SQLITE_FILE } from '../../src/store/open-store.js';
import { build, type Built } from '../helper.js';
import { installCa, testCa } from '../helpers/sites.js';
import { FIRST_PASSWORD, person } from '../helpers/people.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = ReadonlyArray<string | number>;
interface JsonSchema {
  readonly type?: string;
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
}

/** A valid request of a route: the mutations below break it. */
interface Template {
  readonly role: Role | null;
  /** Path parameters by name, substituted into the OpenAPI path. */
  readonly params?: Record<string, string>;
  /** A JSON body; absent for a route that takes none. */
  readonly body?: () => Json;
  /** A raw upload (the bulk import): its content type, and the one JSON-lines row its body holds. */
  readonly upload?: { readonly row: () => { [key: string]: Json } };
  /** A person's session instead of a machine token of the role (routes only people may call). */
  readonly as?: () => { authorization: string };
  /** A session route: it takes no Idempotency-Key (a bad one is not read). */
  readonly keyless?: true;
  /** The body is sent as an HTML form (urlencoded), and refusals are HTML pages (the expert's answer page). */
  readonly form?: true;
}

const SEED = 20_261_203;
const RUNS_PER_ROUTE = 160;
const clock = Date.parse('2026-12-01T06:00:00+08:00');
const ca = testCa();
const certs = { a: ca.issue('site-a').certPem, b: ca.issue('site-fz-b').certPem, a2: ca.issue('site-a').certPem };
const pool = generatePool({ size: 80, seed: 'fuzz', fixed: [{ code: 'C990101', members: 30 }] });
const E = pool.experts[0]!.id;
const ORG = syntheticUscc(8101);
const expertBody = (i: number): { [key: string]: Json } => ({ ...pool.experts[i]!, personal: syntheticPersonal(i) }) as unknown as { [key: string]: Json };

let t: Built;
let drawnId = '';
let responseToken = '';
let drawnIdNumber = '';
/** People and accounts of the session and user routes. */
let people: { operator: { authorization: string }; changer: { authorization: string }; supervisor: { authorization: string }; poolManager: { authorization: string } };
let refreshToken = '';
let userId = '';
let readStore: () => string;
let doc: { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> }; parameters?: Array<{ in: string; name: string }> }>> };
let cases = 0;
/** Answers by status, and cases by kind of mutation: printed, so a run shows what it reached. */
const statuses = new Map<number, number>();
const kinds = new Map<string, number>();

const TEMPLATES: Record<string, Template> = {
  'POST /v1/experts': { role: 'pool-manager', body: () => expertBody(70) },
  'PATCH /v1/experts/{id}': { role: 'pool-manager', params: { id: E }, body: () => ({ region: '330102', employer: syntheticUscc(8201), specialties: ['C990101'] }) },
  'POST /v1/experts/{id}/status': { role: 'pool-manager', params: { id: E }, body: () => ({ status: 'suspended', reason: '连续缺席', until: '2026-12-31' }) },
  'PUT /v1/experts/{id}/availability': { role: 'pool-manager', params: { id: E }, body: () => ({ unavailable: ['2026-12-24'] }) },
  'PUT /v1/experts/{id}/relations': {
    role: 'pool-manager',
    params: { id: E },
    body: (): Json => ({ relations: [{ kind: 'org', holder: 'relative', role: 'director', org: syntheticUscc(8202), until: null }, { kind: 'relative', expertId: pool.experts[1]!.id }] as Json[] }),
  },
  'POST /v1/experts/import': { role: 'pool-manager', upload: { row: () => expertBody(72) } },
  'PUT /v1/organisations/{code}': { role: 'pool-manager', params: { code: ORG }, body: () => ({ name: '某某建设集团有限公司' }) },
  'POST /v1/projects': {
    role: 'operator',
    body: () => ({
      id: 'P-FZ-NEW',
      tenderer: syntheticUscc(8001),
      agency: syntheticUscc(8002),
      bidders: [syntheticUscc(8003)],
      bidOpeningAt: '2026-12-01T10:00:00+08:00',
      region: '330106',
      name: '某市道路改造工程',
      venue: '3号评标室',
      groups: [{ specialty: 'C990101', count: 5 }],
    }),
  },
  'PATCH /v1/projects/{id}/bid-opening': { role: 'operator', params: { id: 'P-FZ-OPEN' }, body: () => ({ bidOpeningAt: '2026-12-01T11:00:00+08:00', reason: '开标时间顺延' }) },
  'POST /v1/projects/{id}/cancel': { role: 'operator', params: { id: 'P-FZ-OPEN' }, body: () => ({ reason: '招标人撤回' }) },
  'POST /v1/projects/{id}/draw': { role: 'operator', params: { id: 'P-FZ-OPEN' } },
  'POST /v1/projects/{id}/bidders': { role: 'operator', params: { id: 'P-FZ-OPEN' }, body: () => ({ bidders: [syntheticUscc(8301), syntheticUscc(8302)] }) },
  // The project is not witnessed: a request that passes validation is refused (409 NOT_PLANNED) and changes nothing.
  'POST /v1/projects/{id}/witness-deposits': { role: 'supervisor', as: () => people.supervisor, params: { id: 'P-FZ-OPEN' }, body: () => ({ secret: 'c3'.repeat(32) }) },
  // No such consequence or objection: a request that passes validation is answered 404 and changes nothing.
  'POST /v1/experts/{id}/objections': { role: 'pool-manager', as: () => people.poolManager, params: { id: E }, body: () => ({ against: { consequence: `C-${'e'.repeat(32)}` }, reason: '本人当日因病无法到场' }) },
  'POST /v1/objections/{id}/decision': { role: 'pool-manager', as: () => people.poolManager, params: { id: 'O-00000000-0000-4000-8000-000000000000' }, body: () => ({ upheld: false, reason: '证据不足' }) },
  'POST /v1/consequences/{id}/review': { role: 'pool-manager', as: () => people.poolManager, params: { id: `C-${'e'.repeat(32)}` }, body: () => ({ outcome: 'warning', reason: '已约谈' }) },
  // A held change of personal data that does not exist: a request that passes validation is answered 404, nothing changed.
  'POST /v1/experts/{id}/personal-change/{changeId}/approve': { role: 'pool-manager', as: () => people.poolManager, params: { id: E, changeId: 'PC-00000000-0000-4000-8000-000000000000' } },
  'POST /v1/experts/{id}/personal-change/{changeId}/reject': { role: 'pool-manager', as: () => people.poolManager, params: { id: E, changeId: 'PC-00000000-0000-4000-8000-000000000000' }, body: () => ({ reason: '与登记材料不符' }) },
  // A link to the expert's record page: every mutation is refused; the valid request would send one.
  'POST /v1/experts/{id}/record-link': { role: 'pool-manager', as: () => people.poolManager, params: { id: E } },
  // The expert's record page: an objection against a consequence the expert does not have (404 as the page).
  'POST /m/{token}': { role: null, params: { token: '' }, body: () => ({ consequence: `C-${'e'.repeat(32)}`, reason: '本人当日因病无法到场' }), form: true },
  // Admission and exit (docs/admission.md): an application filed, decisions on one that does not exist (404).
  'POST /v1/applications': { role: 'pool-manager', body: () => ({ ...expertBody(73), id: 'A-FZ-NEW' }) },
  'POST /v1/applications/{id}/admit': { role: 'pool-manager', as: () => people.poolManager, params: { id: 'A-FZ-NONE' } },
  'POST /v1/applications/{id}/reject': { role: 'pool-manager', as: () => people.poolManager, params: { id: 'A-FZ-NONE' }, body: () => ({ reason: '材料不全' }) },
  'POST /v1/experts/{id}/confirm': { role: 'pool-manager', as: () => people.poolManager, params: { id: E } },
  'POST /v1/experts/{id}/exit': { role: 'pool-manager', as: () => people.poolManager, params: { id: pool.experts[9]!.id }, body: () => ({ reason: 'resigned' }) },
  'PUT /v1/experts/{id}/certificate': { role: 'pool-manager', params: { id: E }, body: () => ({ certificateExpires: '2029-06-30' }) },
  // Exchange is not configured in this build: valid requests are answered 422 and store nothing.
  'POST /v1/exchange/export': { role: 'pool-manager' },
  'POST /v1/exchange/import': {
    role: 'pool-manager',
    body: (): Json => ({ document: { format: 'expert-draw/exchange/v1' }, signature: { key: 'other-centre', keyId: 'deadbeef', value: `${'A'.repeat(86)}==` } }),
  },
  'POST /v1/responses/{token}': { role: null, params: { token: '' }, body: () => ({ answer: 'accept' }) },
  'POST /r/{token}': { role: null, params: { token: '' }, body: () => ({ answer: 'accept' }), form: true },
  'POST /v1/checkins': { role: 'checkin', body: () => ({ projectId: 'P-FZ-DRAWN', idNumber: drawnIdNumber }) },
  'POST /v1/draws/{id}/unseal': { role: 'operator', as: () => people.operator, params: { id: '' } },
  'POST /v1/session': { role: null, keyless: true, body: () => ({ username: 'fz-login', password: FIRST_PASSWORD }) },
  'POST /v1/session/refresh': { role: null, keyless: true, body: () => ({ refreshToken }) },
  'POST /v1/session/password': { role: 'inspector', as: () => people.changer, keyless: true, body: () => ({ currentPassword: FIRST_PASSWORD, newPassword: 'a-new-password-42' }) },
  'POST /v1/users': { role: 'admin', body: () => ({ username: 'fz-new', displayName: '新同事', role: 'checkin', site: 'site-a', password: FIRST_PASSWORD }) },
  'PATCH /v1/users/{id}': { role: 'admin', params: { id: '' }, body: () => ({ displayName: '新名字', role: 'supervisor', state: 'disabled', password: 'a-new-password-42' }) },
  'POST /v1/draws/{id}/disclose': { role: 'operator', params: { id: '' } },
  'POST /v1/draws/{id}/records': { role: 'operator', as: () => people.operator, params: { id: '' }, body: () => ({ group: 0, seat: 0, code: 'LEFT_EARLY', note: '评标未结束提前离场' }) },
  'POST /v1/sites': { role: 'admin', body: () => ({ certificate: certs.b }) },
  'PUT /v1/sites/{id}/certificate': { role: 'admin', params: { id: 'site-a' }, body: () => ({ certificate: certs.a2 }) },
  'POST /v1/sites/{id}/revoke': { role: 'admin', params: { id: 'site-a' }, body: () => ({ reason: '密钥泄露' }) },
};

// ---------------------------------------------------------------------------------------------------------------------
// JSON values, paths and the schemas that describe them

function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

function getAt(value: Json, path: Path): Json {
  return path.reduce<Json>((v, k) => (v as Record<string | number, Json>)[k]!, value);
}

/** A copy of `value` with the value at `path` replaced (or removed, for `undefined`). */
function setAt(value: Json, path: Path, next: Json | undefined): Json {
  const copy = structuredClone(value);
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1]!;
  if (next === undefined) delete parent[key];
  else parent[key] = next;
  return copy;
}

/** The schema of the value at `path`, following properties, items and the matching branch of a oneOf. */
function schemaAt(schema: JsonSchema | undefined, root: Json, path: Path): JsonSchema | undefined {
  let s = schema;
  let v: Json = root;
  for (const key of path) {
    if (!s) return undefined;
    s = branch(s, v);
    s = typeof key === 'number' ? s?.items : s?.properties?.[key];
    v = (v as Record<string | number, Json>)[key]!;
  }
  return s && branch(s, v);
}

function branch(s: JsonSchema, v: Json): JsonSchema | undefined {
  const options = s.oneOf ?? s.anyOf;
  if (!options) return s;
  const kind = v !== null && typeof v === 'object' && !Array.isArray(v) ? v['kind'] : undefined;
  return options.find((o) => o.properties?.['kind']?.enum?.includes(kind));
}

// ---------------------------------------------------------------------------------------------------------------------
// Mutations: small descriptors (what fast-check prints), made into requests by `materialize`

const HIDDEN_TEXT = [' ', '  ', '\u3000', '\u200b', '\u200b\u200c\u200d', '\ufeff', '\u2060', '\u00ad', '\u180e'];
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'];
const WRONG_CHARSETS = ['latin1', 'iso-8859-1', 'utf-16', 'UTF-16LE', 'utf-32', 'gbk', 'gb2312', 'big5', 'us-ascii', 'windows-1252', '"utf-7"', ''];
const WRONG_TYPES = ['text/plain', 'application/xml', 'text/html', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/pdf', 'image/png', 'application/json-patch+json', 'application/jsonx', 'json'];
const NON_JSON = ['{', '{"a":', "{'a':1}", '{"a":1}}', '[1,]', 'NaN', 'undefined', '\u0000', '{"a":1,}', '// {}', '{"a":"\\x41"}', '{"a":01}', '"unterminated'];
const NON_OBJECT_JSON = ['[]', '"x"', '42', 'null', 'true', '[{}]', ''];
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** Form bodies that are not one `answer` of accept or decline. */
const BAD_FORMS = ['answer', 'answer=', '=accept', 'answer=ACCEPT', 'answer=accept&answer=decline', 'answer=accept%00', 'answer=accept&', '%', 'answer=%E2%80%AEaccept', 'answer[]=accept', 'answer=accept;x=1'];
const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe6, 0x8b], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];
const ODD_PARAMS = ['%20', 'a%20b', '%00', 'a%00b', '..%2F..%2Fetc', '%2F', '张三', '%E2%80%AE', "x'%3B--", '%25', '%ZZ', '%F0%9F%98%80', 'a%0Ab', '%C0%AF', '-'.repeat(65), '!', '*'];
const BAD_KEYS = ['short', 'x'.repeat(129), 'has space 0001', 'tab\there0001', '', '1234567'];
const UNKNOWN_KEYS = ['extra', 'note', 'Name', 'idnumber', '__unknown', 'constructor', '$where'];

type Mutation =
  | { kind: 'wrong-type'; path: Path; with: Json }
  | { kind: 'remove-required'; path: Path }
  | { kind: 'unknown-field'; path: Path; key: string }
  | { kind: 'bad-check'; path: Path; shift: number }
  | { kind: 'bad-text'; path: Path; text: string }
  | { kind: 'huge-string'; path: Path; length: number; char: string }
  | { kind: 'deep-nesting'; path: Path; depth: number; open: '[' | '{"a":' }
  | { kind: 'invalid-utf8'; bytes: number[] }
  | { kind: 'charset'; charset: string }
  | { kind: 'content-type'; type: string }
  | { kind: 'raw'; text: string }
  | { kind: 'body'; payload: string }
  | { kind: 'odd-param'; name: string; value: string }
  | { kind: 'bad-check-param'; name: string; shift: number }
  | { kind: 'idempotency-key'; key: string }
  | { kind: 'query'; query: string };

function wrongTypeOf(v: Json): Json[] {
  if (typeof v === 'string') return [42, true, {}, [], 1.5];
  if (typeof v === 'number') return ['7', true, {}, []];
  if (typeof v === 'boolean') return ['true', 1, {}];
  if (Array.isArray(v)) return ['x', 42, {}, true];
  if (v === null) return [42, {}, [], true];
  return ['x', 42, [], true];
}

/** A valid code with its check character changed: a USCC to another of its alphabet, a resident ID to another digit or X. */
function breakCheck(code: string, shift: number): string {
  const alphabet = isValidUscc(code) ? USCC_ALPHABET : '0123456789X';
  const at = alphabet.indexOf(code.slice(-1));
  return code.slice(0, -1) + alphabet.charAt((at + 1 + (shift % (alphabet.length - 1))) % alphabet.length);
}

const isCode = (v: Json) => typeof v === 'string' && (isValidUscc(v) || isValidResidentId(v));

/** Mutations of a JSON value described by `schema`: every one of them makes it invalid. A form has no nesting. */
function valueMutations(value: Json, schema: JsonSchema | undefined, form = false): Array<fc.Arbitrary<Mutation>> {
  const all = pathsOf(value);
  const out: Array<fc.Arbitrary<Mutation>> = [];
  out.push(fc.constantFrom(...all).chain((path) => fc.constantFrom(...wrongTypeOf(getAt(value, path))).map((w): Mutation => ({ kind: 'wrong-type', path, with: w }))));
  const required = all.filter((p) => typeof p[p.length - 1] === 'string' && schemaAt(schema, value, p.slice(0, -1))?.required?.includes(p[p.length - 1] as string));
  if (required.length) out.push(fc.constantFrom(...required).map((path): Mutation => ({ kind: 'remove-required', path })));
  const strict = [[] as Path, ...all].filter((p) => {
    const s = schemaAt(schema, value, p);
    return s?.additionalProperties === false && s.properties !== undefined;
  });
  if (strict.length) out.push(fc.record({ path: fc.constantFrom(...strict), key: fc.constantFrom(...UNKNOWN_KEYS) }).map((m): Mutation => ({ kind: 'unknown-field', ...m })));
  const codes = all.filter((p) => isCode(getAt(value, p)));
  if (codes.length) out.push(fc.record({ path: fc.constantFrom(...codes), shift: fc.nat(40) }).map((m): Mutation => ({ kind: 'bad-check', ...m })));
  const texts = all.filter((p) => ['name', 'venue', 'reason', 'displayName'].includes(String(p[p.length - 1])));
  if (texts.length) out.push(fc.record({ path: fc.constantFrom(...texts), text: badText() }).map((m): Mutation => ({ kind: 'bad-text', ...m })));
  const strings = all.filter((p) => typeof getAt(value, p) === 'string');
  if (strings.length) {
    out.push(
      fc.record({ path: fc.constantFrom(...strings), length: fc.constantFrom(20_000, 70_000, 300_000, 1_200_000), char: fc.constantFrom('x', '张', '9', ' ') }).map((m): Mutation => ({ kind: 'huge-string', ...m })),
    );
  }
  if (!form) out.push(fc.record({ path: fc.constantFrom(...all), depth: fc.constantFrom(64, 1000, 10_000, 100_000), open: fc.constantFrom('[' as const, '{"a":' as const) }).map((m): Mutation => ({ kind: 'deep-nesting', ...m })));
  return out;
}

/** Text no person can read as stored: blank or invisible, or ordinary text with a bidirectional or control character. */
function badText(): fc.Arbitrary<string> {
  const word = fc.constantFrom('张三', '某某公司', 'Acme', '开标时间顺延', '理由');
  return fc.oneof(
    fc.array(fc.constantFrom(...HIDDEN_TEXT), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
    // Inside the text: a tab or line break at either end would only be trimmed away.
    fc.tuple(word, fc.constantFrom(...BIDI, ...CONTROL), fc.nat(6)).map(([w, c, at]) => w.slice(0, 1 + (at % (w.length - 1))) + c + w.slice(1 + (at % (w.length - 1)))),
    // Half a surrogate pair: JSON carries it as an escape, and it is no Unicode text (it once stopped every call).
    fc.tuple(word, fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'), fc.boolean()).map(([w, half, before]) => (before ? half + w : w + half)),
  );
}

/** The request a mutation makes of a route's valid template. */
function materialize(route: string, tpl: Template, m: Mutation): { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer } {
  const [method, path] = route.split(' ') as [string, string];
  const params = { ...tpl.params };
  const headers: Record<string, string> = tpl.as ? { ...tpl.as() } : tpl.role ? { ...t.auth(tpl.role) } : {};
  let query = '';
  if (m.kind === 'odd-param') params[m.name] = m.value;
  if (m.kind === 'bad-check-param') params[m.name] = breakCheck(params[m.name]!, m.shift);
  if (m.kind === 'idempotency-key') headers['idempotency-key'] = m.key;
  if (m.kind === 'query') query = `?${m.query}`;
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (m.kind === 'odd-param' && name === m.name ? params[name]! : encodeURIComponent(params[name]!))) + query;

  const base: Json | undefined = tpl.upload ? tpl.upload.row() : tpl.body?.();
  const type = tpl.upload ? 'application/x-ndjson' : tpl.form ? FORM_TYPE : 'application/json';
  // A form sends each field as text: a value of another type as its JSON.
  const encode = (v: Json) => (tpl.form ? new URLSearchParams(Object.entries(v as Record<string, Json>).map(([k, x]): [string, string] => [k, typeof x === 'string' ? x : JSON.stringify(x)])).toString() : JSON.stringify(v));
  let text = base === undefined ? undefined : encode(base);
  let payload: string | Buffer | undefined = text;
  headers['content-type'] = type;
  switch (m.kind) {
    case 'wrong-type':
      payload = encode(setAt(base!, m.path, m.with));
      break;
    case 'remove-required':
      payload = encode(setAt(base!, m.path, undefined));
      break;
    case 'unknown-field':
      payload = encode(setAt(base!, [...m.path, m.key], 1));
      break;
    case 'bad-check':
      payload = encode(setAt(base!, m.path, breakCheck(getAt(base!, m.path) as string, m.shift)));
      break;
    case 'bad-text':
      payload = encode(setAt(base!, m.path, m.text));
      break;
    case 'huge-string':
      payload = encode(setAt(base!, m.path, m.char.repeat(m.length)));
      break;
    case 'deep-nesting': {
      const close = m.open === '[' ? ']' : '}';
      payload = JSON.stringify(setAt(base!, m.path, '\u0001DEEP\u0001')).replace('"\\u0001DEEP\\u0001"', `${m.open.repeat(m.depth)}1${close.repeat(m.depth)}`);
      break;
    }
    case 'invalid-utf8': {
      const at = (text ?? '{"a":"x"}').indexOf('"', 2) + 1;
      const body = Buffer.from(text ?? '{"a":"x"}', 'utf8');
      payload = Buffer.concat([body.subarray(0, at), Buffer.from(m.bytes), body.subarray(at)]);
      break;
    }
    case 'charset':
      headers['content-type'] = `${type}; charset=${m.charset}`;
      payload = text ?? '{}';
      break;
    case 'content-type':
      headers['content-type'] = m.type;
      payload = text ?? 'x';
      break;
    case 'raw':
      payload = m.text;
      break;
    case 'body':
      payload = m.payload;
      break;
    default:
      break;
  }
  if (tpl.upload && typeof payload === 'string' && m.kind !== 'raw') payload = `${payload}\n`;
  if (payload === undefined) delete headers['content-type'];
  text = undefined;
  return { method, url, headers, ...(payload === undefined ? {} : { payload }) };
}

/** Every mutation a route's template allows. */
function mutationsOf(route: string, tpl: Template, bodySchema: JsonSchema | undefined): fc.Arbitrary<Mutation> {
  const [method] = route.split(' ') as [string];
  const out: Array<fc.Arbitrary<Mutation>> = [];
  const base = tpl.upload ? tpl.upload.row() : tpl.body?.();
  if (base !== undefined) {
    out.push(...valueMutations(base, bodySchema, tpl.form));
    out.push(fc.constantFrom(...INVALID_UTF8).map((bytes): Mutation => ({ kind: 'invalid-utf8', bytes })));
    out.push(fc.constantFrom(...WRONG_CHARSETS).map((charset): Mutation => ({ kind: 'charset', charset })));
    const wrongTypes = tpl.form ? [...WRONG_TYPES.filter((w) => w !== FORM_TYPE), 'application/json'] : [...WRONG_TYPES, ...(tpl.upload ? ['application/json', 'text/csvx'] : ['text/csv', 'application/x-ndjson'])];
    out.push(fc.constantFrom(...wrongTypes).map((type): Mutation => ({ kind: 'content-type', type })));
  }
  if (tpl.form) {
    out.push(fc.oneof(fc.constantFrom(...BAD_FORMS, ...NON_JSON), fc.string({ maxLength: 40 })).map((text): Mutation => ({ kind: 'raw', text })));
  } else if (tpl.body) {
    out.push(fc.oneof(fc.constantFrom(...NON_JSON, ...NON_OBJECT_JSON), fc.string({ maxLength: 40 }).filter((s) => !isJsonObject(s))).map((text): Mutation => ({ kind: 'raw', text })));
  }
  if (tpl.upload) {
    // No experts at all, a header without rows, a row that is not an object, and a bad mode.
    out.push(fc.constantFrom('', '\n\n', '[]\n', '42\n', 'null\n', '{}\n').map((text): Mutation => ({ kind: 'raw', text })));
    out.push(fc.constantFrom('mode=some', 'mode=', 'mode=ALL', 'mode=valid&mode=all').map((query): Mutation => ({ kind: 'query', query })));
  }
  if (!tpl.body && !tpl.upload) {
    // A route that takes no body: any body at all.
    out.push(
      fc
        .oneof(fc.constantFrom('{}', '[]', 'null', '0', '""', ' ', '{"groups":[]}', '\u0000'), fc.json({ maxDepth: 3 }), fc.string({ minLength: 1, maxLength: 40 }))
        .map((payload): Mutation => ({ kind: 'body', payload })),
    );
    out.push(fc.constantFrom(...INVALID_UTF8).map((bytes): Mutation => ({ kind: 'invalid-utf8', bytes })));
    out.push(fc.constantFrom(...WRONG_CHARSETS).map((charset): Mutation => ({ kind: 'charset', charset })));
  }
  const names = Object.keys(tpl.params ?? {});
  if (names.length) {
    out.push(fc.record({ name: fc.constantFrom(...names), value: fc.oneof(fc.constantFrom(...ODD_PARAMS), fc.integer({ min: 129, max: 20_000 }).map((n) => 'P'.repeat(n))) }).map((m): Mutation => ({ kind: 'odd-param', ...m })));
    const coded = names.filter((n) => isCode(tpl.params![n]!));
    if (coded.length) out.push(fc.record({ name: fc.constantFrom(...coded), shift: fc.nat(40) }).map((m): Mutation => ({ kind: 'bad-check-param', ...m })));
  }
  // The Idempotency-Key is a header of POST routes only (elsewhere it is not read), and not of the answer page's form
  // nor of the session routes.
  if (method === 'POST' && !tpl.form && !tpl.keyless) out.push(fc.constantFrom(...BAD_KEYS).map((key): Mutation => ({ kind: 'idempotency-key', key })));
  return fc.oneof(...out);
}

function isJsonObject(s: string): boolean {
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  t = await build({ EXPERT_DRAW_RATE_LIMIT: '1000000', EXPERT_DRAW_LOGIN_RATE_LIMIT: '1000000' }, { now: () => clock });
  installCa(t, ca.ca);
  const admin = { sub: 'admin', role: 'admin' as const, iat: 0, exp: 0 };
  const op = { sub: 'op', role: 'operator' as const, iat: 0, exp: 0 };
  await t.ctx.pool.import(pool.experts.slice(0, 60).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', admin);
  await t.ctx.sites.register(certs.a, admin);
  const reg = (id: string) =>
    t.ctx.projects.register(
      {
        project: { id, tenderer: syntheticUscc(8001), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' },
        request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
        name: null,
        venue: '3号评标室',
        leadTimeMinutes: undefined,
      },
      op,
    );
  await reg('P-FZ-OPEN');
  await reg('P-FZ-DRAWN');
  drawnId = (await t.ctx.draws.run('P-FZ-DRAWN', 'immediate', op)).drawId;
  await t.ctx.calls.tick();
  const messages = await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'));
  responseToken = messages[0]!.responseUrl!.split('/').pop()!;
  const phoneOwner = new Map(pool.experts.map((_, i) => [syntheticPersonal(i).phone, i]));
  drawnIdNumber = syntheticPersonal(phoneOwner.get(messages[0]!.to)!).idNumber;
  (TEMPLATES['POST /v1/responses/{token}']!.params as Record<string, string>).token = responseToken;
  (TEMPLATES['POST /r/{token}']!.params as Record<string, string>).token = messages[1]!.responseUrl!.split('/').pop()!;
  const link = await t.ctx.recordLinks.send(E, { sub: 'pm', role: 'pool-manager', iat: 0, exp: 0 });
  await t.ctx.calls.tick();
  const recordLink = (await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'))).find((m) => m.messageId === link.messageId)!;
  (TEMPLATES['POST /m/{token}']!.params as Record<string, string>).token = recordLink.responseUrl!.split('/').pop()!;
  (TEMPLATES['POST /v1/draws/{id}/unseal']!.params as Record<string, string>).id = drawnId;
  (TEMPLATES['POST /v1/draws/{id}/disclose']!.params as Record<string, string>).id = drawnId;
  (TEMPLATES['POST /v1/draws/{id}/records']!.params as Record<string, string>).id = drawnId;
  userId = (await t.ctx.users.create({ username: 'fz-login', displayName: '模糊测试', role: 'inspector', site: null, password: FIRST_PASSWORD }, 'seed')).id;
  (TEMPLATES['PATCH /v1/users/{id}']!.params as Record<string, string>).id = userId;
  refreshToken = (await t.ctx.sessions.login('fz-login', FIRST_PASSWORD)).refreshToken;
  // The one who changes a password keeps the first one: the template's valid request is still valid afterwards.
  await t.ctx.users.create({ username: 'fz-changer', displayName: '模糊测试', role: 'inspector', site: null, password: FIRST_PASSWORD }, 'seed');
  people = { operator: (await person(t, 'operator')).auth, changer: { authorization: `Bearer ${(await t.ctx.sessions.login('fz-changer', FIRST_PASSWORD)).accessToken}` }, supervisor: (await person(t, 'supervisor')).auth, poolManager: (await person(t, 'pool-manager')).auth };
  await t.ctx.auditLog.checkpoint();

  const db = new Database(join(t.config.EXPERT_DRAW_DATA_DIR, SQLITE_FILE), { readonly: true, fileMustExist: true });
  const tables = db.prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
  const reads = tables.map((name) => ({ name, rows: db.prepare(`SELECT * FROM "${name}"`).raw() }));
  readStore = () => {
    const h = createHash('sha256');
    for (const { name, rows } of reads) {
      const lines = rows.all().map((row) => JSON.stringify((row as unknown[]).map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? v.toString() : v))));
      h.update(`${name}\n${lines.sort().join('\n')}\n`);
    }
    return h.digest('hex');
  };
  doc = t.app.swagger() as unknown as typeof doc;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

function writeRoutes(): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['post', 'put', 'patch'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
}

describe('fuzz: invalid requests to every write route', () => {
  it('has a valid-request template for every write route of the OpenAPI document', () => {
    const routes = writeRoutes();
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.sort()).toEqual(Object.keys(TEMPLATES).sort());
  });

  it('answers every invalid request 4xx in the service error shape, and changes nothing', async () => {
    const started = Date.now();
    const before = readStore();
    const logSize = await t.ctx.store.logSize();
    // The store is quiet: nothing runs in the background that would change it between cases.
    await new Promise((r) => setTimeout(r, 1200));
    expect(readStore()).toBe(before);
    for (const route of writeRoutes()) {
      const tpl = TEMPLATES[route];
      if (!tpl) throw new Error(`no valid-request template for ${route}: add one to TEMPLATES`);
      const [method, path] = route.split(' ') as [string, string];
      const schema = tpl.upload ? doc.paths['/v1/experts']!['post']!.requestBody!.content['application/json']!.schema : doc.paths[path]![method.toLowerCase()]!.requestBody?.content[tpl.form ? FORM_TYPE : 'application/json']?.schema;
      await fc.assert(
        fc.asyncProperty(mutationsOf(route, tpl, schema), async (m) => {
          cases++;
          kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
          const req = materialize(route, tpl, m);
          const res = await t.app.inject(req as never);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const what = `${route} ${JSON.stringify(m).slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode >= 400 && res.statusCode < 500, what).toBe(true);
          // The answer page refuses with a page of its own look, whose <main> carries the stable code (only the router's
          // refusals, before any route, answer JSON there too).
          if (tpl.form && res.headers['content-type'] === 'text/html; charset=utf-8') {
            const code = /<main [^>]*data-code="([A-Z_]+)"/.exec(res.body)?.[1];
            expect(ERROR_STATUS[code as keyof typeof ERROR_STATUS], what).toBe(res.statusCode);
          } else {
            const body = ErrorBody.safeParse(res.json());
            expect(body.success, what).toBe(true);
            expect(ERROR_STATUS[body.data!.error.code], what).toBe(res.statusCode);
            expect(res.headers['x-request-id'], what).toBe(body.data!.requestId);
          }
          expect(readStore(), what).toBe(before);
          expect(await t.ctx.store.logSize(), what).toBe(logSize);
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    }
    console.log(`fuzz: ${cases} invalid requests over ${writeRoutes().length} write routes in ${((Date.now() - started) / 1000).toFixed(1)} s, all refused 4xx with the store unchanged`);
    console.log(`  by status: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ')}`);
    console.log(`  by mutation: ${[...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(', ')}`);
  }, 240_000);

  it('the templates are valid: each passes validation (the mutations start from a valid request)', async () => {
    for (const route of writeRoutes()) {
      const tpl = TEMPLATES[route]!;
      const req = materialize(route, tpl, { kind: 'query', query: '' });
      const res = await t.app.inject(req as never);
      expect([400, 413, 414, 415, 431], `${route}: ${res.statusCode} ${res.body.slice(0, 300)}`).not.toContain(res.statusCode);
      expect(res.statusCode, route).toBeLessThan(500);
    }
  });
});
