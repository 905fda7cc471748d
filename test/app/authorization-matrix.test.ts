// The authorization matrix: every route of the OpenAPI document × every identity × resources of the centre and of two
// sites. The expected answers come from the table below, written from docs/security.md — not from src/auth/policy.ts.
// A route without a row fails. An identity the table does not allow must get exactly 401 (no valid token, or a
// role/site combination no token may carry), 404 (a token on another owner's resource it could take on its own owner's:
// the answer for an id that does not exist) or 403 (everything else), and leave the audit log as it was; an allowed
// one must get past authorization (any answer but 401/403). Every role comes twice: as a machine token and as a
// person's login session; a session whose first password is not changed yet reaches only the session routes (403
// PASSWORD_CHANGE_REQUIRED elsewhere), and a logged-out one nothing (401).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { generateNoteKeys } from '../../src/log/note.js';
import { installCa, testCa } from '../helpers/sites.js';
import { forgedTokens, signRaw } from '../helpers/tokens.js';
import { FIRST_PASSWORD, person } from '../helpers/people.js';

/** Owners of resources: the centre, or a site. */
type Owner = 'centre' | 'site-1' | 'site-2' | 'site-4';
/**
 * Who is allowed, by class: a centre role by its name; `site@own` / `checkin@own` for a token of the site that owns
 * the resource (on routes without a resource: of any active site). No class exists for another site's token.
 */
type Class = Exclude<Role, 'site'> | 'site@own' | 'checkin@own';
/** people: only a person's login session, never a machine token; whileRestricted: before the first password change too. */
interface Only {
  readonly people?: true;
  readonly whileRestricted?: true;
}
type Row =
  | { readonly public: true }
  | ({ readonly any: readonly Class[] } & Only)
  | ({ readonly owners: readonly Owner[]; readonly centre?: readonly Class[]; readonly site?: readonly Class[] } & Only);

const ALL_CENTRE: Class[] = ['admin', 'pool-manager', 'operator', 'supervisor', 'checkin', 'inspector'];
const POOL: Class[] = ['pool-manager', 'admin'];
const READERS: Class[] = ['operator', 'supervisor', 'inspector', 'admin'];
const PROJECTS: Owner[] = ['centre', 'site-1', 'site-2'];

