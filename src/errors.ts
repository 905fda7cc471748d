// Typed errors with a closed set of stable codes. HTTP mapping lives in one place (the service's error handler). What a
// person reads is a message of the catalogue (src/i18n/), rendered in the request's language; the code never changes.
import { clauses, msg, type Localized, type Message } from './i18n/message.js';
import type { codes } from './i18n/messages/codes.js';

export const ERROR_STATUS = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  /** A login (or a password change) with a wrong username or password: the same answer for an unknown user. */
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  /** The account is disabled by an administrator (answered only to whoever gave its right password). */
  ACCOUNT_DISABLED: 403,
  /** A first (or reset) password must be changed before anything else: only the session routes answer. */
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  /** Another draw of the project holds its lease right now (immediate or scheduled, on any instance). */
  DRAW_IN_PROGRESS: 409,
  /** A sealed list or proof asked for before it may be opened. */
  SEALED: 409,
  /** An expert refused at check-in for a conflict of interest (the seat passes to the next ranked expert). */
  CHECKIN_REFUSED: 409,
  /** A remote site that is revoked, or whose certificate is not valid now: nothing is sealed to it. */
  SITE_UNAVAILABLE: 409,
  /** The expert has left the pool (docs/admission.md): their status stays. */
  EXPERT_EXITED: 409,
  /** The expert's confirmation lapsed: re-confirm before reinstating them. */
  CONFIRMATION_LAPSED: 409,
  /** The application was decided already. */
  APPLICATION_DECIDED: 409,
  /** Closing a review: the consequence is not a review, or not in force any more. */
  NOT_UNDER_REVIEW: 409,
  /** A revised pool file would retire experts, and the import did not confirm how many (retireCount, from its dry run). */
  IMPORT_RETIRE_UNCONFIRMED: 409,
  /**
   * The phone number belongs to another expert still in the pool: two experts on one number would each get the other's
   * calls and record links, and answer as either. Neither the other expert nor the number is named.
   */
  PHONE_IN_USE: 409,
  /** A status change that would weaken a sanction still in force: only an upheld objection lifts it (docs/records.md). */
  SANCTION_IN_FORCE: 409,
  /** A response link past its deadline, or a call no longer open. */
  GONE: 410,
  /** Node's parser gave up waiting for the whole request. */
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  /** A path parameter longer than the router matches. */
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** Too many wrong passwords for this username: no password is checked until the lock ends (back-off). */
  ACCOUNT_LOCKED: 429,
  /** The request line and headers together exceed Node's limit (a very long URL, too many or too large headers). */
  HEADERS_TOO_LARGE: 431,
  POLICY_RULES: 422,
  /** A new password too short, too simple, naming the user, or the same as the current one. */
  PASSWORD_POLICY: 422,
  IMPORT_REJECTED: 422,
  SCHEDULE_RULES: 422,
  UNKNOWN_SPECIALTY: 422,
  INSUFFICIENT_CANDIDATES: 422,
  WITNESS_MISMATCH: 422,
  /** A witnessed draw with fewer deposits than its policy requires, under `onShort: fail`: the draw fails after its commit. */
  WITNESS_MISSING: 422,
  /** A witness deposit for a project with no planned draw (not witnessed, or its draw behind it). */
  NOT_PLANNED: 409,
  /** A witness deposit at or after the plan's close (the draw's due time). */
  DEPOSITS_CLOSED: 409,
  /** A second deposit by the same witness for the same plan. */
  ALREADY_DEPOSITED: 409,
  BEACON_MISMATCH: 422,
  /** A project needs beacon assurance (its own or the policy's minimum) and no beacon is configured. */
  ASSURANCE_UNAVAILABLE: 422,
  NONCE_MISMATCH: 422,
  PROOF_MISMATCH: 422,
  MALFORMED_NOTE: 422,
  UNVERIFIED_NOTE: 422,
  INVALID_SIGNATURE: 422,
  MALFORMED_CHECKPOINT: 422,
  ORIGIN_MISMATCH: 422,
  /** An exchange file that is not the documented format (docs/exchange.md). */
  EXCHANGE_MALFORMED: 422,
  /** An exchange file signed by a key that is not pinned in EXPERT_DRAW_EXCHANGE_TRUSTED. */
  EXCHANGE_UNTRUSTED_KEY: 422,
  /** An exchange file whose signature does not verify under the pinned key: changed after signing, or forged. */
  EXCHANGE_BAD_SIGNATURE: 422,
  /** An exchange file whose people are hashed with another person key than this centre's. */
  EXCHANGE_PERSON_KEY: 422,
  /** The exchange keys are not configured (EXPERT_DRAW_EXCHANGE_SIGNER_KEY, EXPERT_DRAW_EXCHANGE_PERSON_KEY). */
  EXCHANGE_UNCONFIGURED: 422,
  CERT_MALFORMED: 422,
  CERT_UNTRUSTED: 422,
  CERT_EXPIRED: 422,
  CERT_KEY_UNSUPPORTED: 422,
  /** A key string is malformed, or two keys collide: our configuration, hence 500. */
  MALFORMED_KEY: 500,
  AMBIGUOUS_KEY: 500,
  /** No site CA certificate is installed: sites cannot be registered until `expert-draw ca init` has run. */
  SITE_CA_MISSING: 503,
  /** The beacon relay served another chain or a round that does not verify: the draw fails after its commit. */
  BEACON_INVALID: 503,
  /** The beacon round did not arrive within its bound: the draw fails after its commit. */
  BEACON_UNAVAILABLE: 503,
  LOG_MISMATCH: 503,
  LOG_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every code has its title in the catalogue (src/i18n/messages/codes.ts), and the catalogue names no other code. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const EVERY_CODE_TITLED: SameKeys<typeof ERROR_STATUS, typeof codes> = true;
