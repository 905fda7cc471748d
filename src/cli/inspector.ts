// What an inspector's commands share: the log API over HTTP, and the folder of kept
// checkpoints (`log watch --keep DIR`, `proof verify --kept DIR`). The decisions are made by src/log/consistency.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jcs } from '../crypto/canonical.js';
import { networkReason } from '../errors.js';
import { reportTexts } from '../i18n/cli/reports.js';
import type { Lang } from '../i18n/language.js';
import { LocalizedError, type Localized } from '../i18n/text.js';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { proofFromHex, relateCheckpoints } from '../log/consistency.js';
import type { NoteVerifier } from '../log/note.js';
import { CLOCK_ALLOWANCE_MS } from '../verify/kept-history.js';

/** A consistency proof as the log API answers it: PROOF(fromSize, D[toSize]), hashes in lower-case hex. */
export interface ConsistencyHex {
  readonly fromSize: number;
  readonly toSize: number;
  readonly hashes: readonly string[];
}

/**
 * What the watcher wrote beside a checkpoint when it kept it (`<size>.json`, JCS and a newline; docs/inspectors.md):
 * when it received the note, by the watcher's own clock, and the consistency proof from the kept checkpoint before it
 * (null for the first kept). With these the kept checkpoints are one history without the log, and a bundle proved
 * against any of them is tied to that history offline.
 */
export interface KeptRecord {
  readonly size: number;
  /** ISO 8601 UTC, milliseconds (`toISOString`). */
  readonly fetchedAt: string;
  readonly consistency: ConsistencyHex | null;
}

/** A checkpoint the inspector holds: its signed note as received, and what it says. */
export interface KeptCheckpoint {
  readonly size: number;
  readonly note: string;
  readonly checkpoint: Checkpoint;
  /** Where it is kept. */
  readonly file: string;
  /** What the watcher recorded when it kept it; absent for a checkpoint kept before watchers wrote records. */
  readonly record?: KeptRecord;
}

const KEPT_FILE = /^(0|[1-9][0-9]*)\.note$/;
const RECORD_FILE = /^(0|[1-9][0-9]*)\.json$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;


/**
 * Every checkpoint kept in `dir` (one file per tree size, `<size>.note`, the signed note byte for byte), each verified
 * against the pinned key and origin. A kept file that does not verify, or whose name is not its size, throws: the
 * folder is the inspector's own record, so a bad file in it is a fault to look into, never skipped. `now` is this
 * machine's clock (Unix ms): no record may say it was fetched later than that.
 */
export function readKept(dir: string, verifier: NoteVerifier, origin: string, now: number = Date.now()): KeptCheckpoint[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw new LocalizedError(reportTexts.said('kept.notFolder', { dir }));
  const kept: KeptCheckpoint[] = [];
  for (const name of readdirSync(dir)) {
    const m = KEPT_FILE.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    const note = readFileSync(file, 'utf8');
    let checkpoint: Checkpoint;
    try {
      checkpoint = openCheckpoint(note, verifier, origin).checkpoint;
    } catch (err) {
      throw new LocalizedError(reportTexts.said('kept.doesNotVerify', { file, reason: (err as Error).message }));
    }
    if (String(checkpoint.size) !== m[1]) throw new LocalizedError(reportTexts.said('kept.wrongSize', { file, size: checkpoint.size }));
    kept.push({ size: checkpoint.size, note, checkpoint, file });
  }
  kept.sort((a, b) => a.size - b.size);
  return withRecords(dir, kept, now);
}

/**
 * Adds each checkpoint's record (`<size>.json`), checked: it is byte for byte what the watcher writes (JCS and a
 * newline, the three fields and no other), its size is its note's, its time a time neither later than `now` (within
 * CLOCK_ALLOWANCE_MS) nor earlier than a smaller kept tree's, and its consistency proof verifies from the kept
 * checkpoint it names to this one (RFC 9162 §2.1.4). Both ends are signed notes the watcher verified, so a proof that
 * does not verify between them is a changed file: an error, never skipped. In a folder that holds records, a note
 * without one is refused unless it is older than the oldest record (kept before watchers wrote records).
 */