const TABLE: Record<string, Row> = {
  'GET /health': { public: true },
  'GET /livez': { public: true },
  'GET /readyz': { public: true },
  'POST /v1/responses/{token}': { public: true },
  // The expert's answer page: the link is the credential, whatever the Authorization header says.
  'GET /r/{token}': { public: true },
  'POST /r/{token}': { public: true },
  // The expert's own record page: the link is the credential, whatever the Authorization header says.
  'GET /m/{token}': { public: true },
  'POST /m/{token}': { public: true },
  'POST /v1/session': { public: true },
  'POST /v1/session/refresh': { public: true },
  'GET /v1/session': { any: [...ALL_CENTRE, 'site@own', 'checkin@own'], whileRestricted: true },
  'POST /v1/session/password': { any: [...ALL_CENTRE, 'site@own', 'checkin@own'], people: true, whileRestricted: true },
  'POST /v1/users': { any: ['admin'] },
  'GET /v1/users': { any: ['admin'] },
  'GET /v1/users/{id}': { any: ['admin'] },
  'PATCH /v1/users/{id}': { any: ['admin'] },
  'POST /v1/experts': { any: POOL },
  'GET /v1/experts': { any: POOL },
  'GET /v1/experts/{id}': { any: POOL },
  'PATCH /v1/experts/{id}': { any: POOL },
  'POST /v1/experts/{id}/status': { any: POOL },
  'PUT /v1/experts/{id}/availability': { any: POOL },
  'PUT /v1/experts/{id}/relations': { any: POOL },
  'POST /v1/experts/import': { any: POOL },
  // Admission and exit (docs/admission.md): filing and reading by pool staff; decisions by a pool manager in person.
  'POST /v1/applications': { any: POOL },
  'GET /v1/applications': { any: POOL },
  'GET /v1/applications/{id}': { any: POOL },
  'POST /v1/applications/{id}/admit': { any: ['pool-manager'], people: true },
  'POST /v1/applications/{id}/reject': { any: ['pool-manager'], people: true },
  'GET /v1/experts/{id}/lifecycle': { any: POOL },
  'POST /v1/experts/{id}/confirm': { any: ['pool-manager'], people: true },
  'POST /v1/experts/{id}/exit': { any: ['pool-manager'], people: true },
  'PUT /v1/experts/{id}/certificate': { any: POOL },
  'GET /v1/confirmations/due': { any: POOL },
  'POST /v1/exchange/export': { any: POOL },
  'POST /v1/exchange/import': { any: POOL },
  'PUT /v1/organisations/{code}': { any: POOL },
  'GET /v1/organisations/{code}': { any: POOL },
  'POST /v1/projects': { any: ['operator', 'admin', 'site@own'] },
  'GET /v1/projects/{id}': { owners: PROJECTS, centre: READERS, site: [...READERS, 'site@own'] },
  // Listings: a site's token lists its own site's only (test/routes/v1/listings.test.ts checks what it sees).
  'GET /v1/projects': { any: [...READERS, 'site@own'] },
  'GET /v1/draws': { any: [...READERS, 'site@own'] },
  'GET /v1/projects/{id}/timeline': { owners: PROJECTS, centre: READERS, site: [...READERS, 'site@own'] },
  'PATCH /v1/projects/{id}/bid-opening': { owners: PROJECTS, centre: ['operator', 'admin'], site: ['operator', 'admin', 'site@own'] },
  'POST /v1/projects/{id}/cancel': { owners: PROJECTS, centre: ['operator', 'admin'], site: ['operator', 'admin', 'site@own'] },
  'POST /v1/projects/{id}/bidders': { owners: PROJECTS, centre: ['operator', 'admin'], site: ['operator', 'admin', 'site@own'] },
  'POST /v1/projects/{id}/draw': { owners: PROJECTS, centre: ['operator'], site: ['operator', 'site@own'] },
  // A witness's secret for a planned draw: a supervisor, logged in; never a machine token, never a site's token.
  'POST /v1/projects/{id}/witness-deposits': { owners: PROJECTS, centre: ['supervisor'], site: ['supervisor'], people: true },
  'GET /v1/draws/{id}': { owners: PROJECTS, centre: READERS, site: [...READERS, 'site@own'] },
  // Opening the whole list takes the centre's operator and supervisor, two people logged in, for any draw; never a
  // site's token, never a machine token.
  'POST /v1/draws/{id}/unseal': { owners: PROJECTS, centre: ['operator', 'supervisor'], site: ['operator', 'supervisor'], people: true },
  'GET /v1/draws/{id}/panel': { owners: PROJECTS, centre: ['operator', 'supervisor'], site: ['operator', 'supervisor'] },
  'POST /v1/draws/{id}/disclose': { owners: PROJECTS, centre: ['operator'], site: ['operator'] },
  'GET /v1/draws/{id}/proof': { owners: PROJECTS, centre: ['inspector', 'supervisor', 'operator'], site: ['inspector', 'supervisor', 'operator'] },
  // Only the site a draw is sealed to downloads it; the centre has nothing to download.
  'GET /v1/draws/{id}/sealed': { owners: PROJECTS, centre: [], site: ['site@own'] },
  // Performance records (docs/records.md): a person enters conduct; the draw's records by seat; an expert's record.
  'POST /v1/draws/{id}/records': { owners: PROJECTS, centre: ['operator', 'supervisor'], site: ['operator', 'supervisor'], people: true },
  'GET /v1/draws/{id}/records': { owners: PROJECTS, centre: ['operator', 'supervisor'], site: ['operator', 'supervisor'] },
  'GET /v1/experts/{id}/record': { any: ['pool-manager', 'supervisor'] },
  // Rules and consequences, objections (docs/records.md): the rules are policy; consequences name experts; objections
  // are lodged and decided by a pool manager logged in.
  'GET /v1/rules': { any: ['pool-manager', 'supervisor', 'inspector'] },
  'GET /v1/consequences': { any: ['pool-manager', 'supervisor'] },
  'GET /v1/experts/{id}/consequences': { any: ['pool-manager', 'supervisor'] },
  'POST /v1/experts/{id}/objections': { any: ['pool-manager'], people: true },
  'POST /v1/objections/{id}/decision': { any: ['pool-manager'], people: true },
  'POST /v1/consequences/{id}/review': { any: ['pool-manager'], people: true },
  // The link to an expert's own record page goes to the expert's phone, sent by a pool manager logged in.
  'POST /v1/experts/{id}/record-link': { any: ['pool-manager'], people: true },
  // A revised file's change of an expert's name, phone or ID number waits for a second person: pool managers and
  // supervisors logged in list and decide them (docs/security.md T6).
  'GET /v1/personal-changes': { any: ['pool-manager', 'supervisor'], people: true },
  'POST /v1/experts/{id}/personal-change/{changeId}/approve': { any: ['pool-manager', 'supervisor'], people: true },
  'POST /v1/experts/{id}/personal-change/{changeId}/reject': { any: ['pool-manager', 'supervisor'], people: true },
  // The audit log itself: the people who check the centre, whatever it is about (docs/security.md).
  'GET /v1/log/checkpoint': { any: ['inspector', 'supervisor'] },
  'GET /v1/fairness': { any: ['inspector', 'supervisor'] },
  'GET /v1/fairness/chart': { any: ['inspector', 'supervisor'] },
  // Early-warning alerts (docs/alerts.md): the people who read the disclosed draws in the log already.
  'GET /v1/alerts': { any: ['inspector', 'supervisor'] },
  'GET /v1/log/checkpoints': { any: ['inspector', 'supervisor'] },
  'GET /v1/log/checkpoints/{size}': { any: ['inspector', 'supervisor'] },
  'GET /v1/log/inclusion': { any: ['inspector', 'supervisor'] },
  'GET /v1/log/consistency': { any: ['inspector', 'supervisor'] },
  'GET /v1/log/entries': { any: ['inspector', 'supervisor'] },
  'GET /v1/log/projects/{id}/entries': { any: ['inspector', 'supervisor'] },
  'POST /v1/sites': { any: ['admin'] },
  'GET /v1/sites': { any: ['admin'] },
  'GET /v1/sites/{id}': { owners: ['site-1', 'site-2'], site: ['admin', 'site@own'] },
  'PUT /v1/sites/{id}/certificate': { any: ['admin'] },
  'POST /v1/sites/{id}/revoke': { any: ['admin'] },
  // A desk checks in at its own centre or site only.
  'POST /v1/checkins': { owners: PROJECTS, centre: ['checkin'], site: ['checkin@own'] },
  // Last: an allowed person's logout ends the session the identity holds.
  'DELETE /v1/session': { any: [...ALL_CENTRE, 'site@own', 'checkin@own'], people: true, whileRestricted: true },
};

