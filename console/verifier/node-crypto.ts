// The browser's stand-in for the part of node:crypto the proof verifier uses (Vite aliases node:crypto here in the
// console build only): SHA-256, HMAC-SHA-256 and Ed25519 verification on the audited @noble libraries. The server
// never loads this file; it keeps OpenSSL. Signing and key generation are refused: an inspector only verifies.
import { ed25519 } from '@noble/curves/ed25519';
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { Buffer } from 'buffer';

type Data = string | Uint8Array;
type Encoding = 'hex' | 'base64' | 'utf8' | 'buffer';

function bytes(data: Data, encoding?: 'utf8' | 'hex' | 'base64'): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : data;
}

function encode(digest: Uint8Array, encoding?: Encoding): Buffer | string {
  const out = Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
  return encoding === undefined || encoding === 'buffer' ? out : out.toString(encoding);
}

function sha256Only(algorithm: string): void {
  if (algorithm.toLowerCase() !== 'sha256') throw new Error(`the browser verifier has SHA-256 only, not ${algorithm}`);
}

interface Hasher {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** node:crypto's Hash and Hmac objects as the verifier calls them: update(...) chained, then digest(encoding?). */
class Digest {
  readonly #h: Hasher;
  #done = false;

  constructor(h: Hasher) {
    this.#h = h;
  }

  update(data: Data, encoding?: 'utf8' | 'hex' | 'base64'): this {
    if (this.#done) throw new Error('Digest already called');
    this.#h.update(bytes(data, encoding));
    return this;
  }

  digest(): Buffer;
  digest(encoding: 'hex' | 'base64'): string;
  digest(encoding?: 'hex' | 'base64'): Buffer | string {
    if (this.#done) throw new Error('Digest already called');
    this.#done = true;
    return encode(this.#h.digest(), encoding);
  }
}

export function createHash(algorithm: string): Digest {
  sha256Only(algorithm);
  return new Digest(sha256.create());
}

export function createHmac(algorithm: string, key: Data): Digest {
  sha256Only(algorithm);
  return new Digest(hmac.create(sha256, bytes(key)));
}

/** node:crypto.hash (Node ≥ 20.12): one-shot digest, hex by default. */
export function hash(algorithm: string, data: Data, encoding: Encoding = 'hex'): Buffer | string {
  sha256Only(algorithm);
  return encode(sha256(bytes(data)), encoding);
}

export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length');
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** RFC 8410 §4: SPKI DER of an Ed25519 public key is this prefix followed by the 32-byte key. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** What stands for node's KeyObject: an Ed25519 public key, raw. */
export interface KeyObject {
  readonly type: 'public';
  readonly asymmetricKeyType: 'ed25519';
  readonly raw: Uint8Array;
  export(options: { format: 'der'; type: 'spki' }): Buffer;
}

export function createPublicKey(input: { key: Uint8Array; format: 'der'; type: 'spki' }): KeyObject {
  const der = Buffer.from(input.key);
  if (input.format !== 'der' || input.type !== 'spki' || der.length !== SPKI_ED25519_PREFIX.length + 32 || !der.subarray(0, SPKI_ED25519_PREFIX.length).equals(SPKI_ED25519_PREFIX)) {
    throw new Error('the browser verifier reads Ed25519 public keys in SPKI DER only');
  }
  const raw = der.subarray(SPKI_ED25519_PREFIX.length);
  return { type: 'public', asymmetricKeyType: 'ed25519', raw, export: () => Buffer.from(der) };
}

/**
 * Ed25519 verification as RFC 8032 states it (zip215: false: non-canonical encodings refused, as OpenSSL does). Any
 * malformed key or signature is a signature that does not verify, never an exception.
 */
export function verify(algorithm: null | undefined, message: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  if (algorithm !== null && algorithm !== undefined) throw new Error('Ed25519 takes no digest algorithm');
  try {
    return ed25519.verify(signature, message, key.raw, { zip215: false });
  } catch {
    return false;
  }
}

function refused(): never {
  throw new Error('the browser verifier verifies only: it holds no private key');
}

export const createPrivateKey = refused;
export const generateKeyPairSync = refused;
export const sign = refused;
export const randomBytes = refused;