function withRecords(dir: string, kept: KeptCheckpoint[], now: number): KeptCheckpoint[] {
  const bySize = new Map(kept.map((k) => [k.size, k]));
  const out: KeptCheckpoint[] = [];
  const names = new Set(readdirSync(dir).filter((name) => RECORD_FILE.test(name)));
  // Records began with the smallest kept tree that has one; a note after that without its record was not kept by the
  // watcher (a crash between the two writes aside, which the refusal says how to clear): it could be any signed note,
  // another history's among them.
  const oldest = kept.find((k) => names.has(`${k.size}.json`))?.size;
  let previous: { size: number; at: number } | undefined;
  for (const k of kept) {
    const name = `${k.size}.json`;
    if (!names.has(name)) {
      if (oldest !== undefined && k.size > oldest) throw new LocalizedError(reportTexts.said('kept.noRecord', { file: k.file, record: join(dir, name), oldest }));
      out.push(k);
      continue;
    }
    names.delete(name);
    const file = join(dir, name);
    const bad = (why: Localized) => new LocalizedError(reportTexts.said('kept.badRecord', { file, why }));
    const text = readFileSync(file, 'utf8');
    let record: KeptRecord;
    try {
      record = JSON.parse(text) as KeptRecord;
    } catch {
      throw bad(reportTexts.said('kept.record.notJson'));
    }
    const c = record?.consistency;
    if (record?.size !== k.size || typeof record.fetchedAt !== 'string' || !ISO_UTC.test(record.fetchedAt) || Number.isNaN(Date.parse(record.fetchedAt))) throw bad(reportTexts.said('kept.record.notRecord', { size: k.size }));
    if (c !== null) {
      const proof = c && typeof c === 'object' ? proofFromHex(c.hashes) : null;
      if (!c || proof === null || c.toSize !== k.size || !Number.isSafeInteger(c.fromSize)) throw bad(reportTexts.said('kept.record.noProof', { size: k.size }));
      const from = bySize.get(c.fromSize);
      if (!from || c.fromSize >= k.size) throw bad(reportTexts.said('kept.record.notKeptFrom', { from: c.fromSize, size: k.size }));
      if (relateCheckpoints(from.checkpoint, k.checkpoint, proof).kind !== 'consistent') throw bad(reportTexts.said('kept.record.doesNotVerify', { from: c.fromSize, size: k.size }));
    }
    // The record rebuilt from the fields read, as the watcher writes it: an extra field, other spacing or order is an
    // edit, not the watcher's.
    const rebuilt: KeptRecord = { size: k.size, fetchedAt: record.fetchedAt, consistency: c === null ? null : { fromSize: c.fromSize, toSize: c.toSize, hashes: c.hashes } };
    if (text !== `${jcs(rebuilt)}\n`) throw bad(reportTexts.said('kept.record.notCanonical'));
    // Fetch times are the watcher's own unsigned word; what can be checked is that they agree with each other and with
    // this machine's clock: a larger tree is never fetched before a smaller one, and nothing after now.
    const at = Date.parse(record.fetchedAt);
    if (at > now + CLOCK_ALLOWANCE_MS) throw bad(reportTexts.said('kept.record.future', { at: record.fetchedAt, now: new Date(now).toISOString() }));
    if (previous && at < previous.at) throw bad(reportTexts.said('kept.record.timeBack', { at: record.fetchedAt, before: previous.size, beforeAt: new Date(previous.at).toISOString() }));
    previous = { size: k.size, at };
    out.push({ ...k, record: rebuilt });
  }
  const orphan = [...names][0];
  if (orphan) throw new LocalizedError(reportTexts.said('kept.orphan', { file: join(dir, orphan), note: orphan.replace('.json', '.note') }));
  return out;
}

/**
 * The kept checkpoints that can tie a bundle to the watcher's history offline: those with a record, and of those kept
 * before records existed only the one the first record's proof starts from. Any other note without a record is a
 * signed note whose place in the history nothing kept proves (it could be another history's, copied in).
 */
export function keptThatLink(kept: readonly KeptCheckpoint[]): KeptCheckpoint[] {
  if (!kept.some((k) => k.record)) return [...kept];
  const chainedFrom = new Set(kept.flatMap((k) => (k.record?.consistency ? [k.record.consistency.fromSize] : [])));
  return kept.filter((k) => k.record || chainedFrom.has(k.size));
}

