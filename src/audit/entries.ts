// The catalogue of audit log entries: every entry type the service writes, with the schema of its payload. Writers are
// typed by it (the service's log, ServiceLog, takes only a catalogued type and its payload), and the tests parse every
// entry they cause against it: an entry that does not match its schema is a bug. No entry holds an expert's personal
// data; only the reveal at disclosure names experts (by id).
import { z } from 'zod';
import { Expert, ExpertStatus, Organisation, PersonalField } from '../domain/expert.js';
import { ExitReason } from '../domain/lifecycle.js';
import { AssuranceMinimum } from '../domain/policy.js';
import { Hex32 } from '../domain/primitives.js';
import { Project } from '../domain/project.js';
import { DrawRequest } from '../domain/request.js';
import { AbortedPayload, CommitPayload, DepositPayload, FailedPayload, LinesPayload, PlannedPayload, ResultPayload, RevealPayload } from '../draw/entries.js';
import type { AuditLog, EntryOf } from '../log/audit-log.js';
import { CALL_STATES } from '../roster/roster.js';
import { Role } from '../auth/roles.js';
import { SESSION_END_REASONS } from '../records/users.js';
import { CALL_OUTCOMES, CHECKIN_OUTCOMES, REPLACEMENTS } from '../roster/performance.js';
import { REVIEW_OUTCOMES } from '../records/sanctions.js';

const by = z.string().min(1).describe('Token subject of whoever caused it');
const poolVersion = z.int().min(1).describe('Pool version after the change');
const iso = z.string().describe('ISO 8601 time');
const userId = z.string().regex(/^U-[0-9a-f-]{36}$/).describe('User id (U- and a UUID): the subject of the user\'s tokens');
/** Never the session id itself: with it (and the token key) a token for the open session could be made from the log. */
const session = z.string().regex(/^[0-9a-f]{16}$/).describe('The login session: the first 16 hex digits of SHA-256 of its id');

/** One seat's call, as transitions log it: positions, never the expert. */
const seat = { drawId: z.string(), group: z.int(), seat: z.int(), rank: z.int() };
const callChange = z.object({ ...seat, messageId: z.string(), codes: z.array(z.string()).optional().describe('Exclusion codes of a refusal') }).strict();
const checkinChange = callChange.extend({ terminal: z.string().describe('Check-in terminal (token subject)') }).strict();
/**
 * Performance records (docs/records.md) name the seat and rank, and the expert only as `subject`: a keyed hash of the
 * draw id and the expert id under a key of the service's own, so nothing links two draws' records before disclosure.
 */
export const RecordId = z.string().regex(/^R-[0-9a-f-]{36}$/).describe('Id of an entered record (R- and a UUID)');
export const ConsequenceId = z.string().regex(/^C-[0-9a-f]{32}$/).describe('Id of a rule\'s consequence (C- and 32 hex digits of its rule, expert and records)');
export const ChangeId = z.string().regex(/^PC-[0-9a-f-]{36}$/).describe('Id of a held personal data change (PC- and a UUID)');
export const ObjectionId = z.string().regex(/^O-[0-9a-f-]{36}$/).describe('Id of an objection (O- and a UUID)');
const recordSeat = {
  drawId: z.string(),
  projectId: z.string(),
  group: z.int(),
  seat: z.int(),
  rank: z.int(),
  subject: z.string().regex(/^[0-9a-f]{64}$/).describe('The expert, sealed: HMAC-SHA256 of draw id and expert id under the records key'),
};
const replaced = z.enum(REPLACEMENTS).nullable().describe('The seat passed to the next rank (promoted), or nobody was left (unfilled); null: kept');
/** `import: true`: one of the entries of an import file that share its one pool version (a revised file's changes). */
const fromImport = z.literal(true).optional().describe('Part of an import that shares one pool version');
const expertReplaced = z.object({ id: z.string(), changes: z.array(z.string()), expert: Expert, by, import: fromImport, poolVersion }).strict();

