// C2SP signed notes (c2sp.org/signed-note, golang.org/x/mod/sumdb/note) with Ed25519 keys, on native node:crypto only.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { AppError } from '../errors.js';
import { msg, type Message } from '../i18n/message.js';

/** c2sp.org/signed-note "Signature types": the only algorithm this module signs and verifies. */
export const NOTE_ALG_ED25519 = 0x01;
/** RFC 8032: Ed25519 private key seed, public key and signature sizes. */
export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
/** c2sp.org/signed-note: a key ID is the first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export const NOTE_KEY_ID_BYTES = 4;
/** c2sp.org/signed-note: a signature line is em dash (U+2014), space, key name, space, base64, newline. */
export const NOTE_SIGNATURE_PREFIX = '\u2014 ';
/** golang.org/x/mod/sumdb/note: signer keys start with this literal so they are never mistaken for verifier keys. */
export const NOTE_SIGNER_KEY_PREFIX = 'PRIVATE+KEY+';
/** golang.org/x/mod/sumdb/note Open: more than 100 signature lines make a note malformed (the spec asks for ≥ 16). */
export const MAX_NOTE_SIGNATURES = 100;
/**
 * Upper bound on a whole note in UTF-8 bytes. Go's note.Open bounds only the signature count; the spec allows a size
 * bound instead ("or, equivalently, the overall size"). 1 MiB holds 100 post-quantum-sized signatures and any checkpoint.
 */
export const MAX_NOTE_BYTES = 1 << 20;

/** RFC 8410 §7: PKCS#8 DER of an Ed25519 private key is this prefix followed by the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** RFC 8410 §4: SPKI DER of an Ed25519 public key is this prefix followed by the 32-byte key. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// --- errors ---------------------------------------------------------------------------------------------------------

/** This module's codes, from the closed set in src/errors.ts (status mapped there). */
export const NOTE_ERROR_CODES = ['MALFORMED_KEY', 'MALFORMED_NOTE', 'UNVERIFIED_NOTE', 'INVALID_SIGNATURE', 'AMBIGUOUS_KEY'] as const;
export type NoteErrorCode = (typeof NOTE_ERROR_CODES)[number];

/**
 * MALFORMED_KEY: a key string is not name+keyid+base64(0x01‖key) with a matching key ID. MALFORMED_NOTE: not a
 * well-formed note, or over the size or signature-count limits. UNVERIFIED_NOTE: no known key signed it.
 * INVALID_SIGNATURE: a known key's signature fails (the whole note is refused). AMBIGUOUS_KEY: two verifiers share a
 * name and key ID.
 */
export class NoteError extends AppError {
  declare readonly code: NoteErrorCode;
  constructor(code: NoteErrorCode, text: Message, details?: unknown) {
    super(code, text, details);
    this.name = 'NoteError';
  }
}

// --- encoding helpers -----------------------------------------------------------------------------------------------

const BASE64_STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_KEY_ID = /^[0-9a-f]{8}$/;
const WHITE_SPACE = /\p{White_Space}/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** c2sp.org/signed-note: no ASCII control characters other than newline anywhere in a note. */
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000B-\u001F]/;

/**
 * RFC 4648 §4 standard base64, canonical only: padding required, no whitespace, zero trailing bits. Node's own decoder
 * skips junk silently, which would let two spellings stand for one signature or key.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64_STD.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** True when a string has no unpaired UTF-16 surrogate, i.e. it encodes to UTF-8 and back unchanged. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** True when text may appear in a note: well-formed and free of control characters other than newline. */
export function isNoteSafeText(text: string): boolean {
  return isWellFormedText(text) && !CONTROL_EXCEPT_NEWLINE.test(text);
}

/**
 * c2sp.org/signed-note: key names are non-empty and contain no Unicode space (White_Space) and no plus (U+002B).
 * Stricter than Go in one respect: control characters are refused here too, since a note could not carry them.
 */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !WHITE_SPACE.test(name) && isNoteSafeText(name);
}