/**
 * Keeps a verified checkpoint as `<size>.note`, then its record as `<size>.json` (each written whole, then renamed);
 * one already kept of that size stays. A crash between the two leaves a note without a record: a checkpoint kept as
 * before records existed, never a record without its note.
 */
export function keep(dir: string, size: number, note: string, record?: KeptRecord): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${size}.note`);
  if (existsSync(file)) return file;
  writeWhole(file, note);
  if (record) writeWhole(join(dir, `${size}.json`), `${jcs(record)}\n`);
  return file;
}

function writeWhole(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Keeps a checkpoint that forks from the kept ones, as evidence, under `forks/` (never among the kept). */
export function keepFork(dir: string, cp: Checkpoint, note: string): string {
  const forks = join(dir, 'forks');
  mkdirSync(forks, { recursive: true });
  const file = join(forks, `${cp.size}-${cp.rootHash.toString('hex').slice(0, 16)}.note`);
  writeFileSync(file, note);
  return file;
}

/** The log API of one service (GET /v1/log/...), with an inspector's or supervisor's token. */
export class LogApi {
  private readonly base: string;

  constructor(
    url: string,
    private readonly token: string | undefined,
    /** The language the service's refusals are asked in: the reader's. */
    private readonly lang: Lang = 'en',
    private readonly fetcher: typeof fetch = fetch,
  ) {
    // Refused at once, in words: not as fetch's own error on the first request.
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new LocalizedError(reportTexts.said('api.notUrl', { url }));
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new LocalizedError(reportTexts.said('api.onlyHttp', { url }));
    this.base = url.replace(/\/+$/, '');
  }

  latestCheckpoint(): Promise<{ size: number; note: string }> {
    return this.get('/v1/log/checkpoint');
  }

  /** Signed checkpoints of tree size ≥ `fromSize`, smallest first, a page at a time (`next`: where the next starts). */
  async checkpoints(fromSize: number, limit: number): Promise<{ items: Array<{ size: number; note: string }>; next: number | null }> {
    const answer = await this.get<{ items?: unknown; next?: unknown }>(`/v1/log/checkpoints?from=${fromSize}&limit=${limit}`);
    const ok = (x: unknown): x is { size: number; note: string } => typeof x === 'object' && x !== null && Number.isSafeInteger((x as { size?: unknown }).size) && typeof (x as { note?: unknown }).note === 'string';
    if (!Array.isArray(answer.items) || !answer.items.every(ok) || !(answer.next === null || Number.isSafeInteger(answer.next))) {
      throw new LocalizedError(reportTexts.said('api.notCheckpoints', { from: fromSize }));
    }
    return { items: answer.items, next: answer.next as number | null };
  }

  /** The consistency proof between two tree sizes, as hashes; throws when the answer is not one. */
  async consistency(fromSize: number, toSize: number): Promise<Buffer[]> {
    const answer = await this.get<{ fromSize?: unknown; toSize?: unknown; hashes?: unknown }>(`/v1/log/consistency?from=${fromSize}&to=${toSize}`);
    const proof = proofFromHex(answer.hashes);
    if (answer.fromSize !== fromSize || answer.toSize !== toSize || proof === null) {
      throw new LocalizedError(reportTexts.said('api.notConsistency', { from: fromSize, to: toSize }));
    }
    return proof;
  }

  private async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await this.fetcher(`${this.base}${path}`, {
        headers: { accept: 'application/json', 'accept-language': this.lang, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      });
    } catch (err) {
      // fetch says only "fetch failed": the address and the system's reason say what to check (the inspector's own
      // terminal: the cause's words may be shown when there is no code).
      const code = networkReason(err);
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : null;
      throw new LocalizedError(reportTexts.said('api.cannotReach', { url: this.base, reason: code === 'network error' && cause ? cause : code }));
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new LocalizedError(reportTexts.said('api.notJson', { path, status: res.status }));
    }
    if (!res.ok) {
      const error = (body as { error?: { code?: string; message?: string } }).error;
      throw new Error(`GET ${path}: ${res.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim());
    }
    return body as T;
  }
}
