// Sealing a draw result at the moment it exists: AES-256-GCM under a fresh data key, the data key wrapped to each
// recipient's public key: X25519 (ephemeral ECDH + HKDF-SHA256 + AES-256-GCM) or RSA ≥ 2048 (RSA-OAEP, SHA-256). Only a
// holder of a recipient's private key opens it; the service's own key is one recipient, a remote site's another.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  type KeyObject,
} from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';

/** HKDF info prefix of the X25519 key-encryption key; the recipient label follows it. */
const WRAP_INFO = 'expert-draw/v1/seal/wrap';
/** RSA-OAEP label prefix (RFC 8017 §7.1): the label binds the wrapped key to its recipient and context. */
const RSA_WRAP_LABEL = 'expert-draw/v1/seal/wrap-rsa';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
export const MIN_RSA_BITS = 2048;

export const BOX_ALG = 'A256GCM';
export const X25519_WRAP_ALG = 'X25519-HKDF-SHA256+A256GCM';
export const RSA_WRAP_ALG = 'RSA-OAEP-256';

export type WrappedKey =
  | {
      readonly alg: typeof X25519_WRAP_ALG;
      /** Recipient label, e.g. `service` or a site id. */
      readonly recipient: string;
      /** Ephemeral X25519 public key, SPKI DER, base64. */
      readonly ephemeral: string;
      /** base64(iv ‖ wrapped data key ‖ tag). */
      readonly wrapped: string;
    }
  | {
      readonly alg: typeof RSA_WRAP_ALG;
      readonly recipient: string;
      /** base64(RSA-OAEP-SHA256 ciphertext of the data key). */
      readonly wrapped: string;
    };

export interface SealedBox {
  readonly alg: typeof BOX_ALG;
  /** base64(iv ‖ ciphertext ‖ tag) of the plaintext. */
  readonly ciphertext: string;
  readonly keys: readonly WrappedKey[];
}

export interface Recipient {
  readonly recipient: string;
  /** X25519 or RSA (≥ 2048 bits) public key. */
  readonly publicKey: KeyObject;
}

