// Sealing a draw result at the moment it exists: AES-256-GCM under a fresh data key, the data key wrapped to one or
// more X25519 public keys (ephemeral ECDH + HKDF-SHA256 + AES-256-GCM). Only a holder of a recipient's private key
// opens it; the service's own key is one recipient, a remote site's another (a later issue).
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

const WRAP_INFO = 'expert-draw/v1/seal/wrap';
const IV_BYTES = 12;

export interface WrappedKey {
  /** Recipient label, e.g. `service` or a site id. */
  readonly recipient: string;
  /** Ephemeral X25519 public key, SPKI DER, base64. */
  readonly ephemeral: string;
  /** base64(iv ‖ wrapped data key ‖ tag). */
  readonly wrapped: string;
}

export interface SealedBox {
  readonly alg: 'A256GCM+X25519-HKDF-SHA256';
  /** base64(iv ‖ ciphertext ‖ tag) of the plaintext. */
  readonly ciphertext: string;
  readonly keys: readonly WrappedKey[];
}

function gcm(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
}

function ungcm(key: Buffer, box: Buffer, aad: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, box.subarray(0, IV_BYTES));
  d.setAAD(aad);
  d.setAuthTag(box.subarray(box.length - 16));
  return Buffer.concat([d.update(box.subarray(IV_BYTES, box.length - 16)), d.final()]);
}

function kek(shared: Buffer, ephemeral: Buffer, recipient: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, ephemeral, `${WRAP_INFO}/${recipient}`, 32));
}

/** Seals `plaintext` to every recipient; `context` (e.g. the draw id) is authenticated, so a box cannot be moved. */
export function seal(plaintext: Buffer, context: string, recipients: ReadonlyArray<{ recipient: string; publicKey: KeyObject }>): SealedBox {
  const dataKey = randomBytes(32);
  const aad = Buffer.from(context, 'utf8');
  const keys = recipients.map(({ recipient, publicKey }) => {
    const eph = generateKeyPairSync('x25519');
    const ephemeral = eph.publicKey.export({ type: 'spki', format: 'der' });
    const shared = diffieHellman({ privateKey: eph.privateKey, publicKey });
    return { recipient, ephemeral: ephemeral.toString('base64'), wrapped: gcm(kek(shared, ephemeral, recipient), dataKey, aad).toString('base64') };
  });
  return { alg: 'A256GCM+X25519-HKDF-SHA256', ciphertext: gcm(dataKey, plaintext, aad).toString('base64'), keys };
}

/** Opens a box with one recipient's private key; throws if the key, the context or any byte is wrong. */
export function open(box: SealedBox, context: string, recipient: string, privateKey: KeyObject): Buffer {
  const entry = box.keys.find((k) => k.recipient === recipient);
  if (!entry) throw new Error(`the box is not sealed to ${recipient}`);
  const ephemeral = Buffer.from(entry.ephemeral, 'base64');
  const shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: ephemeral, format: 'der', type: 'spki' }) });
  const aad = Buffer.from(context, 'utf8');
  const dataKey = ungcm(kek(shared, ephemeral, recipient), Buffer.from(entry.wrapped, 'base64'), aad);
  return ungcm(dataKey, Buffer.from(box.ciphertext, 'base64'), aad);
}