/** The recommended key ID: first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ signature type ‖ public key). */
export function noteKeyId(name: string, algorithm: number, publicKey: Uint8Array): number {
  return createHash('sha256').update(name, 'utf8').update(Uint8Array.of(0x0a, algorithm)).update(publicKey).digest().readUInt32BE(0);
}

/** A key ID as it appears in key strings: 8 lowercase hex digits. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Splits at the first separator; no separator gives [text, undefined]. */
function chop(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)];
}

function badKey(reason: string): NoteError {
  return new NoteError('MALFORMED_KEY', msg('log.malformedKey', { reason }), { reason });
}

function malformed(reason: string): NoteError {
  return new NoteError('MALFORMED_NOTE', msg('log.malformedNote', { reason }), { reason });
}

/** Parses "name+keyid+base64(type‖key)" (the verifier key form and the tail of the signer key form). */
function parseKeyFields(text: string): { name: string; keyId: number; key: Buffer } {
  const [name, rest] = chop(text, '+');
  if (rest === undefined) throw badKey('expected name+keyid+key');
  const [hex, key64] = chop(rest, '+');
  if (key64 === undefined) throw badKey('expected name+keyid+key');
  if (!isValidKeyName(name)) throw badKey('invalid key name');
  if (!HEX_KEY_ID.test(hex)) throw badKey('key ID must be 8 lowercase hex digits');
  const key = decodeBase64Strict(key64);
  if (key === undefined || key.length === 0) throw badKey('key is not canonical base64');
  if (key[0] !== NOTE_ALG_ED25519) throw badKey(`unsupported signature type 0x${key[0]!.toString(16).padStart(2, '0')}`);
  if (key.length !== 1 + ED25519_SEED_BYTES) throw badKey('Ed25519 key must be 32 bytes');
  return { name, keyId: Number.parseInt(hex, 16), key: key.subarray(1) };
}

// --- keys -----------------------------------------------------------------------------------------------------------

/** A verifier: a key name, its key ID and an Ed25519 public key, parsed into a KeyObject once. */
export class NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  readonly #key: KeyObject;

  private constructor(name: string, publicKey: Buffer, key: KeyObject) {
    this.name = name;
    this.publicKey = publicKey;
    this.keyId = noteKeyId(name, NOTE_ALG_ED25519, publicKey);
    this.#key = key;
  }

  /** Parses a verifier key string `name+keyid+base64(0x01‖pubkey)`; the key ID must match the name and key. */
  static fromKey(verifierKey: string): NoteVerifier {
    const { name, keyId, key } = parseKeyFields(verifierKey);
    const verifier = NoteVerifier.fromPublicKey(name, key);
    if (verifier.keyId !== keyId) throw badKey('key ID does not match name and key');
    return verifier;
  }

  /** A verifier for a raw 32-byte Ed25519 public key or an Ed25519 public KeyObject. */
  static fromPublicKey(name: string, publicKey: Uint8Array | KeyObject): NoteVerifier {
    if (!isValidKeyName(name)) throw badKey('invalid key name');
    let raw: Buffer;
    if (publicKey instanceof Uint8Array) {
      if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) throw badKey('Ed25519 key must be 32 bytes');
      raw = Buffer.from(publicKey);
    } else {
      if (publicKey.asymmetricKeyType !== 'ed25519') throw badKey('not an Ed25519 key');
      raw = rawPublicKey(publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey);
    }
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      throw badKey('not a valid Ed25519 public key');
    }
    return new NoteVerifier(name, raw, key);
  }

  /** The verifier key string: `name+keyid+base64(0x01‖pubkey)`. */
  get verifierKey(): string {
    const key = Buffer.concat([Uint8Array.of(NOTE_ALG_ED25519), this.publicKey]).toString('base64');
    return `${this.name}+${formatKeyId(this.keyId)}+${key}`;
  }

  /** Ed25519 verification (RFC 8032, OpenSSL through node:crypto) of a raw signature over message. */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
    return verify(null, message, this.#key, signature);
  }
}

