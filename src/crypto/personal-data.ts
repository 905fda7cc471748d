// Personal data at rest: names, phones and ID numbers sealed with AES-256-GCM, ID numbers also as a keyed hash for
// matching at check-in. Both keys are derived (HKDF-SHA256) from the instance's sealing key, so no extra key file.
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { ExpertPersonal } from '../domain/expert.js';
import { pooledRandomBytes } from './random-pool.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PersonalDataVault {
  /** A key object, not bytes: a cipher made from raw bytes imports them again each time (about 3 µs of 10 a seal). */
  private readonly encKey: KeyObject;
  private readonly hashKey: Buffer;
  private readonly purposeKeys = new Map<string, Buffer>();

  constructor(sealingPrivateKey: KeyObject) {
    const ikm = sealingPrivateKey.export({ type: 'pkcs8', format: 'der' });
    this.encKey = createSecretKey(Buffer.from(hkdfSync('sha256', ikm, 'expert-draw', 'personal-data/aes-256-gcm/v1', 32)));
    this.hashKey = Buffer.from(hkdfSync('sha256', ikm, 'expert-draw', 'personal-data/id-hash/v1', 32));
  }

  /** base64(iv ‖ ciphertext ‖ tag); the expert id is authenticated data, so a sealed record cannot be moved. */
  seal(expertId: string, personal: ExpertPersonal): string {
    return this.sealJson(expertId, personal);
  }

  open(expertId: string, sealed: string): ExpertPersonal {
    return ExpertPersonal.parse(this.openJson(expertId, sealed));
  }

  /** A value as JSON, sealed (a roster, a batch of messages, a selection); `context` is authenticated. */
  sealJson(context: string, value: unknown): string {
    return this.sealBytes(context, Buffer.from(JSON.stringify(value), 'utf8'));
  }

  /** The value sealJson sealed under `context`. The caller names its type: the vault holds only what the service sealed. */
  openJson<T>(context: string, sealed: string): T {
    return JSON.parse(this.openBytes(context, sealed).toString('utf8')) as T;
  }

  /** Any bytes at rest that may name a person (e.g. a saved answer); `context` is authenticated. */
  sealBytes(context: string, plaintext: Buffer): string {
    // A GCM nonce must never repeat under one key, not be secret: 96 random bits, drawn from the pool (a randomBytes
    // call per seal was a fifth of sealing a roster).
    const iv = pooledRandomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = cipher.update(plaintext);
    // GCM is a stream mode: final() adds no bytes, only computes the tag.
    const tail = cipher.final();
    const tag = cipher.getAuthTag();
    // iv ‖ ciphertext ‖ tag written into one buffer and encoded once.
    const out = Buffer.allocUnsafe(IV_BYTES + body.length + tail.length + TAG_BYTES);
    out.set(iv, 0);
    out.set(body, IV_BYTES);
    out.set(tail, IV_BYTES + body.length);
    out.set(tag, IV_BYTES + body.length + tail.length);
    return out.toString('base64');
  }

  openBytes(context: string, sealed: string): Buffer {
    const raw = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    const body = decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES));
    // final() checks the tag (and throws on a forgery) before any plaintext is returned; it adds no bytes in GCM.
    const tail = decipher.final();
    return tail.length === 0 ? body : Buffer.concat([body, tail]);
  }

  /**
   * Keyed hash of short text that may name a person or be a mistyped secret (a username typed at login), under a key
   * derived for `purpose`: records can be found by it, and a copy of the store cannot be searched with a dictionary.
   */
  keyedHash(purpose: string, text: string): string {
    let key = this.purposeKeys.get(purpose);
    if (!key) this.purposeKeys.set(purpose, (key = Buffer.from(hkdfSync('sha256', this.hashKey, 'expert-draw', `keyed-hash/${purpose}`, 32))));
    return createHmac('sha256', key).update(text, 'utf8').digest('hex');
  }

  /** Keyed hash of a resident ID number (upper-case X): equal numbers match, the number itself is never stored. */
  idHash(idNumber: string): string {
    return createHmac('sha256', this.hashKey).update(idNumber.toUpperCase(), 'utf8').digest('hex');
  }
}
