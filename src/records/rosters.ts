// Roster records of a sealed draw: the roster itself (sealed at rest), the index of rosters with a call still open,
// the two-person unseal, and check-in terminals' misses. (Response tokens are kept, by hash, with their messages in
// the outbox: records/outbox.ts.)
import { RecordSet } from './record-set.js';

export interface RosterRecord {
  readonly drawId: string;
  readonly revision: number;
  /** Earliest deadline of an open call (null: none open), so that timeouts need not open every roster. */
  readonly nextDeadline: string | null;
  /** vault-sealed JSON of the Roster. */
  readonly sealed: string;
}

export interface UnsealRecord {
  readonly drawId: string;
  readonly approvals: ReadonlyArray<{ sub: string; role: string; at: string }>;
  readonly unsealedAt: string | null;
}

export const rosters = new RecordSet<RosterRecord>('rosters', (r) => r.drawId);
/** Rosters with a call still open → the earliest deadline: what the timeout pass reads. */
export const rosterDeadlines = new RecordSet<string>('roster-deadlines', null);
export const unseals = new RecordSet<UnsealRecord>('unseals', (u) => u.drawId);
/** Unmatched ID numbers per check-in terminal (by SHA-256 of the terminal), kept outside the log (each is logged). */
export const checkinMisses = new RecordSet<number[]>('checkin-misses', null);
