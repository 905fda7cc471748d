// Every error status an endpoint declares in the OpenAPI document is produced here through inject(), with its stable
// code, and leaves the log as it was. 401 and 403 for every route, each route's own 4xx, 409 for a lost race (a store
// whose appends always lose to "another instance"), 429 on a low rate limit, and 500/503 with a broken store — whose
// answers carry no internals. A route added without cases here fails the first test.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { batchOfToken, callBatches } from '../../src/records/outbox.js';
import { consequences, type ConsequenceRecord } from '../../src/records/sanctions.js';
import { build, type Built } from '../helper.js';
import { generateNoteKeys } from '../../src/log/note.js';
import type { ExchangeFile } from '../../src/exchange/format.js';
import { EXCHANGE_BODY_FACTOR } from '../../src/routes/v1/exchange.js';
import { FAULT_MARKER, faultyStore, type Fault } from '../helpers/faulty-store.js';
import { installCa, testCa, type TestSite } from '../helpers/sites.js';
import { FIRST_PASSWORD, person, type Person } from '../helpers/people.js';

interface Req {
  readonly url: string;
  readonly payload?: string | object;
  readonly headers?: Record<string, string>;
  /** Default: the route's first role. */
  readonly role?: Role;
  /** Sent by this person's session instead of a machine token (routes only people may call); never without a token. */
  readonly as?: () => { authorization: string };
  readonly fault?: Fault;
  /** Changes the running service just for this request (a setting it lacks); answers how to put it back. */
  readonly setup?: () => () => void;
}

interface RouteCase {
  /** The route's roles, in order of preference for the valid request. */
  readonly roles: readonly Role[];
  /** A request that succeeds (or at least passes authentication and validation). */
  readonly ok: () => Req;
  /** Route-specific errors: status → request, the code it must answer with, and the entry it logs (if any). */
  readonly errors: Record<number, { req: () => Req; code: string; logs?: string }>;
  /** Served from the in-memory pool index: still answers while the store is down. */
  readonly fromMemory?: boolean;
}

let drawnId = '';
/** The size of a checkpoint the log signed during set-up. */
let checkpointSize = 0;
/** A draw of site-a's project (sealed to it too), and one of its projects whose draw failed. */
let siteDrawId = '';
let siteFailedDrawId = '';
// Keys and certificates are made before any app runs: generating RSA keys blocks the event loop.
const ca = testCa();
const siteCerts = { a: ca.issue('site-a').certPem, b: ca.issue('site-b'), a2: ca.issue('site-a'), r: ca.issue('site-r').certPem };
let siteB: TestSite;
let siteA2: TestSite;
let siteACert = '';
/** Response links of the calls of the drawn project: [0] open, [1] answered, [2] past its deadline. */
let calls: string[] = [];
const NO_DRAW = 'D-00000000-0000-4000-8000-000000000000';
const tokenOf = (url: string) => url.split('/').pop()!;
const form = (payload: string) => ({ payload, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

let t: Built;
let faults: ReturnType<typeof faultyStore>;
/** People: an operator (the unseal), one who changes passwords, one who logs out, an administrator. */
let people: Record<'operator' | 'changer' | 'leaver' | 'admin' | 'supervisor' | 'poolManager', Person>;
/** A refresh token of a session, and the user that logs in with FIRST_PASSWORD. */
let refreshToken = '';
let userId = '';
const asOperator = () => people.operator.auth;
const asPoolManager = () => people.poolManager.auth;
const C_OPEN = `C-${'a'.repeat(32)}`;
const C_OTHER = `C-${'b'.repeat(32)}`;
/** A review an upheld objection annulled: it cannot be closed. */
const C_ENDED = `C-${'c'.repeat(32)}`;
/** Record links of expert E: the first one sent, replaced by the second. */
const recordLinks = { replaced: '', current: '' };
let objectionId = '';
const asSupervisor = () => people.supervisor.auth;
const SECRET = 'a5'.repeat(32);
const clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 80, seed: 'declared-errors', fixed: [{ code: 'C990101', members: 30 }, { code: 'C990102', members: 6 }] });
const E = pool.experts[0]!.id;
/** An expert whose phone a revised file changed in the set-up: the change held (docs/security.md T6). */
const HELD = pool.experts[3]!.id;
let heldChange = '';
const NO_CHANGE = 'PC-00000000-0000-4000-8000-000000000000';
/** Admission (docs/admission.md): A-DE-DONE admitted in the set-up, A-DE-WAIT waiting; expert 59 has left the pool. */
const EXITED = pool.experts[59]!.id;
const exchangeKeys = generateNoteKeys('declared-errors.example/exchange');
/** Exchange files of this centre: one imported in the set-up, one exported later and not imported. */
const exchangeFiles = {} as { imported: ExchangeFile; fresh: ExchangeFile };
const ORG = syntheticUscc(8101);

const project = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  tenderer: syntheticUscc(8001),
  agency: syntheticUscc(8002),
  bidOpeningAt: '2026-12-01T10:00:00+08:00',
  region: '330106',
  venue: '3号评标室',
  groups: [{ specialty: 'C990101', count: 5 }],
  ...over,
});
const expertBody = (i: number) => ({ ...pool.experts[i]!, personal: syntheticPersonal(i) });
const csvHeader = 'id,name,phone,idNumber,specialties,region,employer,status\n';

const POOL_ROLES: Role[] = ['pool-manager', 'admin'];
const PROJECT_WRITE: Role[] = ['operator', 'admin', 'site'];
const PROJECT_READ: Role[] = ['operator', 'supervisor', 'inspector', 'admin', 'site'];
const LOG_READ: Role[] = ['inspector', 'supervisor'];
/** The exchange service as if EXPERT_DRAW_EXCHANGE_SIGNER_KEY were unset, until the answer is given. */
const withoutExchangeSigner = (): (() => void) => {
  const service = t.ctx.exchange as unknown as { keys: Record<string, unknown> };
  const keys = service.keys;
  service.keys = { ...keys, signer: null };
  return () => void (service.keys = keys);
};
const lostRace = (req: () => Req) => ({ req: () => ({ ...req(), fault: 'conflict' as const }), code: 'CONFLICT' });

