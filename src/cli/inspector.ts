// What an inspector's commands share: the log API over HTTP, and the folder of kept
// checkpoints (`log watch --keep DIR`, `proof verify --kept DIR`). The decisions are made by src/log/consistency.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { networkReason } from '../errors.js';
import { reportTexts } from '../i18n/cli/reports.js';
import type { Lang } from '../i18n/language.js';
import { LocalizedError } from '../i18n/text.js';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { proofFromHex } from '../log/consistency.js';
import type { NoteVerifier } from '../log/note.js';

/** A checkpoint the inspector holds: its signed note as received, and what it says. */
export interface KeptCheckpoint {
  readonly size: number;
  readonly note: string;
  readonly checkpoint: Checkpoint;
  /** Where it is kept. */
  readonly file: string;
}

const KEPT_FILE = /^(0|[1-9][0-9]*)\.note$/;

/**
 * Every checkpoint kept in `dir` (one file per tree size, `<size>.note`, the signed note byte for byte), each verified
 * against the pinned key and origin. A kept file that does not verify, or whose name is not its size, throws: the
 * folder is the inspector's own record, so a bad file in it is a fault to look into, never skipped.
 */
export function readKept(dir: string, verifier: NoteVerifier, origin: string): KeptCheckpoint[] {
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
  return kept.sort((a, b) => a.size - b.size);
}

/** Keeps a verified checkpoint as `<size>.note` (written whole, then renamed); one already kept of that size stays. */
export function keep(dir: string, size: number, note: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${size}.note`);
  if (existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, note);
  renameSync(tmp, file);
  return file;
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
