// C2SP tlog-checkpoint bodies (c2sp.org/tlog-checkpoint): strict format and parse, signed and opened as signed notes.
import { AppError } from '../errors.js';
import { msg, type Message } from '../i18n/message.js';
import {
  decodeBase64Strict,
  isNoteSafeText,
  NoteSigner,
  openNote,
  signNote,
  type NoteVerifier,
  type OpenedNote,
} from './note.js';

/** c2sp.org/tlog-checkpoint: the root hash is an RFC 6962 / RFC 9162 SHA-256 Merkle tree hash. */
export const CHECKPOINT_ROOT_HASH_BYTES = 32;
/** c2sp.org/tlog-checkpoint: origin, tree size and root hash, then optional extension lines. */
export const CHECKPOINT_MIN_LINES = 3;
/** c2sp.org/tlog-checkpoint: ASCII decimal with no leading zeroes, "0" for the empty tree. */
const TREE_SIZE = /^(?:0|[1-9][0-9]*)$/;

/**
 * A tree head. `size` is a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 − 1 leaves), far beyond any log this
 * service will hold; larger sizes are refused rather than rounded.
 */
export interface Checkpoint {
  /** Log identity; non-empty, one line. */
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 9162 root hash at `size` (32 bytes). */
  readonly rootHash: Buffer;
  /** Opaque, non-empty lines after the root hash; the spec does not recommend them, so normally []. */
  readonly extensions: readonly string[];
}

/** MALFORMED_CHECKPOINT: not origin, size, root and extension lines; ORIGIN_MISMATCH: another log's checkpoint. */
export type CheckpointErrorCode = 'MALFORMED_CHECKPOINT' | 'ORIGIN_MISMATCH';

export class CheckpointError extends AppError {
  declare readonly code: CheckpointErrorCode;
  constructor(code: CheckpointErrorCode, text: Message, details?: unknown) {
    super(code, text, details);
    this.name = 'CheckpointError';
  }
}

function malformed(reason: string): CheckpointError {
  return new CheckpointError('MALFORMED_CHECKPOINT', msg('log.malformedCheckpoint', { reason }), { reason });
}

function isLine(text: string): boolean {
  return text !== '' && !text.includes('\n') && isNoteSafeText(text);
}

/** The checkpoint body: `origin\nsize\nbase64(root)\n` followed by each extension line and a newline. */
export function formatCheckpoint(cp: Checkpoint): string {
  if (!isLine(cp.origin)) throw malformed('origin must be one non-empty line of note-safe text');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw malformed('tree size must be an integer in [0, 2^53 − 1]');
  if (cp.rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) throw malformed(`root hash must be ${CHECKPOINT_ROOT_HASH_BYTES} bytes`);
  for (const ext of cp.extensions) if (!isLine(ext)) throw malformed('extension lines must be non-empty, one line each');
  const head = `${cp.origin}\n${cp.size}\n${Buffer.from(cp.rootHash).toString('base64')}\n`;
  return cp.extensions.length === 0 ? head : `${head}${cp.extensions.join('\n')}\n`;
}

/** Strict inverse of formatCheckpoint: every accepted body formats back to itself byte for byte. */
export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith('\n')) throw malformed('body must end with a newline');
  if (!isNoteSafeText(body)) throw malformed('control character or invalid UTF-16');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < CHECKPOINT_MIN_LINES) throw malformed('needs origin, tree size and root hash');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') throw malformed('empty origin');
  if (!TREE_SIZE.test(sizeText)) throw malformed('tree size must be decimal without leading zeroes');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw malformed('tree size above 2^53 − 1');
  const rootHash = decodeBase64Strict(rootText);
  if (rootHash === undefined || rootHash.length !== CHECKPOINT_ROOT_HASH_BYTES) {
    throw malformed(`root hash must be canonical base64 of ${CHECKPOINT_ROOT_HASH_BYTES} bytes`);
  }
  if (extensions.some((ext) => ext === '')) throw malformed('empty extension line');
  return { origin, size, rootHash, extensions };
}

/**
 * The log's checkpoint key, parsed once, bound to one origin (by default its key name, as the spec recommends).
 * It signs whatever it is given: never signing two inconsistent checkpoints is the log's duty, which holds the proofs.
 */
export class CheckpointSigner {
  readonly origin: string;
  readonly #signer: NoteSigner;

  constructor(signer: NoteSigner, origin: string = signer.name) {
    if (!isLine(origin)) throw malformed('origin must be one non-empty line of note-safe text');
    this.#signer = signer;
    this.origin = origin;
  }

  /** From a `PRIVATE+KEY+name+keyid+base64` signer key string. */
  static fromKey(signerKey: string, origin?: string): CheckpointSigner {
    const signer = NoteSigner.fromKey(signerKey);
    return new CheckpointSigner(signer, origin ?? signer.name);
  }

  get verifier(): NoteVerifier {
    return this.#signer.verifier;
  }

  /** The verifier key string to pin in clients and inspectors. */
  get verifierKey(): string {
    return this.#signer.verifierKey;
  }

  /** Formats and signs a checkpoint of this signer's own log; the result is a C2SP signed note. */
  sign(cp: Checkpoint): string {
    if (cp.origin !== this.origin) {
      throw new CheckpointError('ORIGIN_MISMATCH', msg('log.originMismatch', { origin: this.origin }), { expected: this.origin, actual: cp.origin });
    }
    return signNote(formatCheckpoint(cp), this.#signer);
  }
}

/** Same as signer.sign(cp). */
export function signCheckpoint(cp: Checkpoint, signer: CheckpointSigner): string {
  return signer.sign(cp);
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The opened note: the body that was signed, the verified signature and any unknown (e.g. witness) signatures. */
  readonly note: OpenedNote;
}

/**
 * Verifies a signed checkpoint against the pinned log key, then parses its body and checks the origin. The body is
 * read only after the signature verified (c2sp.org/signed-note: unverified text MUST be ignored). Throws NoteError
 * (bad note, bad or missing signature) or CheckpointError (bad body, other origin).
 */
export function openCheckpoint(note: string | Uint8Array, verifier: NoteVerifier, expectedOrigin: string): OpenedCheckpoint {
  const opened = openNote(note, [verifier]);
  const checkpoint = parseCheckpoint(opened.body);
  if (checkpoint.origin !== expectedOrigin) {
    throw new CheckpointError('ORIGIN_MISMATCH', msg('log.originMismatch', { origin: expectedOrigin }), { expected: expectedOrigin, actual: checkpoint.origin });
  }
  return { checkpoint, note: opened };
}
