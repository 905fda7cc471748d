// A change to a user's list of open sessions, as the entries and the record write that commit it: shared by the
// session service (login, refresh, logout, password change) and the user service (an administrator's change that ends
// the user's sessions), so a session never ends without its `session.ended` entry.
import { createHash } from 'node:crypto';
import type { Entry } from '../audit/entries.js';
import { userSessions, type SessionEndReason, type SessionEntry, type UserSessions } from '../records/users.js';
import type { RecordExpectation, RecordWrite, Store } from '../store/store.js';

export interface SessionsChange {
  readonly entries: Entry[];
  readonly writes: RecordWrite[];
  readonly expects: RecordExpectation[];
}

export type FoundSessions = { readonly value: UserSessions; readonly raw: Buffer } | null;

/** How the log names a session: a digest of its id, never the id (it goes into tokens). */
export const sessionRef = (sid: string): string => createHash('sha256').update(sid).digest('hex').slice(0, 16);

export const isExpired = (s: SessionEntry, now: number): boolean => Date.parse(s.expiresAt) <= now || Date.parse(s.idleUntil) <= now;

/**
 * Replaces the list with `next` (expecting the record as read). Sessions left out that had not expired end with
 * `reason`; expired ones are dropped silently (their end is their expiry).
 */
export function sessionsChange(userId: string, found: FoundSessions, next: readonly SessionEntry[], now: number, end?: { reason: SessionEndReason; by?: string }): SessionsChange {
  const kept = new Set(next.map((s) => s.sid));
  const ended = (found?.value.sessions ?? []).filter((s) => !kept.has(s.sid) && !isExpired(s, now));
  if (ended.length > 0 && !end) throw new Error('a session would end without a reason');
  const entries: Entry[] = ended.map((s) => ({ type: 'session.ended', payload: { userId, session: sessionRef(s.sid), reason: end!.reason, ...(end!.by ? { by: end!.by } : {}) } }));
  return { entries, writes: [userSessions.write({ userId, sessions: [...next] })], expects: [userSessions.expect(userId, found?.raw ?? null)] };
}

/** Ends the sessions `which` selects (all, or one), reading the list now. */
export async function endSessions(store: Store, userId: string, which: (s: SessionEntry) => boolean, now: number, reason: SessionEndReason, by?: string): Promise<SessionsChange> {
  const found = await userSessions.read(store, userId);
  return sessionsChange(userId, found, (found?.value.sessions ?? []).filter((s) => !which(s) && !isExpired(s, now)), now, { reason, by });
}