export const ENTRIES = {
  // The draw protocol (docs/draw-proof.md).
  'draw.commit': CommitPayload,
  'draw.result': ResultPayload,
  'draw.reveal': RevealPayload,
  'draw.lines': LinesPayload,
  // A draw that ends after its commit without a result reveals its nonce at once (docs/draw-proof.md §11).
  'draw.failed': FailedPayload,
  'draw.aborted': AbortedPayload,
  // A witnessed project's planned draw (docs/draw-proof.md §6.2): the plan at scheduling, each witness's deposit.
  'draw.planned': PlannedPayload,
  'witness.deposited': DepositPayload,
  'draw.missed': z.object({ projectId: z.string(), drawAt: iso, bidOpeningAt: iso, at: iso }).strict(),
  'draw.exported': z.object({ drawId: z.string(), projectId: z.string(), site: z.string(), fingerprint: z.string().nullable(), by }).strict(),
  'unseal.approved': z.object({ drawId: z.string(), projectId: z.string(), by, role: z.string() }).strict(),
  'draw.unsealed': z.object({ drawId: z.string(), projectId: z.string(), approvedBy: z.array(z.object({ by, role: z.string() }).strict()) }).strict(),
  'draw.panel-read': z.object({ drawId: z.string(), projectId: z.string(), by, role: z.string() }).strict(),
  // Projects.
  'project.registered': z
    .object({ project: Project, requestHash: Hex32, request: DrawRequest, leadTimeMinutes: z.int(), drawAt: iso, site: z.string().optional(), assurance: AssuranceMinimum.optional(), by })
    .strict(),
  'project.rescheduled': z.object({ id: z.string(), from: iso, to: iso, drawAt: iso, rearmed: z.string().optional(), reason: z.string(), by }).strict(),
  'project.cancelled': z
    .object({
      id: z.string(),
      from: z.string(),
      reason: z.string(),
      endsPlan: z.string().optional().describe('The planned draw (§6.2) the cancellation ends'),
      withdrawsDraw: z.string().optional().describe('A drawn project: the draw whose calls the cancellation withdrew'),
      by,
    })
    .strict(),
  'project.bidders': z.object({ id: z.string(), bidders: z.array(z.string()), by }).strict(),
  // Remote sites.
  'site.registered': z.object({ siteId: z.string(), siteName: z.string(), fingerprint: z.string(), serial: z.string(), notAfter: iso, by }).strict(),
  'site.renewed': z.object({ siteId: z.string(), from: z.string(), to: z.string(), serial: z.string(), notAfter: iso, reactivated: z.boolean(), by }).strict(),
  'site.revoked': z.object({ siteId: z.string(), fingerprint: z.string(), reason: z.string(), by }).strict(),
  // Staff accounts and their login sessions: ids, roles and states; never a name, a login name or password material.
  'user.created': z.object({ userId, role: Role, site: z.string().nullable(), by }).strict(),
  'user.updated': z.object({ userId, changes: z.array(z.enum(['displayName', 'role', 'site'])).min(1), role: Role, site: z.string().nullable(), by }).strict(),
  'user.disabled': z.object({ userId, by }).strict(),
  'user.enabled': z.object({ userId, by }).strict(),
  /** An administrator set a new first password: the user must change it at the next login. */
  'user.password-reset': z.object({ userId, by }).strict(),
  /** The user changed their own password (in the session named). */
  'user.password-changed': z.object({ userId, session }).strict(),
  /** A login re-hashed the password with today's KDF parameters. */
  'user.password-rehashed': z.object({ userId, params: z.string().describe('The new scrypt parameters, e.g. ln=15,r=8,p=3') }).strict(),
  /** Too many wrong passwords for a username: null when it names no account (the answer is the same). */
  'login.locked': z.object({ userId: userId.nullable(), lockedUntil: iso, lock: z.int().min(1).describe('Locks in a row; each lasts twice the one before') }).strict(),
  'session.opened': z.object({ userId, session, role: Role, site: z.string().nullable(), restricted: z.boolean(), expiresAt: iso }).strict(),
  'session.refreshed': z.object({ userId, session, generation: z.int().min(1) }).strict(),
  'session.ended': z.object({ userId, session, reason: z.enum(SESSION_END_REASONS), by: by.optional() }).strict(),
  // The pool: every change bumps the pool version (an import shares one).
  'expert.created': z.object({ expert: Expert, by, import: z.literal(true).optional(), poolVersion }).strict(),
  'expert.updated': expertReplaced,
  'expert.availability': expertReplaced,
  'expert.relations': expertReplaced,
  'expert.status': z.object({ id: z.string(), from: ExpertStatus, to: ExpertStatus, until: z.string().nullable(), reason: z.string(), by, import: fromImport, poolVersion }).strict(),
  'organisation.upserted': z.object({ organisation: Organisation, by, poolVersion }).strict(),
  /**
   * A bulk file told its sender that some of its ID numbers already belong to experts of the pool (or to pending
   * applications), or some of its phones to experts still in the pool: how many, never which. Personal data is write-only, so each such answer is a person learning
   * something of it; they are counted per person (src/services/id-matches.ts).
   */
  'pool.id-matched': z.object({ by, count: z.int().min(1), source: z.enum(['import', 'upsert', 'applications', 'add']) }).strict(),
  /** A file refused whole, telling nothing of its rows: it would go past the day's allowance, or that is spent (count 0: it holds none). */
  'pool.id-matches-refused': z.object({ by, count: z.int().min(0), source: z.enum(['import', 'upsert', 'applications', 'add']) }).strict(),
  // Admission and exit (docs/admission.md): lifecycle changes; any effect on draws is an `expert.status` beside them.
  'expert.applied': z.object({ expert: Expert, certificateExpires: z.string().nullable(), by, import: z.literal(true).optional() }).strict(),
  'expert.admitted': z.object({ id: z.string(), appliedAt: iso, appliedBy: z.string(), confirmationDue: z.string().describe('First re-confirmation due by this day'), by }).strict(),
  'expert.rejected': z.object({ id: z.string(), reason: z.string(), by }).strict(),
  'expert.confirmed': z.object({ id: z.string(), confirmedOn: z.string(), confirmationDue: z.string(), reinstated: z.boolean().describe('The lapse had suspended the expert: reinstated with it'), by }).strict(),
  'expert.lapsed': z.object({ id: z.string(), due: z.string().describe('The confirmation due date that passed'), held: z.boolean().describe('Suspended by the lapse (an expert already blacklisted stays so)'), by }).strict(),
  /** Never the retirement or birth date: the reason alone. */
  'expert.exited': z.object({ id: z.string(), reason: ExitReason, note: z.string().optional(), by }).strict(),
  'expert.certificate': z.object({ id: z.string(), certificateExpires: z.string().nullable(), by }).strict(),
  // Exchange of records with other centres (docs/exchange.md): counts and the document hash, never a person.
  'exchange.exported': z.object({ documentHash: z.string().regex(/^[0-9a-f]{64}$/), issuer: z.string(), experts: z.int().min(0), by }).strict(),
  'exchange.imported': z
    .object({ issuer: z.string(), keyId: z.string().regex(/^[0-9a-f]{8}$/), issuedAt: z.string(), documentHash: z.string().regex(/^[0-9a-f]{64}$/), experts: z.int().min(0), matched: z.int().min(0), by })
    .strict(),
  /** The policy's retirement age changed: these experts' retirement days were computed again (the days not logged). */
  'lifecycle.retirement-age': z.object({ ids: z.array(z.string()).min(1), retirementAge: z.int().nullable(), by }).strict(),
  /** Experts added before admission existed, given a lifecycle by the first pass that saw them. */
  'lifecycle.adopted': z.object({ ids: z.array(z.string()).min(1), confirmationDue: z.string(), exited: z.array(z.string()).describe('Of them, those already retired: exited (reason other)'), by }).strict(),
  // Calls, answers and seats after a draw.
  /** The calls one transition places (a draw's first calls, or the next ranks after declines and timeouts). */
  'calls.placed': z
    .object({ drawId: z.string(), calls: z.array(z.object({ group: z.int(), seat: z.int(), rank: z.int(), messageId: z.string(), deadline: iso }).strict()).min(1) })
    .strict(),
  'call.accepted': callChange,
  'call.declined': callChange,
  'call.timeout': callChange,
  /** The call's message could not be delivered (the adapter gave up on it): the seat passes on, counted against nobody. */
  'call.undelivered': callChange,
  /** The expert accepted, but holds a seat of another evaluation on the same day: the seat passes on, counted against nobody. */
  'call.busy': callChange,
  /**
   * The project was cancelled after the draw: the call is withdrawn, and the expert told so by the notice `noticeId`
   * (null: the call had not reached them, and its message was stopped).
   */
  'call.withdrawn': z.object({ drawId: z.string(), group: z.int(), seat: z.int(), rank: z.int(), messageId: z.string(), noticeId: z.string().nullable() }).strict(),
  'call.delivery': z
    .object({ drawId: z.string(), messageId: z.string(), kind: z.enum(['call', 'cancel']), attempt: z.int().min(1), adapter: z.string(), ok: z.boolean(), reason: z.string().optional(), final: z.boolean().optional() })
    .strict(),
  'seat.promoted': z.object({ drawId: z.string(), group: z.int(), seat: z.int(), fromRank: z.int(), toRank: z.int(), because: z.enum(CALL_STATES) }).strict(),
  'seat.unfilled': z.object({ drawId: z.string(), group: z.int(), seat: z.int(), fromRank: z.int(), because: z.enum(CALL_STATES) }).strict(),
  'seat.passed-over': z.object({ ...seat, codes: z.array(z.string()).min(1).describe('What a check-in would refuse the expert of this rank for') }).strict(),
  // Check-in at the venue.
  'checkin.admitted': checkinChange,
  'checkin.refused': checkinChange,
  'checkin.unmatched': z.object({ drawId: z.string(), projectId: z.string(), terminal: z.string() }).strict(),
  'checkin.repeated': z.object({ ...seat, terminal: z.string() }).strict(),
  'checkin.unanswered': z.object({ ...seat, terminal: z.string() }).strict(),
  'checkin.blocked': z.object({ drawId: z.string(), projectId: z.string(), terminal: z.string() }).strict(),
  // Performance records: automatic ones in the commit of the roster change they describe, entered ones by staff.
  'record.call': z
    .object({ ...recordSeat, messageId: z.string(), outcome: z.enum(CALL_OUTCOMES), calledAt: iso, seconds: z.int().min(0).describe('From the call to its answer or timeout'), replaced })
    .strict(),
  'record.checkin': z
    .object({ ...recordSeat, messageId: z.string(), outcome: z.enum(CHECKIN_OUTCOMES), at: iso, minutesAfterOpening: z.int(), codes: z.array(z.string()).optional(), replaced })
    .strict(),
  'record.no-show': z.object({ ...recordSeat, messageId: z.string(), acceptedAt: iso, bidOpeningAt: iso, dueAt: iso }).strict(),
  'record.entered': z
    .object({
      recordId: RecordId,
      ...recordSeat,
      code: z.string().nullable().describe('Conduct code of the policy; null: the corrected record is withdrawn'),
      note: z.string().nullable().describe('The note, sealed by the service (it may name people)'),
      corrects: RecordId.nullable().describe('The record this one corrects (it stands no longer); null: a new record'),
      by,
      role: z.string(),
    })
    .strict(),
  // Rules and consequences, objections (docs/records.md): a rule's consequence in the commit of the status it sets.
  'rule.applied': z
    .object({
      consequenceId: ConsequenceId,
      expertId: z.string(),
      ruleId: z.string().describe('The policy rule that fired'),
      kind: z.enum(['suspend', 'blacklist', 'review']),
      records: z.array(z.object({ index: z.int().describe('Log index of a record that triggered it'), drawId: z.string() }).strict()).min(1).describe('The records that triggered it (disclosed draws only)'),
      from: z.string().describe('The day it took effect (local date)'),
      until: z.string().nullable().describe('Suspensions: the last day; null otherwise'),
      changed: z.boolean().describe('Whether it changed the pool status (an expert already suspended longer, blacklisted or retired is left as they are)'),
      by,
    })
    .strict(),
  'rule.lifted': z
    .object({
      consequenceId: ConsequenceId,
      expertId: z.string(),
      ruleId: z.string(),
      why: z.enum(['expired', 'objection', 'record-corrected']).describe('Its time ran out, an objection was upheld, or a record it rests on no longer stands'),
      objectionId: ObjectionId.optional(),
      changed: z.boolean().describe('Whether the pool status went back (not when somebody changed it since)'),
      by,
    })
    .strict(),
  /** An upheld objection's correction of an automatic or entered record: the record stands no longer; nothing is overwritten. */
  'record.withdrawn': z.object({ ...recordSeat, withdraws: z.int().describe('Log index of the record withdrawn'), objectionId: ObjectionId, by }).strict(),
  'objection.lodged': z
    .object({
      objectionId: ObjectionId,
      expertId: z.string(),
      against: z.union([z.object({ record: z.int() }).strict(), z.object({ consequence: ConsequenceId }).strict()]).describe('A record (log index) or a consequence'),
      reason: z.string().describe('What the expert says, sealed by the service (it may name people)'),
      by,
      role: z.string().describe('The role of whoever lodged it; `expert`: the expert, through their record link'),
      link: z.string().optional().describe('Lodged by the expert: the message id of the record link they used (never its token)'),
    })
    .strict(),
  /**
   * A link to the expert's own record page sent to the phone the pool holds (docs/records.md): the message id, when it
   * stops working, who asked. Never the token (only its hash is stored) and never the phone.
   */
  'record-link.sent': z.object({ expertId: z.string(), messageId: z.string(), expiresAt: iso, by, role: z.string() }).strict(),
  'record-link.delivery': z
    .object({ messageId: z.string(), attempt: z.int().min(1), adapter: z.string(), ok: z.boolean(), reason: z.string().optional(), final: z.boolean().optional() })
    .strict(),
  /**
   * An expert's phone was changed (a revised pool file): a notice is queued to the number it was changed from, in the
   * same commit, so that an expert whose number someone else put in place learns of it. Never either number.
   */
  'expert.contact-changed': z.object({ id: z.string(), messageId: z.string(), by }).strict(),
  /**
   * A revised pool file changed an expert's name, phone or ID number: the change is held, sealed, until a pool manager
   * or supervisor other than `by` approves it (docs/security.md T6). Which fields, never their values; `replaces`: the
   * held change of the same expert it takes the place of.
   */
  'expert.personal-change-held': z
    .object({ id: z.string(), changeId: ChangeId, fields: z.array(PersonalField).min(1), by, import: z.literal(true), replaces: ChangeId.optional() })
    .strict(),
  /** A second person approved a held change: applied in the same commit (`expert.updated`, the contact notices). */
  'expert.personal-change-approved': z.object({ id: z.string(), changeId: ChangeId, by }).strict(),
  /** A second person rejected a held change: dropped, the expert's data as it was. */
  'expert.personal-change-rejected': z.object({ id: z.string(), changeId: ChangeId, reason: z.string(), by }).strict(),
  'contact-notice.delivery': z
    .object({ messageId: z.string(), attempt: z.int().min(1), adapter: z.string(), ok: z.boolean(), reason: z.string().optional(), final: z.boolean().optional() })
    .strict(),
  /** A pool manager's end of a review (the annual-score flag): the outcome and a sealed reason; the status stays. */
  'review.closed': z
    .object({
      consequenceId: ConsequenceId,
      expertId: z.string(),
      ruleId: z.string(),
      outcome: z.enum(REVIEW_OUTCOMES).describe('What the review found: no action, a warning, or a sanction taken through the pool (status or exit)'),
      reason: z.string().describe('Why, sealed by the service (it may name people)'),
      by,
      role: z.string(),
    })
    .strict(),
  /**
   * The log marker of an instance (src/log/log-marker.ts) was archived on purpose — a restore of an older backup, or a
   * store accepted shorter or new with `expert-draw log archive-marker` — so that it started on a store whose log is
   * behind the tree it had signed: that tree, the store's size then, the command, why and who. Appended at the next start.
   */
  'log.marker-archived': z
    .object({
      marker: z.object({ size: z.int().min(0), rootHash: Hex32, checkpoint: z.string().nullable().describe('The signed checkpoint of that tree, if there was one'), at: iso }).strict().describe('The tree the instance had signed or seen confirmed'),
      storeSize: z.int().min(0).describe('Entries the store held when the marker was archived'),
      archivedAt: iso,
      command: z.enum(['restore', 'archive-marker']),
      reason: z.string(),
      by: by.describe('`cli:` and the system user who ran the command'),
    })
    .strict(),
  'objection.decided': z.object({ objectionId: ObjectionId, expertId: z.string(), upheld: z.boolean(), reason: z.string().describe('Why, sealed by the service'), by, role: z.string() }).strict(),
} as const satisfies Record<string, z.ZodType>;

