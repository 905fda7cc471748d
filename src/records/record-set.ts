// The records layer's one building block: an aggregate's records in one store collection, with their key, their
// codec (JSON), and the reads, writes and expectations the services commit with log entries. Each aggregate declares
// its sets in one file of this folder; no service names another's collection.
import type { RecordExpectation, RecordWrite, Store } from '../store/store.js';

/** How a record's value becomes bytes and back. */
export interface Codec<T> {
  encode(value: T): Buffer;
  decode(raw: Buffer): T;
}

/** JSON, UTF-8: every record but a few plain strings. */
export const JSON_CODEC: Codec<never> = {
  encode: (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8'),
  decode: (raw: Buffer) => JSON.parse(raw.toString('utf8')) as never,
};

/** The value's UTF-8 bytes as they are (index records that point at a key). */
export const TEXT_CODEC: Codec<string> = { encode: (value) => Buffer.from(value, 'utf8'), decode: (raw) => raw.toString('utf8') };

export class RecordSet<T> {
  private readonly codec: Codec<T>;

  constructor(
    /** Lower-case store collection name. */
    readonly collection: string,
    /** The key a value is stored under; absent: written with writeAt only. */
    private readonly keyOf: ((value: T) => string) | null,
    codec?: Codec<T>,
  ) {
    this.codec = codec ?? (JSON_CODEC as Codec<T>);
  }

  encode(value: T): Buffer {
    return this.codec.encode(value);
  }

  decode(raw: Buffer): T {
    return this.codec.decode(raw);
  }

  /** The record and its exact bytes (to expect them when changing it), or null. */
  async read(store: Pick<Store, 'getRecord'>, key: string): Promise<{ value: T; raw: Buffer } | null> {
    const raw = await store.getRecord(this.collection, key);
    return raw ? { value: this.decode(raw), raw } : null;
  }

  /** Several records in one round trip, in the order asked (null where absent). */
  async readMany(store: Pick<Store, 'getRecords'>, keys: readonly string[]): Promise<Array<T | null>> {
    return (await store.getRecords(this.collection, keys)).map((raw) => (raw ? this.decode(raw) : null));
  }

  /** Every record, in key order. */
  async list(store: Pick<Store, 'listRecords'>): Promise<Array<{ key: string; value: T }>> {
    return (await store.listRecords(this.collection)).map((r) => ({ key: r.key, value: this.decode(r.value) }));
  }

  /** Every key, in order (the value is not decoded). */
  async keys(store: Pick<Store, 'listRecords'>): Promise<string[]> {
    return (await store.listRecords(this.collection)).map((r) => r.key);
  }

  write(value: T): RecordWrite {
    if (!this.keyOf) throw new Error(`${this.collection}: records are written under an explicit key (writeAt)`);
    return { collection: this.collection, key: this.keyOf(value), value: this.encode(value) };
  }

  /** A write under an explicit key (for sets whose value does not carry it). */
  writeAt(key: string, value: T | null): RecordWrite {
    return { collection: this.collection, key, value: value === null ? null : this.encode(value) };
  }

  remove(key: string): RecordWrite {
    return { collection: this.collection, key, value: null };
  }

  /** The record must hold exactly `raw` (null: must not exist) when the change commits. */
  expect(key: string, raw: Buffer | null): RecordExpectation {
    return { collection: this.collection, key, value: raw };
  }

  /** Writes outside the log: only for data that is not audited state (indices rebuilt at start, saved answers). */
  async putUnlogged(store: Pick<Store, 'putUnloggedRecord'>, key: string, value: T): Promise<void> {
    await store.putUnloggedRecord(this.collection, key, this.encode(value));
  }
}