interface Identity {
  readonly name: string;
  /** The Authorization header, or none. */
  readonly header?: string;
  /** valid: a token the service accepts; invalid: must get 401 everywhere; inactive: a revoked or unknown site (403). */
  readonly kind: 'centre' | 'site' | 'invalid' | 'inactive';
  /** A person's login session (else a machine token); restricted: its first password is not changed yet. */
  readonly person?: boolean;
  readonly restricted?: boolean;
  readonly role?: Role;
  readonly site?: string;
}

const ca = testCa();
// Made before any app runs: RSA key generation blocks the event loop.
const certs = { s1: ca.issue('site-1'), s2: ca.issue('site-2'), s3: ca.issue('site-3'), s4: ca.issue('site-4'), s4b: ca.issue('site-4'), s6: ca.issue('site-6') };
const clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 70, seed: 'authorization-matrix', fixed: [{ code: 'C990101', members: 40 }] });
const ORG = syntheticUscc(8701);
let t: Built;
let identities: Identity[] = [];
/** Resource ids by owner: projects and draws. */
const projectOf: Partial<Record<Owner, string>> = {};
const drawOf: Partial<Record<Owner, string>> = {};
let serial = 0;
/** An unknown link: the public route answers 404, never 401/403, whatever the Authorization header says. */
const responseToken = 'A'.repeat(32);
/** A staff account the user routes read and change. */
let targetUser = '';

const project = (id: string) => ({
  id,
  tenderer: syntheticUscc(8801),
  agency: syntheticUscc(8802),
  bidOpeningAt: '2026-12-01T10:00:00+08:00',
  region: '330106',
  venue: '1号评标室',
  groups: [{ specialty: 'C990101', count: 5 }],
});

