// Which layout of records and log the store holds, as a number kept in the store itself. A version of the service that
// finds a newer format than its own refuses to start and changes nothing: after an upgrade that moved the format, going
// back means restoring the backup taken before the upgrade (docs/operations.md, "Upgrading and going back"), never old
// code reading new data.
import type { Store } from '../store/store.js';
import { RecordSet } from './record-set.js';

/**
 * The format this version reads and writes. Raise it with any change an older version would misread (a record's
 * shape, a collection's meaning, the log's entries), and teach `holdDataFormat` the step up from the one before.
 */
export const DATA_FORMAT = 1;

export interface DataFormatRecord {
  readonly format: number;
  /** When this store was first stamped with the format. */
  readonly since: string;
}

const dataFormat = new RecordSet<DataFormatRecord>('data-format', null);
const KEY = 'store';

/** The store holds data of a format this version cannot read. Nothing was changed. */
export class DataFormatError extends Error {
  constructor(
    message: string,
    /** The format found: newer than DATA_FORMAT, or null when unreadable. */
    readonly found: number | null,
  ) {
    super(message);
    this.name = 'DataFormatError';
  }
}

/**
 * The store's format, if stamped and this version's; null when unstamped (format 1) or older. Refuses a newer or an
 * unreadable one, reading nothing else and writing nothing.
 */
export async function readableFormat(store: Pick<Store, 'getRecord'>): Promise<DataFormatRecord | null> {
  const found = await dataFormat.read(store, KEY);
  if (!found) return null;
  const { format } = found.value;
  if (!Number.isInteger(format) || format < 1) throw new DataFormatError(`the store's data format record is not readable (${found.raw.toString('utf8').slice(0, 80)}): was it edited by hand? Restore the last backup (docs/backups.md)`, null);
  if (format > DATA_FORMAT) {
    throw new DataFormatError(
      `the store holds data format ${format}, written by a newer version of expert-draw; this version reads format ${DATA_FORMAT} and would misread it. ` +
        'Run the newer version again, or go back by restoring the backup taken before the upgrade (docs/operations.md, "Upgrading and going back"). Nothing was changed.',
      format,
    );
  }
  return format === DATA_FORMAT ? found.value : null;
}

/**
 * Checks the store's format before anything reads or writes it, and stamps a store that has none: a new one, or one
 * written before the stamp existed (format 1, which is everything up to it). A newer format is refused.
 */
export async function holdDataFormat(store: Store, now: Date): Promise<DataFormatRecord> {
  const held = await readableFormat(store);
  if (held) return held;
  const stamped: DataFormatRecord = { format: DATA_FORMAT, since: now.toISOString() };
  await dataFormat.putUnlogged(store, KEY, stamped);
  return stamped;
}
