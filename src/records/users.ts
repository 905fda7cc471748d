// Staff accounts' records: each user (with the password hash, which nothing outside the user and session services
// reads), the index from login name to user, each user's open login sessions, and the unlogged failure counters of
// the login lockout. A user's changes are log entries that carry none of the password material.
import type { Role } from '../auth/roles.js';
import type { FailureState } from '../auth/lockout.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

export const USER_STATES = ['active', 'disabled'] as const;
export type UserState = (typeof USER_STATES)[number];

export interface UserRecord {
  /** `U-` and a UUID: the subject of the user's tokens and the `by` of the log entries they cause. */
  readonly id: string;
  /** Login name, lower case; fixed for the account's life. */
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly site: string | null;
  readonly state: UserState;
  /** A first or reset password: only the session routes answer until the user changes it. */
  readonly mustChangePassword: boolean;
  /** PHC string of the scrypt hash (src/auth/passwords.ts). */
  readonly passwordHash: string;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One login session: a refresh token (by SHA-256) that rotates on every use. */
export interface SessionEntry {
  /** `S-` and 16 random bytes: the `sid` claim of its access tokens. */
  readonly sid: string;
  /** SHA-256 (hex) of the current refresh token's secret. */
  readonly refreshHash: string;
  /** SHA-256 of the secrets already used: presenting one again means a copy is loose, and ends the session. */
  readonly spent: readonly string[];
  /** Rotations so far. */
  readonly generation: number;
  readonly restricted: boolean;
  readonly createdAt: string;
  /** The session ends then, however active (absolute lifetime). */
  readonly expiresAt: string;
  /** The refresh token must be used before then (idle timeout); each rotation moves it. */
  readonly idleUntil: string;
}

/** A user's open sessions; an ended session is removed (its access tokens stop at once, on every instance). */
export interface UserSessions {
  readonly userId: string;
  readonly sessions: readonly SessionEntry[];
}

export const users = new RecordSet<UserRecord>('users', (u) => u.id);
/** Login name → user id: written with the user, expected absent, so two accounts never share a name. */
export const usernames = new RecordSet<string>('usernames', null, TEXT_CODEC);
export const userSessions = new RecordSet<UserSessions>('sessions', (s) => s.userId);
/**
 * Lockout counters by keyed hash of the typed username (known or not: the answer must not tell), kept outside the log;
 * each lock is a log entry. Two instances counting at the same moment may lose one count to each other.
 */
export const loginFailures = new RecordSet<FailureState>('login-failures', null);

/** What any answer may show of a user: never the hash. */
export type UserView = Omit<UserRecord, 'passwordHash'>;

export function userView(u: UserRecord): UserView {
  const { passwordHash: _hash, ...view } = u;
  return view;
}

/** Why a session ended (the `session.ended` entry). */
export const SESSION_END_REASONS = ['logout', 'refresh-reused', 'password-changed', 'password-reset', 'user-disabled', 'user-changed', 'site-revoked'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];