/** A valid request for the route on a resource of `owner` (ids differ per call where a repeat would conflict). */
function requestFor(route: string, owner: Owner | null): { url: string; payload?: unknown; headers?: Record<string, string> } {
  const n = ++serial;
  const E = pool.experts[0]!.id;
  const P = owner ? projectOf[owner as 'centre'] : undefined;
  const D = owner ? drawOf[owner as 'centre'] : undefined;
  switch (route) {
    case 'GET /health':
      return { url: '/health' };
    case 'GET /livez':
      return { url: '/livez' };
    case 'GET /readyz':
      return { url: '/readyz' };
    case 'POST /v1/responses/{token}':
      return { url: `/v1/responses/${responseToken}`, payload: { answer: 'decline' } };
    case 'GET /r/{token}':
      return { url: `/r/${responseToken}` };
    case 'POST /r/{token}':
      return { url: `/r/${responseToken}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'answer=decline' };
    case 'GET /m/{token}':
      return { url: `/m/${responseToken}` };
    case 'POST /m/{token}':
      return { url: `/m/${responseToken}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `consequence=C-${'0'.repeat(32)}&reason=x` };
    case 'GET /v1/session':
      return { url: '/v1/session' };
    // Past authorization, refused by validation or by the policy of passwords: nothing is logged in or changed.
    case 'POST /v1/session':
      return { url: '/v1/session', payload: { username: 'matrix-nobody' } };
    case 'POST /v1/session/refresh':
      return { url: '/v1/session/refresh', payload: { refreshToken: '' } };
    case 'POST /v1/session/password':
      return { url: '/v1/session/password', payload: { currentPassword: FIRST_PASSWORD, newPassword: 'short' } };
    case 'DELETE /v1/session':
      return { url: '/v1/session' };
    case 'POST /v1/users':
      return { url: '/v1/users', payload: { username: `matrix-new-${n}`, displayName: '矩阵用户', role: 'inspector', password: FIRST_PASSWORD } };
    case 'GET /v1/users':
      return { url: '/v1/users' };
    case 'GET /v1/users/{id}':
      return { url: `/v1/users/${targetUser}` };
    case 'PATCH /v1/users/{id}':
      return { url: `/v1/users/${targetUser}`, payload: { displayName: `矩阵目标 ${n}` } };
    case 'POST /v1/experts':
      return { url: '/v1/experts', payload: { ...pool.experts[40 + (n % 30)]!, personal: syntheticPersonal(40 + (n % 30)) } };
    case 'GET /v1/experts':
      return { url: '/v1/experts?limit=2' };
    case 'GET /v1/experts/{id}':
      return { url: `/v1/experts/${E}` };
    case 'PATCH /v1/experts/{id}':
      return { url: `/v1/experts/${E}`, payload: { region: '330102' } };
    case 'POST /v1/experts/{id}/status':
      return { url: `/v1/experts/${pool.experts[39]!.id}/status`, payload: { status: 'suspended', reason: '矩阵测试', until: '2026-12-31' } };
    case 'PUT /v1/experts/{id}/availability':
      return { url: `/v1/experts/${E}/availability`, payload: { unavailable: ['2026-12-24'] } };
    case 'PUT /v1/experts/{id}/relations':
      return { url: `/v1/experts/${E}/relations`, payload: { relations: [] } };
    case 'POST /v1/experts/import':
      return { url: '/v1/experts/import', headers: { 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify({ ...pool.experts[40 + (n % 30)]!, personal: syntheticPersonal(40 + (n % 30)) })}\n` };
    case 'POST /v1/applications':
      return { url: '/v1/applications', payload: { ...pool.experts[40 + (n % 30)]!, id: `A-AM-${n}`, personal: syntheticPersonal(40 + (n % 30)) } };
    case 'GET /v1/applications':
      return { url: '/v1/applications' };
    case 'GET /v1/applications/{id}':
      return { url: '/v1/applications/A-AM-NONE' };
    case 'POST /v1/applications/{id}/admit':
      return { url: '/v1/applications/A-AM-NONE/admit' };
    case 'POST /v1/applications/{id}/reject':
      return { url: '/v1/applications/A-AM-NONE/reject', payload: { reason: '矩阵测试' } };
    case 'GET /v1/experts/{id}/lifecycle':
      return { url: `/v1/experts/${E}/lifecycle` };
    case 'POST /v1/experts/{id}/confirm':
      return { url: `/v1/experts/${E}/confirm` };
    case 'POST /v1/experts/{id}/exit':
      return { url: `/v1/experts/${pool.experts[38]!.id}/exit`, payload: { reason: 'resigned' } };
    case 'PUT /v1/experts/{id}/certificate':
      return { url: `/v1/experts/${E}/certificate`, payload: { certificateExpires: '2030-01-01' } };
    case 'GET /v1/confirmations/due':
      return { url: '/v1/confirmations/due' };
    case 'POST /v1/exchange/export':
      return { url: '/v1/exchange/export' };
    case 'POST /v1/exchange/import':
      return { url: '/v1/exchange/import', payload: { document: {}, signature: { key: 'matrix', keyId: '00000000', value: `${'A'.repeat(86)}==` } } };
    case 'PUT /v1/organisations/{code}':
      return { url: `/v1/organisations/${ORG}`, payload: { name: `某某集团 ${n}` } };
    case 'GET /v1/organisations/{code}':
      return { url: `/v1/organisations/${ORG}` };
    case 'POST /v1/projects':
      return { url: '/v1/projects', payload: project(`P-AM-NEW-${n}`) };
    case 'GET /v1/projects/{id}':
      return { url: `/v1/projects/${P}` };
    case 'GET /v1/projects':
      return { url: '/v1/projects?limit=2' };
    case 'GET /v1/draws':
      return { url: '/v1/draws?limit=2' };
    case 'GET /v1/projects/{id}/timeline':
      return { url: `/v1/projects/${P}/timeline` };
    case 'PATCH /v1/projects/{id}/bid-opening':
      return { url: `/v1/projects/${P}/bid-opening`, payload: { bidOpeningAt: '2026-12-01T11:00:00+08:00', reason: '开标时间顺延' } };
    case 'POST /v1/projects/{id}/cancel':
      return { url: `/v1/projects/${P}/cancel`, payload: { reason: '招标人撤回' } };
    case 'POST /v1/projects/{id}/bidders':
      return { url: `/v1/projects/${P}/bidders`, payload: { bidders: [syntheticUscc(8803)] } };
    case 'POST /v1/projects/{id}/draw':
      return { url: `/v1/projects/${P}/draw` };
    // The project is not witnessed: past authorization, refused (409 NOT_PLANNED) and nothing logged.
    case 'POST /v1/projects/{id}/witness-deposits':
      return { url: `/v1/projects/${P}/witness-deposits`, payload: { secret: '5a'.repeat(32) } };
    case 'GET /v1/draws/{id}':
      return { url: `/v1/draws/${D}` };
    case 'POST /v1/draws/{id}/unseal':
      return { url: `/v1/draws/${D}/unseal` };
    case 'GET /v1/draws/{id}/panel':
      return { url: `/v1/draws/${D}/panel` };
    case 'POST /v1/draws/{id}/disclose':
      return { url: `/v1/draws/${D}/disclose` };
    case 'GET /v1/draws/{id}/proof':
      return { url: `/v1/draws/${D}/proof` };
    case 'GET /v1/draws/{id}/sealed':
      return { url: `/v1/draws/${D}/sealed` };
    // Before bid opening: past authorization, refused (409) and nothing logged.
    case 'POST /v1/draws/{id}/records':
      return { url: `/v1/draws/${D}/records`, payload: { group: 0, seat: 0, code: 'LEFT_EARLY' } };
    case 'GET /v1/draws/{id}/records':
      return { url: `/v1/draws/${D}/records` };
    case 'GET /v1/experts/{id}/record':
      return { url: `/v1/experts/${E}/record` };
    case 'GET /v1/rules':
      return { url: '/v1/rules' };
    case 'GET /v1/consequences':
      return { url: '/v1/consequences' };
    case 'GET /v1/experts/{id}/consequences':
      return { url: `/v1/experts/${E}/consequences` };
    // No such consequence or objection: past authorization, refused (404) and nothing logged.
    case 'POST /v1/experts/{id}/objections':
      return { url: `/v1/experts/${E}/objections`, payload: { against: { consequence: `C-${'0'.repeat(32)}` }, reason: '本人当日因病无法到场' } };
    case 'POST /v1/objections/{id}/decision':
      return { url: '/v1/objections/O-00000000-0000-4000-8000-000000000000/decision', payload: { upheld: false, reason: '证据不足' } };
    case 'POST /v1/consequences/{id}/review':
      return { url: `/v1/consequences/C-${'0'.repeat(32)}/review`, payload: { outcome: 'no-action', reason: '复核后无需处理' } };
    // No such expert: past authorization, refused (404), nothing sent or logged.
    case 'POST /v1/experts/{id}/record-link':
      return { url: '/v1/experts/E9999999/record-link' };
    case 'GET /v1/personal-changes':
      return { url: '/v1/personal-changes' };
    // No held change: past authorization, refused (404) and nothing logged.
    case 'POST /v1/experts/{id}/personal-change/{changeId}/approve':
      return { url: `/v1/experts/${E}/personal-change/PC-00000000-0000-4000-8000-000000000000/approve` };
    case 'POST /v1/experts/{id}/personal-change/{changeId}/reject':
      return { url: `/v1/experts/${E}/personal-change/PC-00000000-0000-4000-8000-000000000000/reject`, payload: { reason: '矩阵测试' } };
    case 'GET /v1/log/checkpoint':
      return { url: '/v1/log/checkpoint' };
    case 'GET /v1/fairness':
      return { url: '/v1/fairness' };
    case 'GET /v1/fairness/chart':
      return { url: '/v1/fairness/chart' };
    case 'GET /v1/alerts':
      return { url: '/v1/alerts' };
    case 'GET /v1/log/checkpoints':
      return { url: '/v1/log/checkpoints?limit=2' };
    case 'GET /v1/log/checkpoints/{size}':
      return { url: '/v1/log/checkpoints/1' };
    case 'GET /v1/log/inclusion':
      return { url: '/v1/log/inclusion?index=0' };
    case 'GET /v1/log/consistency':
      return { url: '/v1/log/consistency?from=1' };
    case 'GET /v1/log/entries':
      return { url: '/v1/log/entries?start=0&limit=2' };
    case 'GET /v1/log/projects/{id}/entries':
      return { url: `/v1/log/projects/${projectOf.centre}/entries?limit=2` };
    case 'POST /v1/sites':
      return { url: '/v1/sites', payload: { certificate: certs.s6.certPem } };
    case 'GET /v1/sites':
      return { url: '/v1/sites' };
    case 'GET /v1/sites/{id}':
      return { url: `/v1/sites/${owner}` };
    case 'PUT /v1/sites/{id}/certificate':
      return { url: '/v1/sites/site-4/certificate', payload: { certificate: (n % 2 ? certs.s4b : certs.s4).certPem } };
    case 'POST /v1/sites/{id}/revoke':
      return { url: '/v1/sites/site-4/revoke', payload: { reason: '矩阵测试' } };
    case 'POST /v1/checkins':
      return { url: '/v1/checkins', payload: { projectId: P, idNumber: syntheticPersonal(69).idNumber } };
    default:
      throw new Error(`no request for ${route}: add one, and a row to the table`);
  }
}

/** The class of a valid identity on a resource of `owner` (null: none), or null when it has none there. */
function classOf(who: Identity, owner: Owner | null): Class | null {
  if (who.kind === 'centre') return who.role as Class;
  if (who.kind !== 'site') return null;
  if (owner === null || owner === who.site) return `${who.role}@own` as Class;
  return null;
}

function expected(row: Row, who: Identity, owner: Owner | null): 'allow' | 401 | 403 | 404 | 'restricted' {
  if ('public' in row) return 'allow';
  if (who.kind === 'invalid') return 401;
  if (who.kind === 'inactive') return 403;
  if (who.restricted && !row.whileRestricted) return 'restricted';
  if (row.people && !who.person) return 403;
  const allowed = 'any' in row ? row.any : owner === 'centre' ? (row.centre ?? []) : (row.site ?? []);
  const cls = classOf(who, owner);
  if (cls !== null && allowed.includes(cls)) return 'allow';
  // A site's token that may take the action on its own resource learns nothing of another owner's: 404, as for an id
  // that does not exist.
  if (who.kind === 'site' && 'owners' in row && (row.site ?? []).includes(`${who.role}@own` as Class)) return 404;
  // So does a centre token that may take it on the centre's own (a desk), on a site's.
  if (who.kind === 'centre' && 'owners' in row && owner !== 'centre' && (row.centre ?? []).includes(who.role as Class)) return 404;
  return 403;
}

beforeAll(async () => {
  // Exchange keys configured, as SITE CA is installed below: an allowed call gets past them.
  const exchange = generateNoteKeys('matrix.example/exchange');
  t = await build(
    { EXPERT_DRAW_RATE_LIMIT: '1000000', EXPERT_DRAW_LOGIN_RATE_LIMIT: '1000000', EXPERT_DRAW_EXCHANGE_SIGNER_KEY: exchange.signerKey, EXPERT_DRAW_EXCHANGE_PERSON_KEY: 'ee'.repeat(32), EXPERT_DRAW_EXCHANGE_TRUSTED: exchange.verifierKey },
    { now: () => clock },
  );
  installCa(t, ca.ca);
  const seed = { sub: 'seed', role: 'admin' as const, iat: 0, exp: 0 };
  await t.ctx.pool.import(pool.experts.slice(0, 40).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', seed);
  const admin = t.auth('admin');
  for (const c of [certs.s1, certs.s2, certs.s3, certs.s4]) {
    const res = await t.app.inject({ method: 'POST', url: '/v1/sites', headers: admin, payload: { certificate: c.certPem } });
    expect(res.statusCode, res.body).toBe(201);
  }
  expect((await t.app.inject({ method: 'POST', url: '/v1/sites/site-3/revoke', headers: admin, payload: { reason: '证书泄露' } })).statusCode).toBe(200);
  // A drawn project of the centre and of each of two sites.
  for (const [owner, headers] of [['centre', t.auth('operator')], ['site-1', t.auth('site', { site: 'site-1' })], ['site-2', t.auth('site', { site: 'site-2' })]] as const) {
    const id = `P-AM-${owner}`;
    const reg = await t.app.inject({ method: 'POST', url: '/v1/projects', headers, payload: project(id) });
    expect(reg.statusCode, reg.body).toBe(201);
    const draw = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers });
    expect(draw.statusCode, draw.body).toBe(201);
    projectOf[owner] = id;
    drawOf[owner] = draw.json().drawId;
  }

  const key = t.ctx.keys.jwt.privateKey;
  const now = Math.floor(Date.now() / 1000);
  const raw = (role: string, site?: string) => signRaw(key, { sub: `m-${role}-${site ?? 'centre'}`, role, ...(site ? { site } : {}), iat: now, exp: now + 600 });
  // People: each centre role, a site's person and its desk clerk; one before the first password change; one logged out.
  targetUser = (await t.ctx.users.create({ username: 'matrix-target', displayName: '矩阵目标', role: 'inspector', site: null, password: FIRST_PASSWORD }, 'seed')).id;
  const centrePeople = ROLES.filter((r) => r !== 'site');
  const people = await Promise.all([...centrePeople.map((role) => person(t, role)), person(t, 'site', { site: 'site-1' }), person(t, 'checkin', { site: 'site-1' }), person(t, 'inspector')]);
  const loggedOut = people.at(-1)!;
  expect((await t.app.inject({ method: 'DELETE', url: '/v1/session', headers: loggedOut.auth })).statusCode).toBe(204);
  await t.ctx.users.create({ username: 'matrix-first', displayName: '首次登录', role: 'operator', site: null, password: FIRST_PASSWORD }, 'seed');
  const restricted = await t.ctx.sessions.login('matrix-first', FIRST_PASSWORD);
  const personIdentities: Identity[] = [
    ...centrePeople.map((role, i) => ({ name: `person ${role}`, header: people[i]!.auth.authorization, kind: 'centre' as const, role, person: true })),
    ...(['site', 'checkin'] as const).map((role, i) => ({ name: `person ${role}@site-1`, header: people[centrePeople.length + i]!.auth.authorization, kind: 'site' as const, role, site: 'site-1', person: true })),
    { name: 'person operator, first password not changed', header: `Bearer ${restricted.accessToken}`, kind: 'centre', role: 'operator', person: true, restricted: true },
    { name: 'person inspector, logged out', header: loggedOut.auth.authorization, kind: 'invalid' },
  ];

  identities = [
    ...personIdentities,
    { name: 'no token', kind: 'invalid' },
    { name: 'not a bearer token', header: 'Basic YWRtaW46YWRtaW4=', kind: 'invalid' },
    { name: 'random bearer value', header: 'Bearer 0123456789abcdef', kind: 'invalid' },
    ...Object.entries(forgedTokens(key)).map(([name, token]) => ({ name: `forged: ${name}`, header: `Bearer ${token}`, kind: 'invalid' as const })),
    ...ROLES.filter((r) => r !== 'site').map((role) => ({ name: `centre ${role}`, header: `Bearer ${t.token(role)}`, kind: 'centre' as const, role })),
    // Each role naming site-1: only site and checkin may; every other combination is refused as a token.
    ...ROLES.map((role) =>
      role === 'site' || role === 'checkin'
        ? { name: `${role}@site-1`, header: `Bearer ${t.token(role, { site: 'site-1' })}`, kind: 'site' as const, role, site: 'site-1' }
        : { name: `${role}@site-1 (no such token)`, header: `Bearer ${raw(role, 'site-1')}`, kind: 'invalid' as const },
    ),
    ...(['site', 'checkin'] as const).map((role) => ({ name: `${role}@site-2`, header: `Bearer ${t.token(role, { site: 'site-2' })}`, kind: 'site' as const, role, site: 'site-2' })),
    ...(['site', 'checkin'] as const).map((role) => ({ name: `${role}@site-3 (revoked)`, header: `Bearer ${t.token(role, { site: 'site-3' })}`, kind: 'inactive' as const, role })),
    { name: 'site@site-9 (never registered)', header: `Bearer ${t.token('site', { site: 'site-9' })}`, kind: 'inactive', role: 'site' },
  ];
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('authorization matrix', () => {
  it('has a row for every route of the OpenAPI document, and no row without a route', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.filter((r) => !(r in TABLE)), 'routes without a row').toEqual([]);
    expect(Object.keys(TABLE).filter((r) => !routes.includes(r)), 'rows without a route').toEqual([]);
    // The document tells a client who may call each route, and that public ones take no token.
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops) as Array<[string, { description?: string; security?: unknown[] }]>) {
        if ('public' in TABLE[`${m.toUpperCase()} ${path}`]!) expect(op.security, `${m} ${path}`).toEqual([]);
        else expect(op.description?.match(/Access: `[a-z.]+` — roles /g), `${m} ${path}`).toHaveLength(1);
      }
    }
  });

  it('answers every route × identity × owner as the table says; a refusal changes nothing', async () => {
    const violations: string[] = [];
    let cases = 0;
    for (const [route, row] of Object.entries(TABLE)) {
      const [method] = route.split(' ') as [string, string];
      // Every GET route answers HEAD too (Fastify adds it): the same rules must hold there.
      const methods = method === 'GET' ? ['GET', 'HEAD'] : [method];
      const owners: Array<Owner | null> = 'owners' in row ? [...row.owners] : [null];
      for (const owner of owners) {
        for (const who of identities) for (const verb of methods) {
          const want = expected(row, who, owner);
          const req = requestFor(route, owner);
          const before = t.ctx.auditLog.size;
          const res = await t.app.inject({
            method: verb as 'GET',
            url: req.url,
            headers: { ...(who.header ? { authorization: who.header } : {}), ...(req.headers ?? {}) },
            ...(req.payload === undefined ? {} : { payload: req.payload as string }),
          });
          cases++;
          const where = `${verb} ${route} on ${owner ?? 'no resource'} as ${who.name}: ${res.statusCode} ${res.body.slice(0, 160)}`;
          if (res.statusCode >= 500) violations.push(`5xx — ${where}`);
          if (want === 'allow') {
            if (res.statusCode === 401 || res.statusCode === 403) violations.push(`refused, should pass — ${where}`);
          } else {
            const [status, code] = want === 'restricted' ? [403, 'PASSWORD_CHANGE_REQUIRED'] : [want, { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[want]];
            if (res.statusCode !== status) violations.push(`expected ${want} — ${where}`);
            else if (verb !== 'HEAD' && res.json().error.code !== code) violations.push(`wrong code — ${where}`);
            if (t.ctx.auditLog.size !== before) violations.push(`refusal changed the log — ${where}`);
          }
        }
      }
    }
    console.log(`authorization matrix: ${Object.keys(TABLE).length} routes × ${identities.length} identities, ${cases} cases, ${violations.length} violations`);
    expect(violations).toEqual([]);
  }, 300_000);
});
