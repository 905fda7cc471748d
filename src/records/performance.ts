// Performance records' store side (docs/records.md): the draws whose accepted calls are watched for no-shows, and the
// entered records by id (so that a correction is taken once, against the record as it stands). The records themselves
// are log entries; nothing here names an expert.
import type { PersonalDataVault } from '../crypto/personal-data.js';
import { RecordSet, TEXT_CODEC } from './record-set.js';

/** Draw id → when its accepted calls not checked in become no-shows (ISO; NO_SHOW_SETTLED once nothing is left to watch). */
export const noShowWatch = new RecordSet<string>('no-show-watch', null, TEXT_CODEC);
/** Sorts after every ISO time: a settled watch is never due. */
export const NO_SHOW_SETTLED = '~settled';

/** An entered record as it stands: what it says, and the record that corrected it (null while it stands). */
export interface EnteredRecord {
  readonly recordId: string;
  readonly drawId: string;
  readonly group: number;
  readonly seat: number;
  readonly rank: number;
  readonly code: string | null;
  readonly correctedBy: string | null;
}
export const enteredRecords = new RecordSet<EnteredRecord>('entered-records', (r) => r.recordId);

/** Key purpose of the records' sealed subjects (a keyed hash, src/crypto/personal-data.ts). */
const SUBJECT_PURPOSE = 'records/subject/v1';

/** How a record names its expert: a keyed hash of draw and expert, so no two draws' records link before disclosure. */
export function recordSubject(vault: PersonalDataVault, drawId: string, expertId: string): string {
  return vault.keyedHash(SUBJECT_PURPOSE, `${drawId}\n${expertId}`);
}

/** The context a note is sealed under: the record it belongs to. */
export const noteContext = (recordId: string) => `records/note/${recordId}`;
