// The one authorization policy: (identity, action, resource) → allow or deny. Pure: no I/O, no clock. The access
// plugin (src/plugins/app/access.ts) verifies the token, loads the named site's state and, when the answer depends on
// it, the resource's owner, then asks here. Every route declares its action; docs/security.md explains the table.
import { msg, type Message } from '../i18n/message.js';
import { ROLES, siteCombinationError, type Role } from './roles.js';

/** What an action acts on, when the answer can depend on who owns it (the centre, or one remote site). */
export type ResourceKind = 'project' | 'draw' | 'site';

export interface ActionRule {
  /** Roles that may take the action at all. */
  readonly roles: readonly Role[];
  /** The resource whose owner decides for a token that names a site; null: none (a collection, the caller itself). */
  readonly resource: ResourceKind | null;
  /**
   * Whose resources a token reaches. `any`: a centre token reaches every owner's, a site's token only its own site's.
   * `own`: every token only its own owner's (a centre token only the centre's).
   */
  readonly reach: 'any' | 'own';
  /** Only a person's login session may take it, never a machine token (`expert-draw token issue`). */
  readonly people?: true;
  /** Allowed while the session's first password must still be changed (every other action is refused until then). */
  readonly whileRestricted?: true;
}

const CENTRE_READERS: readonly Role[] = ['operator', 'supervisor', 'inspector', 'admin', 'site'];