const CASES: Record<string, RouteCase> = {
  'GET /v1/session': { roles: ROLES, ok: () => ({ url: '/v1/session' }), errors: {} },
  'POST /v1/session': {
    roles: [],
    ok: () => ({ url: '/v1/session', payload: { username: 'de-login', password: FIRST_PASSWORD } }),
    errors: {
      400: { req: () => ({ url: '/v1/session', payload: { username: 'de-login' } }), code: 'INVALID_INPUT' },
      401: { req: () => ({ url: '/v1/session', payload: { username: 'de-login', password: 'not-the-password' } }), code: 'BAD_CREDENTIALS' },
      403: { req: () => ({ url: '/v1/session', payload: { username: 'de-disabled', password: FIRST_PASSWORD } }), code: 'ACCOUNT_DISABLED' },
      429: { req: () => ({ url: '/v1/session', payload: { username: 'de-locked', password: FIRST_PASSWORD } }), code: 'ACCOUNT_LOCKED' },
    },
  },
  'POST /v1/session/refresh': {
    roles: [],
    ok: () => ({ url: '/v1/session/refresh', payload: { refreshToken } }),
    errors: {
      400: { req: () => ({ url: '/v1/session/refresh', payload: { refreshToken: '' } }), code: 'INVALID_INPUT' },
      401: { req: () => ({ url: '/v1/session/refresh', payload: { refreshToken: 'not-a-refresh-token' } }), code: 'UNAUTHENTICATED' },
    },
  },
  'POST /v1/session/password': {
    roles: ROLES,
    ok: () => ({ url: '/v1/session/password', as: () => people.changer.auth, payload: { currentPassword: people.changer.password, newPassword: 'another-password-2' } }),
    errors: {
      400: { req: () => ({ url: '/v1/session/password', as: () => people.changer.auth, payload: { currentPassword: 'x' } }), code: 'INVALID_INPUT' },
      401: { req: () => ({ url: '/v1/session/password', as: () => people.changer.auth, payload: { currentPassword: 'not-my-password', newPassword: 'another-password-3' } }), code: 'BAD_CREDENTIALS' },
      // A machine token has no password to change.
      403: { req: () => ({ url: '/v1/session/password', payload: { currentPassword: 'x', newPassword: 'another-password-3' } }), code: 'FORBIDDEN' },
      422: { req: () => ({ url: '/v1/session/password', as: () => people.changer.auth, payload: { currentPassword: people.changer.password, newPassword: 'short' } }), code: 'PASSWORD_POLICY' },
    },
  },
  'DELETE /v1/session': {
    roles: ROLES,
    ok: () => ({ url: '/v1/session', as: () => people.leaver.auth }),
    errors: { 403: { req: () => ({ url: '/v1/session' }), code: 'FORBIDDEN' } },
  },
  'POST /v1/users': {
    roles: ['admin'],
    ok: () => ({ url: '/v1/users', payload: { username: 'de-new', displayName: '新同事', role: 'operator', password: FIRST_PASSWORD } }),
    errors: {
      400: { req: () => ({ url: '/v1/users', payload: { username: 'de new', displayName: '新同事', role: 'operator', password: FIRST_PASSWORD } }), code: 'INVALID_INPUT' },
      409: { req: () => ({ url: '/v1/users', payload: { username: 'de-login', displayName: '重名', role: 'operator', password: FIRST_PASSWORD } }), code: 'CONFLICT' },
      422: { req: () => ({ url: '/v1/users', payload: { username: 'de-weak', displayName: '新同事', role: 'operator', password: 'aaaaaaaaaaaaaaaa' } }), code: 'PASSWORD_POLICY' },
    },
  },
  'GET /v1/users': { roles: ['admin'], ok: () => ({ url: '/v1/users?state=active' }), errors: { 400: { req: () => ({ url: '/v1/users?state=gone' }), code: 'INVALID_INPUT' } } },
  'GET /v1/users/{id}': {
    roles: ['admin'],
    ok: () => ({ url: `/v1/users/${userId}` }),
    errors: { 400: { req: () => ({ url: '/v1/users/42' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/users/U-00000000-0000-4000-8000-000000000000' }), code: 'NOT_FOUND' } },
  },
  'PATCH /v1/users/{id}': {
    roles: ['admin'],
    ok: () => ({ url: `/v1/users/${userId}`, payload: { displayName: '改名了' } }),
    errors: {
      400: { req: () => ({ url: `/v1/users/${userId}`, payload: {} }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/users/U-00000000-0000-4000-8000-000000000000', payload: { displayName: '无人' } }), code: 'NOT_FOUND' },
      // An administrator cannot disable themselves.
      409: { req: () => ({ url: `/v1/users/${people.admin.userId}`, as: () => people.admin.auth, payload: { state: 'disabled' } }), code: 'CONFLICT' },
      422: { req: () => ({ url: `/v1/users/${userId}`, payload: { password: 'aaaaaaaaaaaaaaaa' } }), code: 'PASSWORD_POLICY' },
    },
  },
  'POST /v1/experts': {
    roles: POOL_ROLES,
    ok: () => ({ url: '/v1/experts', payload: expertBody(70) }),
    errors: {
      400: { req: () => ({ url: '/v1/experts', payload: { ...expertBody(71), region: '33' } }), code: 'INVALID_INPUT' },
      409: { req: () => ({ url: '/v1/experts', payload: expertBody(0) }), code: 'CONFLICT' },
    },
  },
  'GET /v1/experts': { roles: POOL_ROLES, fromMemory: true, ok: () => ({ url: '/v1/experts?limit=5' }), errors: { 400: { req: () => ({ url: '/v1/experts?limit=0' }), code: 'INVALID_INPUT' } } },
  'GET /v1/experts/{id}': {
    roles: POOL_ROLES,
    fromMemory: true,
    ok: () => ({ url: `/v1/experts/${E}` }),
    errors: { 400: { req: () => ({ url: '/v1/experts/E%20X' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/experts/E9999999' }), code: 'NOT_FOUND' } },
  },
  'PATCH /v1/experts/{id}': {
    roles: POOL_ROLES,
    ok: () => ({ url: `/v1/experts/${E}`, payload: { region: '330102' } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${E}`, payload: {} }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999', payload: { region: '330102' } }), code: 'NOT_FOUND' },
      409: lostRace(() => ({ url: `/v1/experts/${E}`, payload: { region: '330105' } })),
    },
  },
  'POST /v1/experts/{id}/status': {
    roles: POOL_ROLES,
    ok: () => ({ url: `/v1/experts/${pool.experts[1]!.id}/status`, payload: { status: 'suspended', reason: '连续缺席', until: '2026-12-31' } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${E}/status`, payload: { status: 'retired' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999/status', payload: { status: 'retired', reason: '年满70周岁' } }), code: 'NOT_FOUND' },
      409: lostRace(() => ({ url: `/v1/experts/${E}/status`, payload: { status: 'retired', reason: '年满70周岁' } })),
    },
  },
  'PUT /v1/experts/{id}/availability': {
    roles: POOL_ROLES,
    ok: () => ({ url: `/v1/experts/${E}/availability`, payload: { unavailable: ['2026-12-24'] } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${E}/availability`, payload: { unavailable: '2026-12-24' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999/availability', payload: { unavailable: [] } }), code: 'NOT_FOUND' },
      409: lostRace(() => ({ url: `/v1/experts/${E}/availability`, payload: { unavailable: ['2026-12-25'] } })),
    },
  },
  'PUT /v1/experts/{id}/relations': {
    roles: POOL_ROLES,
    // A real change each: an edit that changes nothing writes nothing, so it can neither lose a race nor meet a broken store.
    ok: () => ({ url: `/v1/experts/${E}/relations`, payload: { relations: [{ kind: 'org', holder: 'self', role: 'adviser', org: syntheticUscc(9931), until: null }] } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${E}/relations`, payload: { relations: [{ kind: 'friend' }] } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999/relations', payload: { relations: [] } }), code: 'NOT_FOUND' },
      409: lostRace(() => ({ url: `/v1/experts/${E}/relations`, payload: { relations: [{ kind: 'org', holder: 'self', role: 'adviser', org: syntheticUscc(9932), until: null }] } })),
    },
  },
  'POST /v1/experts/import': {
    roles: POOL_ROLES,
    ok: () => ({ url: '/v1/experts/import', headers: { 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(expertBody(72))}\n` }),
    errors: {
      400: { req: () => ({ url: '/v1/experts/import?mode=some', headers: { 'content-type': 'text/csv' }, payload: csvHeader }), code: 'INVALID_INPUT' },
      409: lostRace(() => ({ url: '/v1/experts/import', headers: { 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(expertBody(73))}\n` })),
      413: { req: () => ({ url: '/v1/experts/import', headers: { 'content-type': 'text/csv' }, payload: csvHeader + 'x'.repeat(33 * 1024 * 1024) }), code: 'PAYLOAD_TOO_LARGE' },
      415: { req: () => ({ url: '/v1/experts/import', headers: { 'content-type': 'application/pdf' }, payload: '%PDF-1.7' }), code: 'UNSUPPORTED_MEDIA_TYPE' },
      422: { req: () => ({ url: '/v1/experts/import', headers: { 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(expertBody(0))}\n` }), code: 'IMPORT_REJECTED' },
    },
  },
  'PUT /v1/organisations/{code}': {
    roles: POOL_ROLES,
    ok: () => ({ url: `/v1/organisations/${ORG}`, payload: { name: '某某建设集团有限公司' } }),
    errors: {
      400: { req: () => ({ url: '/v1/organisations/123', payload: { name: 'x' } }), code: 'INVALID_INPUT' },
      409: lostRace(() => ({ url: `/v1/organisations/${ORG}`, payload: { name: '改名' } })),
    },
  },
  'GET /v1/organisations/{code}': {
    roles: POOL_ROLES,
    ok: () => ({ url: `/v1/organisations/${ORG}` }),
    errors: { 400: { req: () => ({ url: '/v1/organisations/123' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: `/v1/organisations/${syntheticUscc(8199)}` }), code: 'NOT_FOUND' } },
  },
  'POST /v1/projects': {
    roles: PROJECT_WRITE,
    ok: () => ({ url: '/v1/projects', payload: project('P-DE-NEW') }),
    errors: {
      400: { req: () => ({ url: '/v1/projects', payload: { ...project('P-DE-X'), region: 'hangzhou' } }), code: 'INVALID_INPUT' },
      409: { req: () => ({ url: '/v1/projects', payload: project('P-DE-OPEN') }), code: 'CONFLICT' },
      422: { req: () => ({ url: '/v1/projects', payload: project('P-DE-Y', { groups: [{ specialty: 'C990101', count: 4 }] }) }), code: 'POLICY_RULES' },
    },
  },
  'GET /v1/projects/{id}': {
    roles: PROJECT_READ,
    ok: () => ({ url: '/v1/projects/P-DE-OPEN' }),
    errors: { 400: { req: () => ({ url: '/v1/projects/%20' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/projects/P-NONE' }), code: 'NOT_FOUND' } },
  },
  'GET /v1/projects': {
    roles: PROJECT_READ,
    ok: () => ({ url: '/v1/projects?limit=5&needs=decision' }),
    errors: { 400: { req: () => ({ url: '/v1/projects?state=gone' }), code: 'INVALID_INPUT' } },
  },
  'GET /v1/projects/{id}/timeline': {
    roles: PROJECT_READ,
    ok: () => ({ url: '/v1/projects/P-DE-DRAWN/timeline' }),
    errors: { 400: { req: () => ({ url: '/v1/projects/%20/timeline' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/projects/P-NONE/timeline' }), code: 'NOT_FOUND' } },
  },
  'GET /v1/draws': {
    roles: PROJECT_READ,
    ok: () => ({ url: '/v1/draws?state=drawn' }),
    errors: { 400: { req: () => ({ url: '/v1/draws?cursor=x' }), code: 'INVALID_INPUT' } },
  },
  'PATCH /v1/projects/{id}/bid-opening': {
    roles: PROJECT_WRITE,
    ok: () => ({ url: '/v1/projects/P-DE-OPEN/bid-opening', payload: { bidOpeningAt: '2026-12-01T11:00:00+08:00', reason: '开标时间顺延' } }),
    errors: {
      400: { req: () => ({ url: '/v1/projects/P-DE-OPEN/bid-opening', payload: { bidOpeningAt: 'tomorrow', reason: '顺延' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/projects/P-NONE/bid-opening', payload: { bidOpeningAt: '2026-12-01T11:00:00+08:00', reason: '顺延' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/projects/P-DE-DRAWN/bid-opening', payload: { bidOpeningAt: '2026-12-01T11:00:00+08:00', reason: '顺延' } }), code: 'CONFLICT' },
      422: { req: () => ({ url: '/v1/projects/P-DE-OPEN/bid-opening', payload: { bidOpeningAt: '2026-12-01T05:00:00+08:00', reason: '顺延' } }), code: 'SCHEDULE_RULES' },
    },
  },
  'POST /v1/projects/{id}/cancel': {
    roles: PROJECT_WRITE,
    ok: () => ({ url: '/v1/projects/P-DE-CANCEL/cancel', payload: { reason: '招标人撤回' } }),
    errors: {
      400: { req: () => ({ url: '/v1/projects/P-DE-OPEN/cancel', payload: {} }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/projects/P-NONE/cancel', payload: { reason: '招标人撤回' } }), code: 'NOT_FOUND' },
      // Cancelled already (a drawn project is cancelled until its bid opening: test/services/cancel-drawn.test.ts).
      409: { req: () => ({ url: '/v1/projects/P-DE-CANCELLED/cancel', payload: { reason: '招标人撤回' } }), code: 'CONFLICT' },
    },
  },
  'POST /v1/projects/{id}/draw': {
    roles: ['operator', 'site'],
    ok: () => ({ url: '/v1/projects/P-DE-OPEN/draw' }),
    errors: {
      400: { req: () => ({ url: '/v1/projects/P-DE-OPEN/draw', headers: { 'idempotency-key': 'short' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/projects/P-NONE/draw' }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/projects/P-DE-DRAWN/draw' }), code: 'CONFLICT' },
      // A draw that cannot fill a group fails visibly: the failure is logged and the project left `failed`.
      422: { req: () => ({ url: '/v1/projects/P-DE-SHORT/draw' }), code: 'INSUFFICIENT_CANDIDATES', logs: 'draw.failed' },
    },
  },
  'POST /v1/responses/{token}': {
    roles: [],
    ok: () => ({ url: `/v1/responses/${tokenOf(calls[0]!)}`, payload: { answer: 'accept' } }),
    errors: {
      400: { req: () => ({ url: '/v1/responses/short', payload: { answer: 'accept' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/responses/${'A'.repeat(32)}`, payload: { answer: 'accept' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/responses/${tokenOf(calls[1]!)}`, payload: { answer: 'decline' } }), code: 'CONFLICT' },
      410: { req: () => ({ url: `/v1/responses/${tokenOf(calls[2]!)}`, payload: { answer: 'accept' } }), code: 'GONE' },
    },
  },
  // The expert's answer page answers in HTML; its <main> carries the stable code.
  'GET /r/{token}': {
    roles: [],
    ok: () => ({ url: `/r/${tokenOf(calls[0]!)}` }),
    errors: {
      404: { req: () => ({ url: `/r/${'A'.repeat(32)}` }), code: 'NOT_FOUND' },
      410: { req: () => ({ url: `/r/${tokenOf(calls[2]!)}` }), code: 'GONE' },
    },
  },
  'POST /r/{token}': {
    roles: [],
    ok: () => ({ url: `/r/${tokenOf(calls[0]!)}`, ...form('answer=accept') }),
    errors: {
      400: { req: () => ({ url: `/r/${tokenOf(calls[0]!)}`, ...form('answer=maybe') }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/r/${'A'.repeat(32)}`, ...form('answer=accept') }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/r/${tokenOf(calls[1]!)}`, ...form('answer=decline') }), code: 'CONFLICT' },
      410: { req: () => ({ url: `/r/${tokenOf(calls[2]!)}`, ...form('answer=accept') }), code: 'GONE' },
      413: { req: () => ({ url: `/r/${tokenOf(calls[0]!)}`, ...form(`answer=accept&pad=${'x'.repeat(4096)}`) }), code: 'PAYLOAD_TOO_LARGE' },
      415: { req: () => ({ url: `/r/${tokenOf(calls[0]!)}`, payload: { answer: 'accept' } }), code: 'UNSUPPORTED_MEDIA_TYPE' },
    },
  },
  // The expert's own record page (HTML, its <main> carries the code): expert E's newest link, and the one it replaced.
  'GET /m/{token}': {
    roles: [],
    ok: () => ({ url: `/m/${recordLinks.current}` }),
    errors: {
      404: { req: () => ({ url: `/m/${'A'.repeat(32)}` }), code: 'NOT_FOUND' },
      410: { req: () => ({ url: `/m/${recordLinks.replaced}` }), code: 'GONE' },
    },
  },
  'POST /m/{token}': {
    roles: [],
    ok: () => ({ url: `/m/${recordLinks.current}`, ...form(`consequence=${C_OPEN}&reason=${encodeURIComponent('本人当日因病无法到场')}`) }),
    errors: {
      400: { req: () => ({ url: `/m/${recordLinks.current}`, ...form('reason=x') }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/m/${recordLinks.current}`, ...form('record=0&reason=x') }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/m/${recordLinks.current}`, ...form(`consequence=${C_OTHER}&reason=x`) }), code: 'CONFLICT' },
      410: { req: () => ({ url: `/m/${recordLinks.replaced}`, ...form(`consequence=${C_OPEN}&reason=x`) }), code: 'GONE' },
      413: { req: () => ({ url: `/m/${recordLinks.current}`, ...form(`consequence=${C_OPEN}&reason=${'x'.repeat(13_000)}`) }), code: 'PAYLOAD_TOO_LARGE' },
      415: { req: () => ({ url: `/m/${recordLinks.current}`, payload: { consequence: C_OPEN, reason: 'x' } }), code: 'UNSUPPORTED_MEDIA_TYPE' },
    },
  },
  'POST /v1/checkins': {
    roles: ['checkin'],
    ok: () => ({ url: '/v1/checkins', payload: { projectId: 'P-DE-DRAWN', idNumber: syntheticPersonal(0).idNumber } }),
    errors: {
      400: { req: () => ({ url: '/v1/checkins', payload: { projectId: 'P-DE-DRAWN', idNumber: '123' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/checkins', payload: { projectId: 'P-DE-DRAWN', idNumber: syntheticPersonal(79).idNumber } }), code: 'NOT_FOUND', logs: 'checkin.unmatched' },
      409: { req: () => ({ url: '/v1/checkins', payload: { projectId: 'P-DE-OPEN', idNumber: syntheticPersonal(0).idNumber } }), code: 'CONFLICT' },
    },
  },
  'POST /v1/projects/{id}/bidders': {
    roles: PROJECT_WRITE,
    ok: () => ({ url: '/v1/projects/P-DE-OPEN/bidders', payload: { bidders: [syntheticUscc(8301)] } }),
    errors: {
      400: { req: () => ({ url: '/v1/projects/P-DE-OPEN/bidders', payload: { bidders: [] } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/projects/P-NONE/bidders', payload: { bidders: [syntheticUscc(8301)] } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/projects/P-DE-GONE/bidders', payload: { bidders: [syntheticUscc(8301)] } }), code: 'CONFLICT' },
    },
  },
  'POST /v1/projects/{id}/witness-deposits': {
    roles: ['supervisor'],
    ok: () => ({ url: '/v1/projects/P-DE-WIT/witness-deposits', as: asSupervisor, payload: { secret: SECRET } }),
    errors: {
      400: { req: () => ({ url: '/v1/projects/P-DE-WIT/witness-deposits', as: asSupervisor, payload: { secret: 'A5'.repeat(32) } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/projects/P-NONE/witness-deposits', as: asSupervisor, payload: { secret: SECRET } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/projects/P-DE-OPEN/witness-deposits', as: asSupervisor, payload: { secret: SECRET } }), code: 'NOT_PLANNED' },
    },
  },
  'POST /v1/draws/{id}/unseal': {
    roles: ['operator', 'supervisor'],
    ok: () => ({ url: `/v1/draws/${drawnId}/unseal`, as: asOperator }),
    errors: {
      400: { req: () => ({ url: '/v1/draws/D-1/unseal', as: asOperator }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/draws/${NO_DRAW}/unseal`, as: asOperator }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/draws/${drawnId}/unseal`, as: asOperator }), code: 'SEALED' },
    },
  },
  'GET /v1/draws/{id}/panel': {
    roles: ['operator', 'supervisor'],
    ok: () => ({ url: `/v1/draws/${drawnId}/panel` }),
    errors: {
      400: { req: () => ({ url: '/v1/draws/D-1/panel' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/draws/${NO_DRAW}/panel` }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/draws/${drawnId}/panel` }), code: 'SEALED' },
    },
  },
  'POST /v1/draws/{id}/disclose': {
    roles: ['operator'],
    ok: () => ({ url: `/v1/draws/${drawnId}/disclose` }),
    errors: {
      400: { req: () => ({ url: '/v1/draws/D-1/disclose' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/draws/${NO_DRAW}/disclose` }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/draws/${drawnId}/disclose` }), code: 'SEALED' },
    },
  },
  'GET /v1/draws/{id}/proof': {
    roles: ['inspector', 'supervisor', 'operator'],
    ok: () => ({ url: `/v1/draws/${drawnId}/proof` }),
    errors: {
      400: { req: () => ({ url: '/v1/draws/D-1/proof' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/draws/${NO_DRAW}/proof` }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/draws/${drawnId}/proof` }), code: 'SEALED' },
    },
  },
  // Performance records: the clock stands before the opening, so entering conduct is refused there (409).
  'POST /v1/draws/{id}/records': {
    roles: ['operator', 'supervisor'],
    ok: () => ({ url: `/v1/draws/${drawnId}/records`, as: asOperator, payload: { group: 0, seat: 0, code: 'LEFT_EARLY' } }),
    errors: {
      400: { req: () => ({ url: `/v1/draws/${drawnId}/records`, as: asOperator, payload: { group: 0, seat: 0, code: 'NOT_A_CODE' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/draws/${NO_DRAW}/records`, as: asOperator, payload: { group: 0, seat: 0, code: 'LEFT_EARLY' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/draws/${drawnId}/records`, as: asOperator, payload: { group: 0, seat: 0, code: 'LEFT_EARLY' } }), code: 'CONFLICT' },
    },
  },
  'GET /v1/draws/{id}/records': {
    roles: ['operator', 'supervisor'],
    ok: () => ({ url: `/v1/draws/${drawnId}/records` }),
    errors: {
      400: { req: () => ({ url: '/v1/draws/D-1/records' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/draws/${NO_DRAW}/records` }), code: 'NOT_FOUND' },
    },
  },
  'GET /v1/experts/{id}/record': {
    roles: ['pool-manager', 'supervisor'],
    ok: () => ({ url: `/v1/experts/${E}/record` }),
    errors: { 400: { req: () => ({ url: '/v1/experts/E%20X/record' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/experts/E9999999/record' }), code: 'NOT_FOUND' } },
  },
  // Rules and consequences, objections: a consequence logged in set-up (C_OPEN, C_OTHER), an objection lodged against
  // the second (objectionId).
  'GET /v1/rules': { roles: ['pool-manager', 'supervisor', 'inspector'], ok: () => ({ url: '/v1/rules' }), errors: {}, fromMemory: true },
  'GET /v1/consequences': { roles: ['pool-manager', 'supervisor'], ok: () => ({ url: '/v1/consequences' }), errors: {} },
  'GET /v1/experts/{id}/consequences': {
    roles: ['pool-manager', 'supervisor'],
    ok: () => ({ url: `/v1/experts/${E}/consequences` }),
    errors: { 400: { req: () => ({ url: '/v1/experts/E%20X/consequences' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/experts/E9999999/consequences' }), code: 'NOT_FOUND' } },
  },
  'POST /v1/experts/{id}/objections': {
    roles: ['pool-manager'],
    ok: () => ({ url: `/v1/experts/${E}/objections`, as: asPoolManager, payload: { against: { consequence: C_OPEN }, reason: '本人当日因病无法到场' } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${E}/objections`, as: asPoolManager, payload: { against: { record: -1 }, reason: '本人当日因病无法到场' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/experts/${E}/objections`, as: asPoolManager, payload: { against: { record: 0 }, reason: '本人当日因病无法到场' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/experts/${E}/objections`, as: asPoolManager, payload: { against: { consequence: C_OTHER }, reason: '本人当日因病无法到场' } }), code: 'CONFLICT' },
    },
  },
  'POST /v1/objections/{id}/decision': {
    roles: ['pool-manager'],
    ok: () => ({ url: `/v1/objections/${objectionId}/decision`, as: asPoolManager, payload: { upheld: false, reason: '证据不足' } }),
    errors: {
      400: { req: () => ({ url: '/v1/objections/O-1/decision', as: asPoolManager, payload: { upheld: false, reason: '证据不足' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/objections/O-00000000-0000-4000-8000-000000000000/decision', as: asPoolManager, payload: { upheld: false, reason: '证据不足' } }), code: 'NOT_FOUND' },
      409: lostRace(() => ({ url: `/v1/objections/${objectionId}/decision`, as: asPoolManager, payload: { upheld: false, reason: '证据不足' } })),
    },
  },
  'POST /v1/consequences/{id}/review': {
    roles: ['pool-manager'],
    ok: () => ({ url: `/v1/consequences/${C_OPEN}/review`, as: asPoolManager, payload: { outcome: 'warning', reason: '已约谈' } }),
    errors: {
      400: { req: () => ({ url: `/v1/consequences/${C_OPEN}/review`, as: asPoolManager, payload: { outcome: 'forgiven', reason: '已约谈' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/consequences/C-${'f'.repeat(32)}/review`, as: asPoolManager, payload: { outcome: 'warning', reason: '已约谈' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/consequences/${C_ENDED}/review`, as: asPoolManager, payload: { outcome: 'warning', reason: '已约谈' } }), code: 'NOT_UNDER_REVIEW' },
    },
  },
  // Held personal data changes (docs/security.md T6): held in the set-up for HELD by another pool manager (`pm`).
  'GET /v1/personal-changes': { roles: ['pool-manager', 'supervisor'], ok: () => ({ url: '/v1/personal-changes', as: asPoolManager }), errors: {} },
  'POST /v1/experts/{id}/personal-change/{changeId}/approve': {
    roles: ['pool-manager', 'supervisor'],
    ok: () => ({ url: `/v1/experts/${HELD}/personal-change/${heldChange}/approve`, as: asSupervisor }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${HELD}/personal-change/PC-1/approve`, as: asSupervisor }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/experts/${E}/personal-change/${heldChange}/approve`, as: asSupervisor }), code: 'NOT_FOUND' },
      // Not the change held now (a later file replaced it).
      409: { req: () => ({ url: `/v1/experts/${HELD}/personal-change/${NO_CHANGE}/approve`, as: asSupervisor }), code: 'CONFLICT' },
    },
  },
  'POST /v1/experts/{id}/personal-change/{changeId}/reject': {
    roles: ['pool-manager', 'supervisor'],
    ok: () => ({ url: `/v1/experts/${HELD}/personal-change/${heldChange}/reject`, as: asPoolManager, payload: { reason: '本人未申请' } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${HELD}/personal-change/${heldChange}/reject`, as: asPoolManager, payload: { reason: '号码 13900001234' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/experts/E9999999/personal-change/${heldChange}/reject`, as: asPoolManager, payload: { reason: '本人未申请' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/experts/${HELD}/personal-change/${NO_CHANGE}/reject`, as: asPoolManager, payload: { reason: '本人未申请' } }), code: 'CONFLICT' },
    },
  },
  'POST /v1/experts/{id}/record-link': {
    roles: ['pool-manager'],
    ok: () => ({ url: `/v1/experts/${E}/record-link`, as: asPoolManager }),
    errors: {
      400: { req: () => ({ url: '/v1/experts/E%20X/record-link', as: asPoolManager }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999/record-link', as: asPoolManager }), code: 'NOT_FOUND' },
      409: lostRace(() => ({ url: `/v1/experts/${E}/record-link`, as: asPoolManager })),
    },
  },
  'POST /v1/applications': {
    roles: POOL_ROLES,
    ok: () => ({ url: '/v1/applications', payload: { ...expertBody(73), id: 'A-DE-NEW' } }),
    errors: {
      400: { req: () => ({ url: '/v1/applications', payload: { ...expertBody(73), id: 'A-DE-NEW', region: '33' } }), code: 'INVALID_INPUT' },
      409: { req: () => ({ url: '/v1/applications', payload: expertBody(0) }), code: 'CONFLICT' },
    },
  },
  'GET /v1/applications': { roles: POOL_ROLES, ok: () => ({ url: '/v1/applications?state=applied' }), errors: { 400: { req: () => ({ url: '/v1/applications?state=gone' }), code: 'INVALID_INPUT' } } },
  'GET /v1/applications/{id}': {
    roles: POOL_ROLES,
    ok: () => ({ url: '/v1/applications/A-DE-WAIT' }),
    errors: { 400: { req: () => ({ url: '/v1/applications/E%20X' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/applications/A-DE-NONE' }), code: 'NOT_FOUND' } },
  },
  'POST /v1/applications/{id}/admit': {
    roles: ['pool-manager'],
    ok: () => ({ url: '/v1/applications/A-DE-WAIT/admit', as: asPoolManager }),
    errors: {
      400: { req: () => ({ url: '/v1/applications/E%20X/admit', as: asPoolManager }), code: 'INVALID_INPUT' },
      // A machine token, not a person: admission is a pool manager's own decision.
      403: { req: () => ({ url: '/v1/applications/A-DE-WAIT/admit' }), code: 'FORBIDDEN' },
      404: { req: () => ({ url: '/v1/applications/A-DE-NONE/admit', as: asPoolManager }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/applications/A-DE-DONE/admit', as: asPoolManager }), code: 'APPLICATION_DECIDED' },
    },
  },
  'POST /v1/applications/{id}/reject': {
    roles: ['pool-manager'],
    ok: () => ({ url: '/v1/applications/A-DE-WAIT/reject', as: asPoolManager, payload: { reason: '从业年限不足' } }),
    errors: {
      400: { req: () => ({ url: '/v1/applications/A-DE-WAIT/reject', as: asPoolManager, payload: {} }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/applications/A-DE-NONE/reject', as: asPoolManager, payload: { reason: '从业年限不足' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/applications/A-DE-DONE/reject', as: asPoolManager, payload: { reason: '从业年限不足' } }), code: 'APPLICATION_DECIDED' },
    },
  },
  'GET /v1/experts/{id}/lifecycle': {
    roles: POOL_ROLES,
    fromMemory: true,
    ok: () => ({ url: `/v1/experts/${E}/lifecycle` }),
    errors: { 400: { req: () => ({ url: '/v1/experts/E%20X/lifecycle' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/experts/E9999999/lifecycle' }), code: 'NOT_FOUND' } },
  },
  'POST /v1/experts/{id}/confirm': {
    roles: ['pool-manager'],
    ok: () => ({ url: `/v1/experts/${E}/confirm`, as: asPoolManager }),
    errors: {
      400: { req: () => ({ url: '/v1/experts/E%20X/confirm', as: asPoolManager }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999/confirm', as: asPoolManager }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/experts/${EXITED}/confirm`, as: asPoolManager }), code: 'EXPERT_EXITED' },
    },
  },
  'POST /v1/experts/{id}/exit': {
    roles: ['pool-manager'],
    ok: () => ({ url: `/v1/experts/${pool.experts[58]!.id}/exit`, as: asPoolManager, payload: { reason: 'resigned' } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${pool.experts[58]!.id}/exit`, as: asPoolManager, payload: { reason: 'bored' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999/exit', as: asPoolManager, payload: { reason: 'resigned' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/experts/${EXITED}/exit`, as: asPoolManager, payload: { reason: 'deceased' } }), code: 'EXPERT_EXITED' },
    },
  },
  'PUT /v1/experts/{id}/certificate': {
    roles: POOL_ROLES,
    ok: () => ({ url: `/v1/experts/${E}/certificate`, payload: { certificateExpires: '2029-06-30' } }),
    errors: {
      400: { req: () => ({ url: `/v1/experts/${E}/certificate`, payload: { certificateExpires: '2029-13-01' } }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/experts/E9999999/certificate', payload: { certificateExpires: null } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/experts/${EXITED}/certificate`, payload: { certificateExpires: null } }), code: 'EXPERT_EXITED' },
    },
  },
  'GET /v1/confirmations/due': {
    roles: POOL_ROLES,
    fromMemory: true,
    ok: () => ({ url: '/v1/confirmations/due?withinDays=30' }),
    errors: { 400: { req: () => ({ url: '/v1/confirmations/due?withinDays=-1' }), code: 'INVALID_INPUT' } },
  },
  // Exchange (docs/exchange.md): this centre trusts its own key here, so that its own documents import.
  'POST /v1/exchange/export': {
    roles: POOL_ROLES,
    ok: () => ({ url: '/v1/exchange/export' }),
    errors: {
      400: { req: () => ({ url: '/v1/exchange/export', payload: { people: 'all' } }), code: 'INVALID_INPUT' },
      // The set-up exported once with this key: the key on another request is refused.
      409: { req: () => ({ url: '/v1/exchange/export?again=1', headers: { 'idempotency-key': 'de-export-0001' } }), code: 'IDEMPOTENCY_CONFLICT' },
      // An instance without the exchange's signing key (its setting unset): nothing to sign with.
      422: { req: () => ({ url: '/v1/exchange/export', setup: withoutExchangeSigner }), code: 'EXCHANGE_UNCONFIGURED' },
    },
  },
  'POST /v1/exchange/import': {
    roles: POOL_ROLES,
    ok: () => ({ url: '/v1/exchange/import', payload: exchangeFiles.fresh }),
    errors: {
      400: { req: () => ({ url: '/v1/exchange/import', payload: { document: {} } }), code: 'INVALID_INPUT' },
      409: { req: () => ({ url: '/v1/exchange/import', payload: exchangeFiles.imported }), code: 'CONFLICT' },
      // The route takes EXCHANGE_BODY_FACTOR times the ordinary limit (a province's document): just over that.
      413: { req: () => ({ url: '/v1/exchange/import', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(t.config.EXPERT_DRAW_BODY_LIMIT * EXCHANGE_BODY_FACTOR) }) }), code: 'PAYLOAD_TOO_LARGE' },
      422: { req: () => ({ url: '/v1/exchange/import', payload: { ...exchangeFiles.fresh, document: { ...exchangeFiles.fresh.document, issuedAt: '2026-12-01T00:00:00.000Z' } } }), code: 'EXCHANGE_BAD_SIGNATURE' },
    },
  },
  'GET /v1/log/checkpoint': { roles: LOG_READ, ok: () => ({ url: '/v1/log/checkpoint' }), errors: {} },
  'GET /v1/fairness': { roles: LOG_READ, ok: () => ({ url: '/v1/fairness' }), errors: { 400: { req: () => ({ url: '/v1/fairness?alpha=2' }), code: 'INVALID_INPUT' } } },
  'GET /v1/alerts': { roles: LOG_READ, ok: () => ({ url: '/v1/alerts' }), errors: { 400: { req: () => ({ url: '/v1/alerts?at=yesterday' }), code: 'INVALID_INPUT' } } },
  'GET /v1/fairness/chart': { roles: LOG_READ, ok: () => ({ url: '/v1/fairness/chart' }), errors: { 400: { req: () => ({ url: '/v1/fairness/chart?from=yesterday' }), code: 'INVALID_INPUT' } } },
  'GET /v1/log/checkpoints': {
    roles: LOG_READ,
    ok: () => ({ url: '/v1/log/checkpoints?from=1&limit=5' }),
    errors: { 400: { req: () => ({ url: '/v1/log/checkpoints?limit=0' }), code: 'INVALID_INPUT' } },
  },
  'GET /v1/log/checkpoints/{size}': {
    roles: LOG_READ,
    ok: () => ({ url: `/v1/log/checkpoints/${checkpointSize}` }),
    errors: {
      400: { req: () => ({ url: '/v1/log/checkpoints/-1' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/log/checkpoints/${checkpointSize + 1000}` }), code: 'NOT_FOUND' },
    },
  },
  'GET /v1/log/inclusion': {
    roles: LOG_READ,
    ok: () => ({ url: '/v1/log/inclusion?index=3' }),
    errors: {
      // An index outside the tree it is asked of.
      400: { req: () => ({ url: '/v1/log/inclusion?index=5&treeSize=5' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/log/inclusion?index=0&treeSize=${checkpointSize + 1000}` }), code: 'NOT_FOUND' },
    },
  },
  'GET /v1/log/consistency': {
    roles: LOG_READ,
    ok: () => ({ url: '/v1/log/consistency?from=3' }),
    errors: {
      400: { req: () => ({ url: '/v1/log/consistency?from=9&to=8' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/log/consistency?from=1&to=${checkpointSize + 1000}` }), code: 'NOT_FOUND' },
    },
  },
  'GET /v1/log/entries': {
    roles: LOG_READ,
    ok: () => ({ url: '/v1/log/entries?start=0&limit=3' }),
    errors: {
      400: { req: () => ({ url: '/v1/log/entries?start=4&end=3' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/log/entries?start=${checkpointSize + 1000}` }), code: 'NOT_FOUND' },
    },
  },
  'GET /v1/log/projects/{id}/entries': {
    roles: LOG_READ,
    ok: () => ({ url: '/v1/log/projects/P-DE-DRAWN/entries' }),
    errors: {
      400: { req: () => ({ url: '/v1/log/projects/%20/entries' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/log/projects/P-NONE/entries' }), code: 'NOT_FOUND' },
    },
  },
  'POST /v1/sites': {
    roles: ['admin'],
    ok: () => ({ url: '/v1/sites', payload: { certificate: siteB.certPem } }),
    errors: {
      400: { req: () => ({ url: '/v1/sites', payload: { certificate: 42 } }), code: 'INVALID_INPUT' },
      409: { req: () => ({ url: '/v1/sites', payload: { certificate: siteACert } }), code: 'CONFLICT' },
      422: { req: () => ({ url: '/v1/sites', payload: { certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' } }), code: 'CERT_MALFORMED' },
    },
  },
  'GET /v1/sites': { roles: ['admin'], ok: () => ({ url: '/v1/sites?state=active' }), errors: { 400: { req: () => ({ url: '/v1/sites?state=gone' }), code: 'INVALID_INPUT' } } },
  'GET /v1/sites/{id}': {
    roles: ['admin', 'site'],
    ok: () => ({ url: '/v1/sites/site-a' }),
    errors: { 400: { req: () => ({ url: '/v1/sites/-a' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/sites/site-none' }), code: 'NOT_FOUND' } },
  },
  'PUT /v1/sites/{id}/certificate': {
    roles: ['admin'],
    ok: () => ({ url: '/v1/sites/site-a/certificate', payload: { certificate: siteA2.certPem } }),
    errors: {
      400: { req: () => ({ url: '/v1/sites/site-a/certificate', payload: {} }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/sites/site-none/certificate', payload: { certificate: siteA2.certPem } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/sites/site-a/certificate', payload: { certificate: siteACert } }), code: 'CONFLICT' },
      422: { req: () => ({ url: '/v1/sites/site-a/certificate', payload: { certificate: 'not a certificate' } }), code: 'CERT_MALFORMED' },
    },
  },
  'POST /v1/sites/{id}/revoke': {
    roles: ['admin'],
    ok: () => ({ url: '/v1/sites/site-a/revoke', payload: { reason: '密钥泄露' } }),
    errors: {
      400: { req: () => ({ url: '/v1/sites/site-a/revoke', payload: {} }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: '/v1/sites/site-none/revoke', payload: { reason: '密钥泄露' } }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: '/v1/sites/site-r/revoke', payload: { reason: '密钥泄露' } }), code: 'CONFLICT' },
    },
  },
  'GET /v1/draws/{id}/sealed': {
    roles: ['site'],
    ok: () => ({ url: `/v1/draws/${siteDrawId}/sealed` }),
    errors: {
      400: { req: () => ({ url: '/v1/draws/D-1/sealed' }), code: 'INVALID_INPUT' },
      404: { req: () => ({ url: `/v1/draws/${NO_DRAW}/sealed` }), code: 'NOT_FOUND' },
      409: { req: () => ({ url: `/v1/draws/${siteFailedDrawId}/sealed` }), code: 'CONFLICT' },
    },
  },
  'GET /v1/draws/{id}': {
    roles: PROJECT_READ,
    ok: () => ({ url: '/v1/draws/D-00000000-0000-4000-8000-000000000000' }),
    errors: { 400: { req: () => ({ url: '/v1/draws/42' }), code: 'INVALID_INPUT' }, 404: { req: () => ({ url: '/v1/draws/D-00000000-0000-4000-8000-000000000000' }), code: 'NOT_FOUND' } },
  },
};

/**
 * The write routes that take a JSON body: the body parser refuses one over the limit (413) or of another type (415)
 * before the route's own checks, and each declares both (the first test below holds this list to the document).
 */
const JSON_BODY_ROUTES = [
  'PATCH /v1/experts/{id}', 'PATCH /v1/projects/{id}/bid-opening', 'PATCH /v1/users/{id}', 'POST /v1/checkins', 'POST /v1/draws/{id}/records', 'POST /v1/experts',
  'POST /v1/experts/{id}/status', 'POST /v1/projects', 'POST /v1/projects/{id}/bidders', 'POST /v1/projects/{id}/cancel', 'POST /v1/projects/{id}/witness-deposits',
  'POST /v1/responses/{token}', 'POST /v1/session', 'POST /v1/session/password', 'POST /v1/session/refresh', 'POST /v1/sites',
  'POST /v1/sites/{id}/revoke', 'POST /v1/users', 'PUT /v1/experts/{id}/availability', 'PUT /v1/experts/{id}/relations',
  'PUT /v1/organisations/{code}', 'PUT /v1/sites/{id}/certificate', 'POST /v1/experts/{id}/objections', 'POST /v1/objections/{id}/decision', 'POST /v1/consequences/{id}/review',
  'POST /v1/applications', 'POST /v1/applications/{id}/reject', 'POST /v1/experts/{id}/personal-change/{changeId}/reject',
  'POST /v1/experts/{id}/exit', 'PUT /v1/experts/{id}/certificate', 'POST /v1/exchange/import',
];
for (const route of JSON_BODY_ROUTES) {
  const c = CASES[route]!;
  const errors = c.errors as Record<number, RouteCase['errors'][number]>;
  // The route's valid request, with a body just over the limit, or the same body sent as XML.
  errors[413] ??= { req: () => ({ ...c.ok(), headers: { ...c.ok().headers, 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }) }), code: 'PAYLOAD_TOO_LARGE' };
  errors[415] ??= { req: () => ({ ...c.ok(), headers: { ...c.ok().headers, 'content-type': 'application/xml' }, payload: '<pad/>' }), code: 'UNSUPPORTED_MEDIA_TYPE' };
}

const GENERIC = [401, 403, 429, 500, 503];

/** An answer's error: the JSON error body, or for the expert's answer page (HTML) the code its <main> carries. */
function errorOf(res: { headers: Record<string, unknown>; body: string; json(): { error: { code: string; details?: unknown } } }): { code: string | undefined; details?: unknown } {
  if (!String(res.headers['content-type']).startsWith('text/html')) return res.json().error;
  return { code: /<main [^>]*data-code="([A-Z_]+)"/.exec(res.body)?.[1] };
}

function methodOf(route: string): 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' {
  return route.split(' ')[0] as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
}

function send(app: Built, route: string, req: Req, auth: Record<string, string> | null) {
  const method = methodOf(route);
  // No payload, no body: the routes that take none refuse one.
  const payload = req.payload;
  // A person's session stands in for the machine token; a request without a token stays without one.
  const who = auth !== null && req.as ? req.as() : auth;
  return app.app.inject({ method, url: req.url, headers: { ...(who ?? {}), ...(req.headers ?? {}) }, ...(payload === undefined ? {} : { payload: payload as string | object }) });
}

function declared(doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      // The health routes answer their own 503 shape (a readiness report), not an error.
      if (['/health', '/livez', '/readyz'].includes(path) || path.startsWith('/docs')) continue;
      out.set(`${method.toUpperCase()} ${path}`, Object.keys(op.responses).map(Number).filter((s) => s >= 400).sort());
    }
  }
  return out;
}

beforeAll(async () => {
  t = await build(
    { EXPERT_DRAW_EXCHANGE_SIGNER_KEY: exchangeKeys.signerKey, EXPERT_DRAW_EXCHANGE_PERSON_KEY: 'de'.repeat(32), EXPERT_DRAW_EXCHANGE_TRUSTED: exchangeKeys.verifierKey },
    { now: () => clock, wrapStore: (s) => (faults = faultyStore(s)).store },
  );
  const seed = { sub: 'seed', role: 'admin' as const, iat: 0, exp: 0 };
  await t.ctx.pool.import(pool.experts.slice(0, 60).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', seed);
  const op = { sub: 'op', role: 'operator' as const, iat: 0, exp: 0 };
  installCa(t, ca.ca);
  siteACert = siteCerts.a;
  siteB = siteCerts.b;
  siteA2 = siteCerts.a2;
  const admin = { sub: 'admin', role: 'admin' as const, iat: 0, exp: 0 };
  await t.ctx.sites.register(siteACert, admin);
  await t.ctx.sites.register(siteCerts.r, admin);
  await t.ctx.sites.revoke('site-r', '停止合作', admin);
  const reg = (id: string, groups = [{ specialty: 'C990101', count: 5 }], site?: string) =>
    t.ctx.projects.register(
      {
        project: { id, tenderer: syntheticUscc(8001), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' },
        request: { groups, tendererRepresentatives: 0 },
        name: null,
        venue: '3号评标室',
        leadTimeMinutes: undefined,
        site,
      },
      op,
    );
  for (const id of ['P-DE-OPEN', 'P-DE-DRAWN', 'P-DE-CANCEL', 'P-DE-CANCELLED']) await reg(id);
  await t.ctx.projects.cancel('P-DE-CANCELLED', '招标人撤回', op);
  // A witnessed project: its draw is planned, supervisors deposit for it (docs/draw-proof.md §6.2).
  await t.ctx.projects.register(
    {
      project: { id: 'P-DE-WIT', tenderer: syntheticUscc(8001), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' },
      request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
      name: null,
      venue: null,
      leadTimeMinutes: undefined,
      assurance: 'witnessed',
    },
    op,
  );
  await reg('P-DE-SHORT', [{ specialty: 'C990102', count: 5 }]);
  drawnId = (await t.ctx.draws.run('P-DE-DRAWN', 'immediate', op)).drawId;
  await reg('P-DE-SITE', undefined, 'site-a');
  siteDrawId = (await t.ctx.draws.run('P-DE-SITE', 'immediate', op)).drawId;
  await reg('P-DE-SITE-SHORT', [{ specialty: 'C990102', count: 5 }], 'site-a');
  await expect(t.ctx.draws.run('P-DE-SITE-SHORT', 'immediate', op)).rejects.toThrow(/not enough eligible experts/);
  siteFailedDrawId = (await t.ctx.projects.get('P-DE-SITE-SHORT')).record.drawId!;
  await reg('P-DE-GONE');
  await t.ctx.projects.cancel('P-DE-GONE', '招标人撤回', op);
  await t.ctx.calls.tick();
  calls = (await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'))).map((m) => m.responseUrl!);
  expect((await t.ctx.roster.respond(tokenOf(calls[1]!), true)).state).toBe('accepted');
  // The third call's link has passed its deadline: its message in the outbox batch is rewritten as expired.
  const third = tokenOf(calls[2]!);
  const batchId = batchOfToken(third);
  const hash = createHash('sha256').update(third).digest('hex');
  const batch = (await callBatches.read(t.ctx.store, batchId))!.value;
  const messages = batch.messages.map((m) => (m.tokenHash === hash ? { ...m, expiresAt: '2026-11-30T00:00:00.000Z' } : m));
  await callBatches.putUnlogged(t.ctx.store, batchId, { ...batch, messages });

  // Accounts: one that logs in, one disabled, one locked by wrong passwords; people with their sessions.
  const account = (username: string) => t.ctx.users.create({ username, displayName: '测试用户', role: 'inspector', site: null, password: FIRST_PASSWORD }, 'seed');
  userId = (await account('de-login')).id;
  refreshToken = (await t.ctx.sessions.login('de-login', FIRST_PASSWORD)).refreshToken;
  await t.ctx.users.update((await account('de-disabled')).id, { state: 'disabled' }, admin);
  await account('de-locked');
  for (let i = 0; i < 5; i++) await t.ctx.sessions.login('de-locked', 'wrong-password-1').catch(() => undefined);
    const [operator, changer, leaver, administrator, supervisor, poolManager] = await Promise.all([person(t, 'operator'), person(t, 'inspector'), person(t, 'inspector'), person(t, 'admin'), person(t, 'supervisor'), person(t, 'pool-manager')]);
  people = { operator, changer, leaver, admin: administrator, supervisor, poolManager };
  // Two consequences of expert E as the rules would log them, and an objection against the second.
  for (const id of [C_OPEN, C_OTHER, C_ENDED]) {
    const ended = id === C_ENDED ? ({ state: 'annulled', endedAt: new Date(clock).toISOString(), endedWhy: 'objection' } as const) : ({ state: 'in-force', endedAt: null, endedWhy: null } as const);
    const c: ConsequenceRecord = { id, expertId: E, ruleId: 'LOW_ANNUAL_SCORE', kind: 'review', records: [{ index: 0, drawId: drawnId }], appliedAt: new Date(clock).toISOString(), appliedIndex: 0, from: '2026-12-01', until: null, imposes: null, set: null, ...ended };
    await t.ctx.auditLog.append('rule.applied', { consequenceId: id, expertId: E, ruleId: c.ruleId, kind: 'review', records: [...c.records], from: c.from, until: null, changed: false, by: 'test-setup' }, { writes: (i) => [consequences.write({ ...c, appliedIndex: i })] });
  }
  objectionId = (await t.ctx.rules.lodge(E, { consequence: C_OTHER }, '本人当日因病无法到场', { sub: people.poolManager.userId, role: 'pool-manager', iat: 0, exp: 0 })).id;
  // And the expert's own, from their record page: one lodged on their behalf does not take it from them.
  await t.ctx.rules.lodge(E, { consequence: C_OTHER }, '本人当日因病无法到场', { sub: E, role: 'expert', link: 'M-setup.0' });
  const pm = { sub: 'pm', role: 'pool-manager' as const, iat: 0, exp: 0 };
  for (const which of ['replaced', 'current'] as const) {
    const { messageId } = await t.ctx.recordLinks.send(E, pm);
    await t.ctx.calls.tick();
    recordLinks[which] = tokenOf((await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'))).find((m) => m.messageId === messageId)!.responseUrl!);
  }
  for (const [id, n] of [['A-DE-DONE', 74], ['A-DE-WAIT', 75]] as const) await t.ctx.lifecycle.apply({ ...pool.experts[n]!, id }, syntheticPersonal(n), null, pm);
  await t.ctx.lifecycle.admit('A-DE-DONE', pm);
  await t.ctx.lifecycle.exit(EXITED, 'deceased', undefined, pm);
  exchangeFiles.imported = await t.ctx.exchange.export(pm);
  await t.ctx.exchange.import(JSON.parse(JSON.stringify(exchangeFiles.imported)), pm);
  await t.ctx.pool.setStatus(pool.experts[57]!.id, { status: 'blacklisted', reason: '串通投标', until: null }, pm);
  await t.ctx.pool.upsert([{ line: 1, expert: t.ctx.pool.expert(HELD)!, personal: { ...syntheticPersonal(3), phone: '13900001234' } }], [], { dryRun: false, retireMissing: false }, pm);
  heldChange = (await t.ctx.pool.heldChanges())[0]!.changeId;
  exchangeFiles.fresh = JSON.parse(JSON.stringify(await t.ctx.exchange.export(pm)));
  const exported = await t.app.inject({ method: 'POST', url: '/v1/exchange/export', headers: { ...t.auth('pool-manager'), 'idempotency-key': 'de-export-0001' } });
  expect(exported.statusCode, exported.body).toBe(200);
  checkpointSize = (await t.ctx.auditLog.checkpoint()).size;
}, 60_000);
afterAll(async () => {
  faults?.set(null);
  await t?.close();
});

describe('declared errors', () => {
  it('has a case for every route and every status it declares', () => {
    const routes = declared(t.app.swagger() as never);
    expect([...routes.keys()].sort()).toEqual(Object.keys(CASES).sort());
    for (const [route, statuses] of routes) {
      const c = CASES[route]!;
      const covered = new Set([...GENERIC.filter((s) => c.roles.length > 0 || (s !== 401 && s !== 403)), ...Object.keys(c.errors).map(Number)]);
      // 403 is not declared where every role may call the route; 401 and 403 not where no token is needed.
      if (c.roles.length > 0 && c.roles.length < ROLES.length) expect(statuses, route).toContain(403);
      // A public route answers 401 only for credentials in its body (a login), with a case here.
      if (c.roles.length === 0 && !(401 in c.errors)) expect(statuses, route).not.toContain(401);
      for (const s of statuses) expect(covered.has(s), `${route} declares ${s} without a case`).toBe(true);
      for (const s of Object.keys(CASES[route]!.errors).map(Number)) expect(statuses, `${route} answers ${s} undeclared`).toContain(s);
    }
  });

  for (const [route, c] of Object.entries(CASES)) {
    if (c.roles.length > 0) it(`${route}: 401 without a token, 403 for other roles`, async () => {
      const res = await send(t, route, c.ok(), null);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      for (const role of ROLES.filter((r) => !c.roles.includes(r))) {
        const denied = await send(t, route, { ...c.ok(), as: undefined }, t.auth(role));
        expect(denied.statusCode, role).toBe(403);
        expect(denied.json().error.code).toBe('FORBIDDEN');
      }
    });

    for (const [status, e] of Object.entries(c.errors)) {
      it(`${route}: ${status} ${e.code}, and nothing is written`, async () => {
        const req = e.req();
        const size = await t.ctx.store.logSize();
        faults.set(req.fault ?? null);
        const undo = req.setup?.();
        let res;
        try {
          res = await send(t, route, req, c.roles.length ? t.auth(req.role ?? c.roles[0]!) : null);
        } finally {
          faults.set(null);
          undo?.();
        }
        expect(res.statusCode, res.body).toBe(Number(status));
        expect(errorOf(res).code).toBe(e.code);
        const written = [];
        for (let i = size; i < (await t.ctx.store.logSize()); i++) written.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
        expect(written).toEqual(e.logs ? [e.logs] : []);
      });
    }
  }

  it('answers 500 or 503 on every route that needs the store when it breaks, with no internals, and recovers', async () => {
    const seen = new Set<number>();
    for (const route of Object.keys(CASES)) {
      faults.set('broken');
      let res;
      try {
        res = await send(t, route, CASES[route]!.ok(), CASES[route]!.roles.length ? t.auth(CASES[route]!.roles[0]!) : null);
      } finally {
        faults.set(null);
      }
      if (route === 'GET /v1/session' || CASES[route]!.fromMemory) {
        // Answered from memory: 200. Only while the store health check (every few seconds) has seen the store broken
        // during an earlier route's fault does the service shed every route with 503, and then it says so.
        if (res.statusCode === 503 && t.app.isUnderPressure()) expect(errorOf(res).code, route).toBe('STORE_UNAVAILABLE');
        else expect(res.statusCode, route).toBe(200);
        continue;
      }
      expect([500, 503], `${route}: ${res.body}`).toContain(res.statusCode);
      expect(['INTERNAL', 'LOG_UNAVAILABLE', 'STORE_UNAVAILABLE']).toContain(errorOf(res).code);
      expect(res.body).not.toContain(FAULT_MARKER);
      expect(errorOf(res).details).toBeUndefined();
      seen.add(res.statusCode);
    }
    expect([...seen].sort()).toEqual([500, 503]);
    // Recovered once the store health check has seen it back (it runs on an interval): waited for, not asked once.
    await expect
      .poll(async () => (await send(t, 'GET /v1/projects/{id}', CASES['GET /v1/projects/{id}']!.ok(), t.auth('operator'))).statusCode, { timeout: 15_000 })
      .toBe(200);
  });

  it('answers 429 RATE_LIMITED on every route past the rate limit', async () => {
    const low = await build({ EXPERT_DRAW_RATE_LIMIT: '2' }, { now: () => clock });
    try {
      for (const [route, c] of Object.entries(CASES)) {
        const auth = c.roles.length ? low.auth(c.roles[0]!, { subject: `rl-${route}` }) : null;
        const answers = [];
        for (let i = 0; i < 3; i++) answers.push(await send(low, route, c.ok(), auth));
        expect(answers[2]!.statusCode, route).toBe(429);
        expect(errorOf(answers[2]!).code).toBe('RATE_LIMITED');
      }
    } finally {
      await low.close();
    }
  });
});