void EVERY_CODE_TITLED;

/** The code's title in the catalogue: the text of an error raised without a message of its own. */
export function errorTitle(code: ErrorCode): Message {
  return msg(`code.${code}`);
}

export class AppError extends Error {
  readonly code: ErrorCode;
  /** What a person reads, in either language; `message` holds its English text for the service log. */
  readonly localized: Localized;
  /** Machine-readable; any Localized inside is rendered in the answer's language too. */
  readonly details: unknown;
  constructor(code: ErrorCode, text: Localized = errorTitle(code), details?: unknown) {
    super(text.text('en'));
    this.name = 'AppError';
    this.code = code;
    this.localized = text;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface GroupShortfall {
  /** Position of the group in the request, from 0. */
  readonly group: number;
  readonly specialty: string;
  /** Selected plus alternates the group needs. */
  readonly required: number;
  /** Experts the draw could rank for the group. */
  readonly available: number;
  readonly shortfall: number;
}

/** Too few eligible experts: names every short group. A smaller panel is never returned instead. */
export class InsufficientCandidatesError extends AppError {
  readonly groups: readonly GroupShortfall[];
  constructor(groups: readonly GroupShortfall[]) {
    const list = groups.map((g) => msg('draw.groupShort', { group: g.group + 1, specialty: g.specialty, required: g.required, available: g.available, shortfall: g.shortfall }));
    super('INSUFFICIENT_CANDIDATES', msg('draw.insufficient', { groups: clauses(list) }), { groups });
    this.name = 'InsufficientCandidatesError';
    this.groups = groups;
  }
}

/**
 * A failed request's reason as a short token: the system error code from the cause chain (`network ECONNREFUSED`,
 * `network UND_ERR_SOCKET`), never an error's message, which can carry an address, a number or a body.
 */
export function networkReason(err: unknown): string {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return `network ${code}`;
    e = (e as { cause?: unknown }).cause;
  }
  return 'network error';
}