function gcm(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = pooledRandomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

function ungcm(key: Buffer, box: Buffer, aad: Buffer): Buffer {
  if (box.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
  const d = createDecipheriv('aes-256-gcm', key, box.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  d.setAAD(aad);
  d.setAuthTag(box.subarray(box.length - TAG_BYTES));
  return Buffer.concat([d.update(box.subarray(IV_BYTES, box.length - TAG_BYTES)), d.final()]);
}

function kek(shared: Buffer, ephemeral: Buffer, recipient: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, ephemeral, `${WRAP_INFO}/${recipient}`, 32));
}

/** OAEP label: JSON keeps the three parts unambiguous whatever characters the recipient or context hold. */
function rsaLabel(recipient: string, context: string): Buffer {
  return Buffer.from(JSON.stringify([RSA_WRAP_LABEL, recipient, context]), 'utf8');
}

function wrapAlgOf(publicKey: KeyObject, recipient: string): WrappedKey['alg'] {
  if (publicKey.type !== 'public') throw new Error(`the key for ${recipient} must be a public key`);
  if (publicKey.asymmetricKeyType === 'x25519') return X25519_WRAP_ALG;
  if (publicKey.asymmetricKeyType === 'rsa') {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw new Error(`the RSA key for ${recipient} has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
    return RSA_WRAP_ALG;
  }
  throw new Error(`the key for ${recipient} is ${publicKey.asymmetricKeyType ?? 'unknown'}; only X25519 and RSA keys can be sealed to`);
}

function wrap(dataKey: Buffer, context: string, { recipient, publicKey }: Recipient): WrappedKey {
  const alg = wrapAlgOf(publicKey, recipient);
  if (alg === RSA_WRAP_ALG) {
    const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: rsaLabel(recipient, context) }, dataKey);
    return { alg, recipient, wrapped: wrapped.toString('base64') };
  }
  const eph = ephemeralFor(publicKey, recipient);
  const wrapped = gcm(eph.kek, dataKey, Buffer.from(context, 'utf8'));
  return { alg, recipient, ephemeral: eph.ephemeral, wrapped: wrapped.toString('base64') };
}

/**
 * One ephemeral X25519 key per recipient key and label wraps the data keys of many boxes for a while, instead of one
 * key pair and one ECDH per box (they were a tenth of a draw's CPU). Each box still has its own data key, wrapped under
 * the key-encryption key with a fresh random IV and the box's context as associated data, so boxes stay independent;
 * recipients open them exactly as before. What is given up is only that the ephemeral private key lives in this
 * process's memory for the window — where the service's own sealing key, a recipient of every box, lives anyway.
 * A window ends after EPHEMERAL_USES wraps (far below GCM's 2^32 random IVs per key) or EPHEMERAL_MS.
 */
const EPHEMERAL_USES = 4096;
const EPHEMERAL_MS = 10 * 60_000;
interface Ephemeral {
  /** SPKI DER of the ephemeral public key, base64, as the wrapped key carries it. */
  readonly ephemeral: string;
  readonly kek: Buffer;
  uses: number;
  readonly until: number;
}
const ephemerals = new WeakMap<KeyObject, Map<string, Ephemeral>>();

function ephemeralFor(publicKey: KeyObject, recipient: string): Ephemeral {
  let byLabel = ephemerals.get(publicKey);
  if (!byLabel) ephemerals.set(publicKey, (byLabel = new Map()));
  let eph = byLabel.get(recipient);
  if (!eph || eph.uses >= EPHEMERAL_USES || Date.now() >= eph.until) {
    const pair = generateKeyPairSync('x25519');
    const der = pair.publicKey.export({ type: 'spki', format: 'der' });
    const shared = diffieHellman({ privateKey: pair.privateKey, publicKey });
    eph = { ephemeral: der.toString('base64'), kek: kek(shared, der, recipient), uses: 0, until: Date.now() + EPHEMERAL_MS };
    byLabel.set(recipient, eph);
  }
  eph.uses++;
  return eph;
}

function unwrap(entry: WrappedKey, context: string, privateKey: KeyObject): Buffer {
  if (entry.alg === RSA_WRAP_ALG) {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: rsaLabel(entry.recipient, context) },
      Buffer.from(entry.wrapped, 'base64'),
    );
  }
  if (entry.alg === X25519_WRAP_ALG) {
    const ephemeral = Buffer.from(entry.ephemeral, 'base64');
    const shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: ephemeral, format: 'der', type: 'spki' }) });
    return ungcm(kek(shared, ephemeral, entry.recipient), Buffer.from(entry.wrapped, 'base64'), Buffer.from(context, 'utf8'));
  }
  throw new Error(`unsupported key wrapping: ${String((entry as { alg: unknown }).alg)}`);
}

/** Seals `plaintext` to every recipient; `context` (e.g. the draw id) is authenticated, so a box cannot be moved. */
export function seal(plaintext: Buffer, context: string, recipients: readonly Recipient[]): SealedBox {
  const labels = new Set(recipients.map((r) => r.recipient));
  if (labels.size !== recipients.length) throw new Error('each recipient may appear once');
  const dataKey = pooledRandomBytes(DATA_KEY_BYTES);
  const keys = recipients.map((r) => wrap(dataKey, context, r));
  return { alg: BOX_ALG, ciphertext: gcm(dataKey, plaintext, Buffer.from(context, 'utf8')).toString('base64'), keys };
}

/** Opens a box with one recipient's private key; throws if the key, the recipient, the context or any byte is wrong. */
export function open(box: SealedBox, context: string, recipient: string, privateKey: KeyObject): Buffer {
  if (box.alg !== BOX_ALG) throw new Error(`unsupported sealed box: ${String(box.alg)}`);
  const entry = box.keys.find((k) => k.recipient === recipient);
  if (!entry) throw new Error(`the box is not sealed to ${recipient}`);
  const needed = entry.alg === RSA_WRAP_ALG ? 'rsa' : 'x25519';
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== needed) {
    throw new Error(`the box is sealed to ${recipient} with ${entry.alg}; open it with that recipient's ${needed === 'rsa' ? 'RSA' : 'X25519'} private key`);
  }
  try {
    const dataKey = unwrap(entry, context, privateKey);
    if (dataKey.length !== DATA_KEY_BYTES) throw new Error('wrong data key length');
    return ungcm(dataKey, Buffer.from(box.ciphertext, 'base64'), Buffer.from(context, 'utf8'));
  } catch (err) {
    // One message for every failure: which step failed says nothing useful to a holder of the wrong key.
    throw new Error(`the box does not open for ${recipient} with this key and context (wrong key, or the box was altered)`, { cause: err });
  }
}

/** The file a remote site downloads: one draw's sealed result, wrapped to the site among others. */
export const SEALED_EXPORT_FORMAT = 'expert-draw/sealed-result/v1';

export interface SealedExport {
  readonly format: typeof SEALED_EXPORT_FORMAT;
  readonly drawId: string;
  readonly projectId: string;
  /** The recipient label this file is meant for (a site id). */
  readonly recipient: string;
  /** The `draw.result` entry's commitment, SHA-256(salt ‖ JCS(result)), and its log index: checked when opened. */
  readonly resultHash?: string;
  readonly resultIndex?: number;
  /**
   * The `draw.result` entry itself with its inclusion proof to a checkpoint the log key signed: `expert-draw open
   * --verifier-key` checks the file against it (the box's hash, the commitment, the draw, the project, the site).
   */
  readonly result?: { readonly index: number; readonly entry: string; readonly inclusion: unknown };
  readonly box: SealedBox;
}

/** Builds the export for one recipient; refuses a box that is not sealed to it. */
export function toExport(drawId: string, projectId: string, recipient: string, box: SealedBox, commitment?: { resultHash: string; resultIndex: number; result?: SealedExport['result'] }): SealedExport {
  if (!box.keys.some((k) => k.recipient === recipient)) throw new Error(`the sealed result of ${drawId} is not sealed to ${recipient}`);
  const logged = commitment ? { resultHash: commitment.resultHash, resultIndex: commitment.resultIndex, ...(commitment.result ? { result: commitment.result } : {}) } : {};
  return { format: SEALED_EXPORT_FORMAT, drawId, projectId, recipient, ...logged, box };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the shape of a parsed export file; throws with a message that says what is wrong. */
export function parseExport(doc: unknown): SealedExport {
  if (!isRecord(doc) || doc.format !== SEALED_EXPORT_FORMAT) {
    throw new Error(`not an expert-draw sealed result: expected "format": "${SEALED_EXPORT_FORMAT}"`);
  }
  for (const field of ['drawId', 'projectId', 'recipient'] as const) {
    if (!isString(doc[field])) throw new Error(`malformed sealed result: "${field}" must be a non-empty string`);
  }
  if (doc.resultHash !== undefined && !(typeof doc.resultHash === 'string' && /^[0-9a-f]{64}$/.test(doc.resultHash))) {
    throw new Error('malformed sealed result: "resultHash" must be 64 lower-case hex digits');
  }
  if (doc.resultIndex !== undefined && !(Number.isSafeInteger(doc.resultIndex) && (doc.resultIndex as number) >= 0)) {
    throw new Error('malformed sealed result: "resultIndex" must be a log index');
  }
  const result = doc.result;
  if (result !== undefined && !(isRecord(result) && Number.isSafeInteger(result.index) && typeof result.entry === 'string' && isRecord(result.inclusion))) {
    throw new Error('malformed sealed result: "result" must be the draw.result entry with its inclusion proof');
  }
  const box = doc.box;
  if (!isRecord(box) || box.alg !== BOX_ALG || !isString(box.ciphertext) || !Array.isArray(box.keys)) {
    throw new Error(`malformed sealed result: "box" must be an ${BOX_ALG} sealed box`);
  }
  for (const k of box.keys as unknown[]) {
    const ok =
      isRecord(k) &&
      isString(k.recipient) &&
      isString(k.wrapped) &&
      (k.alg === RSA_WRAP_ALG || (k.alg === X25519_WRAP_ALG && isString(k.ephemeral)));
    if (!ok) throw new Error('malformed sealed result: a wrapped key is incomplete or uses an unknown algorithm');
  }
  return doc as unknown as SealedExport;
}

/** Opens an export file's result (context = its draw id) and returns the parsed JSON it holds. */
export function openExport(doc: unknown, privateKey: KeyObject): unknown {
  const exp = parseExport(doc);
  const plaintext = open(exp.box, exp.drawId, exp.recipient, privateKey);
  return JSON.parse(plaintext.toString('utf8')) as unknown;
}
