// One proof bundle file read and verified: what `expert-draw proof verify` does per file, in its own thread or in a
// worker (proof-pool.ts), so that both paths run this very function. Never throws: a file that cannot be read, is not
// JSON, or makes the verifier throw is a verdict naming why.
import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifyDrawProofWithFacts, type DrawProofReport, type VerifyDrawProofOptions } from './draw-proof.js';
import { jsonText } from './json-text.js';
import type { CutText } from './cut-text.js';
import { readCut } from './kept-lists.js';
import type { RunFacts } from './run-checks.js';

/** What a worker can be handed: the options with the verifier key as text (a parsed key does not cross threads). */
export type FileVerifyOptions = Omit<VerifyDrawProofOptions, 'verifierKey'> & { readonly verifierKey: string };

/** A file's report, with the facts its bundle adds to the checks across the run (run-checks.ts); or why it has none. */
export type FileVerdict = { readonly file: string; readonly report: DrawProofReport; readonly facts: RunFacts } | { readonly file: string; readonly error: string };

/**
 * The bundle in a file, or why there is none (the messages `proof verify` prints). With `reveal`, the reveal entry's
 * kept member lists were cut from the file unread (kept-lists.ts): the bundle is what reading it whole gives, except
 * that its reveal entry is `reveal.text`, which stands for the whole text.
 */
export function readProofFile(file: string): { bundle: unknown; reveal?: CutText } | { error: string } {
  let bytes: Buffer;
  try {
    bytes = readBytes(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `the proof bundle ${resolve(file)} does not exist` : `cannot read the proof bundle ${resolve(file)} (${code ?? 'error'})` };
  }
  const cut = readCut(bytes);
  if (cut) return cut;
  try {
    return { bundle: JSON.parse(jsonText(bytes)) };
  } catch {
    return { error: `${resolve(file)} is not JSON: save the answer of GET /v1/draws/{id}/proof as it came` };
  }
}

export function verifyProofFile(file: string, options: FileVerifyOptions): FileVerdict {
  const read = readProofFile(file);
  if ('error' in read) return { file, error: read.error };
  try {
    return { file, ...verifyDrawProofWithFacts(read.bundle, options, read.reveal) };
  } catch (err) {
    // A malformed key is checked before any file is read; anything else the verifier throws is this file's.
    return { file, error: `${resolve(file)}: the verifier stopped: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * The file's bytes, read into one buffer kept for the next file (valid until then): a fresh half-megabyte buffer per
 * bundle costs page faults that cost more than reading it. Read to the end with no stat to size the buffer first: a
 * system call costs tens of microseconds on the 2-core test machine, and a bundle fits the buffer kept.
 */
function readBytes(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === readBuffer.length) {
        // A file longer than the buffer: keep what was read, in a larger one.
        const larger = Buffer.allocUnsafe(2 * readBuffer.length);
        readBuffer.copy(larger, 0, 0, length);
        readBuffer = larger;
      }
      const n = readSync(fd, readBuffer, length, readBuffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return readBuffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
let readBuffer = Buffer.allocUnsafe(1 << 20);
