// Roster records of a sealed draw: the roster itself (sealed at rest), the index of rosters with a call still open,
// the two-person unseal, and check-in terminals' misses. (Response tokens are kept, by hash, with their messages in
// the outbox: records/outbox.ts.)
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

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
/**
 * The evaluation day an expert has accepted a seat for: under a keyed hash of the expert and the local date of its bid
 * opening (never the expert's id), the draw whose seat it is. Written in the acceptance's commit, expecting none: a
 * second acceptance for the same day, on any instance, finds it (docs/calls.md "One evaluation a day").
 */
export const seatDays = new RecordSet<string>('seat-days', null, TEXT_CODEC);
const SEAT_DAY_PURPOSE = 'rosters/seat-day/v1';
export const seatDayKey = (vault: Pick<PersonalDataVault, 'keyedHash'>, expertId: string, localDate: string) => vault.keyedHash(SEAT_DAY_PURPOSE, `${expertId}\n${localDate}`);
/** Unmatched ID numbers per check-in terminal (by SHA-256 of the terminal), kept outside the log (each is logged). */
export const checkinMisses = new RecordSet<number[]>('checkin-misses', null);
/** When a terminal's block was last logged (by SHA-256 of the terminal): a block is logged once, not at every refusal. */
export const checkinBlocks = new RecordSet<number>('checkin-blocks', null);