/** A signer: key name, key ID and Ed25519 private key, parsed into a KeyObject once. Never holds the key string. */
export class NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly verifier: NoteVerifier;
  readonly #key: KeyObject;

  private constructor(name: string, key: KeyObject) {
    this.name = name;
    this.#key = key;
    this.verifier = NoteVerifier.fromPublicKey(name, createPublicKey(key));
    this.keyId = this.verifier.keyId;
  }

  /** Parses a signer key string `PRIVATE+KEY+name+keyid+base64(0x01‖seed)`; the key ID must match the derived public key. */
  static fromKey(signerKey: string): NoteSigner {
    if (!signerKey.startsWith(NOTE_SIGNER_KEY_PREFIX)) throw badKey('signer key must start with PRIVATE+KEY+');
    const { name, keyId, key } = parseKeyFields(signerKey.slice(NOTE_SIGNER_KEY_PREFIX.length));
    const signer = NoteSigner.fromSeed(name, key);
    if (signer.keyId !== keyId) throw badKey('key ID does not match name and key');
    return signer;
  }

  /** A signer from a raw 32-byte Ed25519 seed (RFC 8032 private key). */
  static fromSeed(name: string, seed: Uint8Array): NoteSigner {
    if (!isValidKeyName(name)) throw badKey('invalid key name');
    if (seed.length !== ED25519_SEED_BYTES) throw badKey('Ed25519 seed must be 32 bytes');
    const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
    try {
      return new NoteSigner(name, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    } finally {
      der.fill(0);
    }
  }

  /** The matching verifier key string. */
  get verifierKey(): string {
    return this.verifier.verifierKey;
  }

  /** Raw 64-byte Ed25519 signature over message (deterministic, RFC 8032). */
  sign(message: Uint8Array): Buffer {
    return sign(null, message, this.#key);
  }
}

function rawPublicKey(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
}

/** A fresh key pair for a name, as key strings. The signer key is secret: store it like any other private key. */
export function generateNoteKeys(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name)) throw badKey('invalid key name');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
  const verifier = NoteVerifier.fromPublicKey(name, publicKey);
  const packed = Buffer.concat([Uint8Array.of(NOTE_ALG_ED25519), seed]);
  const signerKey = `${NOTE_SIGNER_KEY_PREFIX}${name}+${formatKeyId(verifier.keyId)}+${packed.toString('base64')}`;
  seed.fill(0);
  packed.fill(0);
  return { signerKey, verifierKey: verifier.verifierKey };
}

// --- notes ----------------------------------------------------------------------------------------------------------

/** One signature line: who (name and key ID) and the base64 text as it appeared (key ID ‖ signature). */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly base64: string;
}

export interface OpenedNote {
  /** The signed text, including its final newline. Trust it only because `verified` is non-empty. */
  readonly body: string;
  /** Signatures by known keys, each verified, one per key, in note order. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by keys not in the verifier list (e.g. witnesses, rotated keys); not checked. Identical lines once. */
  readonly unknown: readonly NoteSignature[];
}

/**
 * Signs body with each signer and returns the note text: body, a blank line, one signature line per distinct key.
 * The body must be note-safe text ending in a newline; the result always opens under the same limits.
 */