export type EntryType = keyof typeof ENTRIES;
/** Writers may hand over read-only data: the catalogue's arrays and objects are read-only on the writer's side. */
type DeepReadonly<T> = T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepReadonly<U>> : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
/** What a writer passes for each type (before zod defaults). */
export type EntryPayloads = { [T in EntryType]: DeepReadonly<z.input<(typeof ENTRIES)[T]>> };

/** One entry as a writer hands it over (appendAll). */
export type Entry = EntryOf<EntryPayloads>;

/** The log as the service opens it: every append typed by this catalogue. */
export type ServiceLog = AuditLog<EntryPayloads>;

/** The envelope every entry has (src/log/entry.ts), checked with its payload. */
const Envelope = z.object({ type: z.string(), time: z.string(), prev: Hex32, payload: z.unknown() }).strict();

/** Why an entry's bytes do not match the catalogue, or null when they do. */
export function entryProblem(bytes: Buffer | string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString());
  } catch {
    return 'not JSON';
  }
  const envelope = Envelope.safeParse(parsed);
  if (!envelope.success) return `envelope: ${envelope.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`;
  const { type, payload } = envelope.data;
  if (!Object.hasOwn(ENTRIES, type)) return `unknown entry type ${type}`;
  const checked = ENTRIES[type as EntryType].safeParse(payload);
  return checked.success ? null : `${type}: ${checked.error.issues.map((i) => `${i.path.join('.') || '(payload)'} ${i.message}`).join('; ')}`;
}