/** Every action of the API. A route without one of these (or `public`) does not start. */
export const ACTIONS = {
  /** Who the token says the caller is. */
  'session.read': { roles: ROLES, resource: null, reach: 'any', whileRestricted: true },
  /** A person's own session: log out, change their password (the one thing a first password allows). */
  'session.end': { roles: ROLES, resource: null, reach: 'any', people: true, whileRestricted: true },
  'session.password': { roles: ROLES, resource: null, reach: 'any', people: true, whileRestricted: true },
  /** Staff accounts: create, list, change role, site or state, reset a password. */
  'user.manage': { roles: ['admin'], resource: null, reach: 'any' },
  /** The centre's expert pool and organisations: read, and every change. */
  'pool.read': { roles: ['pool-manager', 'admin'], resource: null, reach: 'any' },
  'pool.write': { roles: ['pool-manager', 'admin'], resource: null, reach: 'any' },
  /**
   * Changes of an existing expert's name, phone or ID number that a revised pool file asked for, held for a second
   * person (docs/security.md T6): listed, approved or rejected by a pool manager or supervisor logged in as a person,
   * never the one who imported the file (the service refuses them).
   */
  'pool.held': { roles: ['pool-manager', 'supervisor'], resource: null, reach: 'any', people: true },
  'pool.approve': { roles: ['pool-manager', 'supervisor'], resource: null, reach: 'any', people: true },
  /** Admission decisions, re-confirmations and exits (docs/admission.md): a pool manager, logged in as a person. */
  'pool.review': { roles: ['pool-manager'], resource: null, reach: 'any', people: true },
  /** A new project: a site's token registers it for its own site. */
  'project.register': { roles: ['operator', 'admin', 'site'], resource: null, reach: 'any' },
  'project.read': { roles: CENTRE_READERS, resource: 'project', reach: 'any' },
  /** Move the opening, cancel, record bidders. */
  'project.manage': { roles: ['operator', 'admin', 'site'], resource: 'project', reach: 'any' },
  /**
   * A witness's secret for a project's planned draw (docs/draw-proof.md §6.2): a person, logged in, who watches the
   * centre (a tenderer's representative may join the roles later).
   */
  'witness.deposit': { roles: ['supervisor'], resource: 'project', reach: 'any', people: true },
  /** An immediate draw. */
  'draw.run': { roles: ['operator', 'site'], resource: 'project', reach: 'any' },
  /** Draw status: counts, indices and commitments, never an identity. */
  'draw.read': { roles: CENTRE_READERS, resource: 'draw', reach: 'any' },
  /** The two-person approval of opening the whole list (two people: their login sessions), and the opened list. */
  'draw.unseal': { roles: ['operator', 'supervisor'], resource: 'draw', reach: 'any', people: true },
  'draw.panel': { roles: ['operator', 'supervisor'], resource: 'draw', reach: 'any' },
  'draw.disclose': { roles: ['operator'], resource: 'draw', reach: 'any' },
  'draw.proof': { roles: ['inspector', 'supervisor', 'operator'], resource: 'draw', reach: 'any' },
  /**
   * The audit log itself, for inspection: checkpoints, proofs, entries. The people who check the centre: inspectors and
   * supervisors. The entries hold no personal data, but they do hold the pool (employers, relations) and every site's
   * projects, which operators and sites do not read otherwise.
   */
  'log.read': { roles: ['inspector', 'supervisor'], resource: null, reach: 'any' },
  /** A site's copy of its own draw's sealed result. */
  'draw.export': { roles: ['site'], resource: 'draw', reach: 'own' },
  /** Register, list, renew and revoke remote sites. */
  'site.manage': { roles: ['admin'], resource: null, reach: 'any' },
  'site.read': { roles: ['admin', 'site'], resource: 'site', reach: 'any' },
  /** Check an expert in at a desk: the centre's desks the centre's projects, a site's desk its site's. */
  'checkin': { roles: ['checkin'], resource: 'project', reach: 'own' },
  /** Performance records (docs/records.md): a seated expert's conduct entered by a person, a draw's records by seat. */
  'record.enter': { roles: ['operator', 'supervisor'], resource: 'draw', reach: 'any', people: true },
  'record.read': { roles: ['operator', 'supervisor'], resource: 'draw', reach: 'any' },
  /** Signed exchange of records with other centres (docs/exchange.md): export and import. */
  'exchange.export': { roles: ['pool-manager', 'admin'], resource: null, reach: 'any' },
  'exchange.import': { roles: ['pool-manager', 'admin'], resource: null, reach: 'any' },
  /** A link to the expert's own record page, sent to their phone: a pool manager, logged in. */
  'record.link': { roles: ['pool-manager'], resource: null, reach: 'any', people: true },
  /** An expert's record over the draws disclosed so far. */
  'record.expert': { roles: ['pool-manager', 'supervisor'], resource: null, reach: 'any' },
  /**
   * Early-warning alerts (docs/alerts.md): the people who check the centre, who read the disclosed draws' panels,
   * projects and records in the log already (log.read); every figure of an alert can be recomputed from that.
   */
  'alert.read': { roles: ['supervisor', 'inspector'], resource: null, reach: 'any' },
  /** The rules that turn records into consequences (the policy: no expert in it). */
  'rules.read': { roles: ['pool-manager', 'supervisor', 'inspector'], resource: null, reach: 'any' },
  /** Consequences in force and an expert's consequences and objections. */
  'consequence.read': { roles: ['pool-manager', 'supervisor'], resource: null, reach: 'any' },
  /** An objection lodged on an expert's behalf, and its decision: a pool manager, logged in. */
  'objection.lodge': { roles: ['pool-manager'], resource: null, reach: 'any', people: true },
  'objection.decide': { roles: ['pool-manager'], resource: null, reach: 'any', people: true },
  /** The end of a review with its outcome: a pool manager, logged in. */
  'consequence.close': { roles: ['pool-manager'], resource: null, reach: 'any', people: true },
} as const satisfies Record<string, ActionRule>;

export type Action = keyof typeof ACTIONS;

/** A verified token's holder, with the state of the site it names (read from the store per request). */
export interface Identity {
  readonly role: Role;
  /** The site the token names; null for the centre's staff and desks. */
  readonly site: string | null;
  /** The named site as the store has it now; null for a centre identity. */
  /** `token-revoked`: the site is active again, but this token was issued before its last revocation. */
  readonly siteState: 'active' | 'revoked' | 'unknown' | 'token-revoked' | null;
  /** A person's login session (absent: a machine token); restricted until a first password is changed. */
  readonly session?: { readonly restricted: boolean };
}