export function signNote(body: string, signers: NoteSigner | readonly NoteSigner[]): string {
  const list = signers instanceof NoteSigner ? [signers] : signers;
  if (!body.endsWith('\n')) throw malformed('body must end with a newline');
  if (!isNoteSafeText(body)) throw malformed('body has a control character or invalid UTF-16');
  if (list.length === 0) throw malformed('at least one signer is required');
  const message = Buffer.from(body, 'utf8');
  const seen = new Set<string>();
  let lines = '';
  for (const signer of list) {
    const id = `${signer.name}+${formatKeyId(signer.keyId)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const keyId = Buffer.alloc(NOTE_KEY_ID_BYTES);
    keyId.writeUInt32BE(signer.keyId, 0);
    lines += `${NOTE_SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([keyId, signer.sign(message)]).toString('base64')}\n`;
  }
  if (seen.size > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const note = `${body}\n${lines}`;
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES) throw malformed(`note exceeds ${MAX_NOTE_BYTES} bytes`);
  return note;
}

const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Note bytes or text → validated text (UTF-8, size limit). */
function noteText(note: string | Uint8Array): string {
  if (typeof note === 'string') {
    if (note.length > MAX_NOTE_BYTES || Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES) throw malformed(`note exceeds ${MAX_NOTE_BYTES} bytes`);
    if (!isWellFormedText(note)) throw malformed('not valid UTF-8');
    return note;
  }
  if (note.length > MAX_NOTE_BYTES) throw malformed(`note exceeds ${MAX_NOTE_BYTES} bytes`);
  try {
    return UTF8_FATAL.decode(note);
  } catch {
    throw malformed('not valid UTF-8');
  }
}

/** Verifier lookup by (name, key ID); identical keys listed twice count once, different keys under one ID are ambiguous. */
function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier[]> {
  const byId = new Map<string, NoteVerifier[]>();
  for (const v of verifiers) {
    const id = `${v.name}+${formatKeyId(v.keyId)}`;
    const list = byId.get(id);
    if (list === undefined) byId.set(id, [v]);
    else if (!list.some((w) => w.publicKey.equals(v.publicKey))) list.push(v);
  }
  return byId;
}

/**
 * Parses a signed note and checks every signature by a known key (golang.org/x/mod/sumdb/note Open semantics).
 * Throws NoteError: MALFORMED_NOTE for any syntax or limit violation, INVALID_SIGNATURE when a known key's signature
 * fails (the whole note is refused), AMBIGUOUS_KEY for two different known keys under one name and ID, and
 * UNVERIFIED_NOTE when it parsed but no known key signed it. Unlike Go, a second, different signature line by an
 * already-verified key is verified too rather than skipped (the spec: "verifiers MUST verify the signature").
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const text = noteText(note);
  if (CONTROL_EXCEPT_NEWLINE.test(text)) throw malformed('control character');
  // The text is separated from the signatures by the last blank line; the text keeps its final newline.
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('signature block must be non-empty and end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);

  const known = indexVerifiers(verifiers);
  const message = Buffer.from(body, 'utf8');
  const verified: NoteSignature[] = [];
  const unknown: NoteSignature[] = [];
  const verifiedIds = new Set<string>();
  const seenLines = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(NOTE_SIGNATURE_PREFIX)) throw malformed('signature line must start with an em dash and a space');
    const [name, base64] = chop(line.slice(NOTE_SIGNATURE_PREFIX.length), ' ');
    if (!isValidKeyName(name)) throw malformed('invalid key name in signature line');
    const raw = base64 === undefined ? undefined : decodeBase64Strict(base64);
    if (base64 === undefined || raw === undefined || raw.length <= NOTE_KEY_ID_BYTES) throw malformed('signature is not base64 of key ID and signature');
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    const keyId = raw.readUInt32BE(0);
    const sig: NoteSignature = { name, keyId, base64 };
    const id = `${name}+${formatKeyId(keyId)}`;
    const candidates = known.get(id);
    if (candidates === undefined) {
      unknown.push(sig);
      continue;
    }
    if (candidates.length > 1) throw new NoteError('AMBIGUOUS_KEY', msg('log.ambiguousKey', { key: id }), { name, keyId });
    if (!candidates[0]!.verify(message, raw.subarray(NOTE_KEY_ID_BYTES))) {
      throw new NoteError('INVALID_SIGNATURE', msg('log.invalidSignature', { key: id }), { name, keyId });
    }
    if (verifiedIds.has(id)) continue;
    verifiedIds.add(id);
    verified.push(sig);
  }
  if (verified.length === 0) {
    // Who signed, against what the reader pinned: a wrong key pinned reads as such, not as a broken log.
    const signers = unknown.map((s) => `${s.name}+${formatKeyId(s.keyId)}`);
    const pinned = verifiers.map((v) => `${v.name}+${formatKeyId(v.keyId)}`);
    throw new NoteError('UNVERIFIED_NOTE', msg('log.unverifiedNote', { signers: signers.join(', '), pinned: pinned.length > 0 ? pinned.join(', ') : '—' }), {
      unknown: signers,
    });
  }
  return { body, verified, unknown };
}
