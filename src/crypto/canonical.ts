// RFC 8785 (JSON Canonicalization Scheme) and SHA-256 helpers shared by the draw and the log.
import { createHash } from 'node:crypto';
import canonicalizeJson from 'canonicalize';

/** RFC 8785 canonical JSON of a value. Throws on values JSON cannot carry (undefined, functions). */
export function jcs(value: unknown): string {
  const text = canonicalizeJson(value);
  if (text === undefined) throw new TypeError('value has no canonical JSON form');
  return text;
}

export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical JSON of a value, as hex. */
export function jcsHashHex(value: unknown): string {
  return sha256Hex(jcs(value));
}