/** A resource's owner: a site id, or null for the centre. */
export interface Resource {
  readonly owner: string | null;
}

type DenyCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'PASSWORD_CHANGE_REQUIRED';

export type Decision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'deny'; readonly code: DenyCode; readonly message: Message }
  /** The answer depends on the resource's owner: load it and ask again. */
  | { readonly kind: 'needs-owner'; readonly resource: ResourceKind };

const ALLOW: Decision = { kind: 'allow' };
const deny = (code: DenyCode, message: Message): Decision => ({ kind: 'deny', code, message });

/**
 * The decision for `identity` (null: no valid token) taking `action` on `resource` (undefined: not loaded yet). Asked
 * without the resource first, it answers whatever it can; `needs-owner` asks for the owner, only when it matters.
 */
export function authorize(identity: Identity | null, action: Action, resource?: Resource): Decision {
  const rule: ActionRule = ACTIONS[action];
  if (identity === null) return deny('UNAUTHENTICATED', msg('auth.tokenRequired'));
  const combination = siteCombinationError(identity.role, identity.site ?? undefined);
  if (combination) return deny('UNAUTHENTICATED', combination);
  // A site that is revoked, or unknown here, reaches nothing at all — not even the session route.
  if (identity.site !== null && identity.siteState !== 'active') {
    const said = { revoked: 'auth.siteRevoked', 'token-revoked': 'auth.siteTokenRevoked' } as const;
    return deny('FORBIDDEN', msg(identity.siteState === 'revoked' || identity.siteState === 'token-revoked' ? said[identity.siteState] : 'auth.siteUnknown', { site: identity.site }));
  }
  if (identity.session?.restricted && !rule.whileRestricted) return deny('PASSWORD_CHANGE_REQUIRED', msg('session.changePasswordFirst'));
  if (rule.people && identity.session === undefined) return deny('FORBIDDEN', msg('session.personNeeded'));
  if (!rule.roles.includes(identity.role)) return deny('FORBIDDEN', msg('auth.rolesNeeded', { roles: rule.roles.map((r) => msg(`role.${r}`)) }));
  if (rule.resource === null) return ALLOW;
  if (rule.reach === 'any' && identity.site === null) return ALLOW;
  if (resource === undefined) return { kind: 'needs-owner', resource: rule.resource };
  if (resource.owner === identity.site) return ALLOW;
  // The refusal never names the owner: a site probing ids learns nothing about whose they are.
  const kind = msg(`resource.${rule.resource}`);
  return deny('FORBIDDEN', identity.site === null ? msg('auth.notCentres', { resource: kind }) : msg('auth.notSites', { resource: kind, site: identity.site }));
}

/** Whose resources a listing shows: every owner's, or one owner's (null: the centre's). */
export type ListReach = { readonly kind: 'every-owner' } | { readonly kind: 'owner'; readonly owner: string | null };

/**
 * The reach of a listing of the action's resources, for an identity that authorize() did not deny (asked without a
 * resource). The same rule as for one resource, applied to a collection: a listing shows exactly the resources that
 * authorize() would let the identity take the action on one by one.
 */
export function listReach(identity: Identity, action: Action): ListReach {
  const rule: ActionRule = ACTIONS[action];
  if (rule.resource === null) throw new Error(`${action} acts on no resource: it has no listing`);
  return rule.reach === 'any' && identity.site === null ? { kind: 'every-owner' } : { kind: 'owner', owner: identity.site };
}

/** Whether a listing's reach includes a resource of `owner` (null: the centre). */
export function reaches(reach: ListReach, owner: string | null): boolean {
  return reach.kind === 'every-owner' || reach.owner === owner;
}
