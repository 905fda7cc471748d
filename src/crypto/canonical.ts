// RFC 8785 (JSON Canonicalization Scheme) and SHA-256 helpers shared by the draw and the log.
import { hash } from 'node:crypto';

/**
 * RFC 8785 canonical JSON of a value. Throws on values JSON cannot carry (undefined, functions, symbols, bigint),
 * on numbers that are not finite, on strings (values or keys) holding a lone surrogate, and on cycles.
 *
 * Written here rather than taken from a package because every draw runs it several times (its log entries, the
 * sealed content, the result commitment): the `canonicalize` package allocates a Set per key and scans every string
 * character by character in JavaScript, and was a tenth of a burst of due draws. Strings and numbers are what
 * JSON.stringify writes (RFC 8785 §3.2.2 adopts ECMAScript's serialisation); keys sort by UTF-16 code units, which is
 * what Array.prototype.sort does with strings (§3.2.3). test/crypto/canonical.test.ts holds it to the package's output.
 * The shortcuts (a number's ECMAScript string, a plain ASCII string written between quotes, a key's text kept) make
 * the 21 calls of a draw's calls.placed entry about twice as fast to write as JSON.stringify on every piece.
 */
export function jcs(value: unknown): string {
  const text = canonical(value, []);
  if (text === undefined) throw new TypeError('value has no canonical JSON form');
  return text;
}

/** The canonical text of `value`, or undefined for what JSON omits (undefined, a function, a symbol). */
function canonical(value: unknown, path: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no canonical JSON form`);
      // ECMAScript's Number::toString, which JSON.stringify writes for a finite number (-0 included: "0").
      return '' + value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('a bigint has no canonical JSON form');
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  // The objects from the root down to this one: meeting one again is a cycle.
  if (path.includes(value)) throw new TypeError('circular reference');
  path.push(value);
  let text: string;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    text = canonical((value as { toJSON(): unknown }).toJSON(), path) ?? 'null';
  } else if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) {
      // As JSON.stringify: what JSON omits stands as null in an array.
      text += (i === 0 ? '' : ',') + (canonical(value[i], path) ?? 'null');
    }
    text += ']';
  } else {
    text = '{';
    let first = true;
    const keys = Object.keys(value);
    if (keys.length > 1) sortKeys(keys);
    for (const key of keys) {
      const member = canonical((value as Record<string, unknown>)[key], path);
      // As JSON.stringify: a member whose value JSON omits is left out.
      if (member === undefined) continue;
      text += (first ? '' : ',') + keyText(key) + ':' + member;
      first = false;
    }
    text += '}';
  }
  path.pop();
  return text;
}

/**
 * Sorts keys in place by UTF-16 code units, as Array.prototype.sort does strings (`<` compares them the same way). An
 * object's few keys by insertion, most often already in order: V8's sort copies every array it sorts, which was an
 * eighth of the bytes a draw allocates (heap sampling, stop 46).
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    if (keys[j]! <= key) continue;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

/** Printable ASCII but the quote and the backslash: JSON.stringify writes such a string as it is, between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function canonicalString(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  // JSON.stringify would escape a lone surrogate (\udxxx); RFC 8785 requires valid Unicode, so it is refused.
  if (!s.isWellFormed()) throw new TypeError('a string holds a lone surrogate');
  return JSON.stringify(s);
}

/**
 * Whether JSON text may hold a lone surrogate: only through a \uD800–\uDFFF escape, since UTF-8 bytes cannot encode
 * one. A cheap test on the text before the walk below.
 */
export function mayHoldLoneSurrogate(jsonText: string): boolean {
  return /\\u[dD][89a-fA-F]/.test(jsonText);
}

/** Whether a parsed JSON value holds a lone surrogate in any string, key or value: text `jcs` refuses to canonicalize. */
export function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return !value.isWellFormed();
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsLoneSurrogate);
  for (const [key, member] of Object.entries(value)) if (!key.isWellFormed() || holdsLoneSurrogate(member)) return true;
  return false;
}

/** The canonical text of object keys met so far: entries and records use a few dozen names over and over. */
const keyTexts = new Map<string, string>();
/** Keys that are data (ids as keys) would fill the map: past this size, no more are kept. */
const KEY_TEXTS_MAX = 1024;

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = canonicalString(key);
    if (keyTexts.size < KEY_TEXTS_MAX) keyTexts.set(key, text);
  }
  return text;
}

export function sha256(data: string | Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

/** One-shot (no Hash object): a draw hashes each of its response tokens. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** SHA-256 of the canonical JSON of a value, as hex. */
export function jcsHashHex(value: unknown): string {
  return sha256Hex(jcs(value));
}

/**
 * Arrays whose RFC 8785 canonical JSON the caller already knows (e.g. a long list it checked before), or undefined.
 * The caller vouches that it is canonical (in particular that no string in it holds a lone surrogate).
 */
export type KnownJson = (array: readonly unknown[]) => string | undefined;

/**
 * Position after the canonical JSON of `value` when `text` holds it at `pos`, or -1. Compares piece by piece without
 * building the whole text: JSON.stringify writes strings and finite numbers exactly as RFC 8785 does, so only the
 * key order and the separators are checked by hand.
 */
function matchCanonical(value: unknown, text: string, pos: number, known: KnownJson | undefined): number {
  // A slice compared whole: far faster than startsWith for long pieces. JSON.stringify escapes a lone surrogate
  // (\udxxx) where RFC 8785 refuses the string: such a piece is left to the full canonicalisation.
  const same = (s: string) => (text.slice(pos, pos + s.length) === s ? pos + s.length : -1);
  const piece = (s: string | undefined) => (s === undefined || s.includes('\\ud') ? -1 : same(s));
  if (value === null || typeof value !== 'object') return piece(JSON.stringify(value));
  if (Array.isArray(value)) {
    const json = known?.(value);
    if (json !== undefined) return same(json);
    if (value.every((x) => typeof x === 'string')) return matchStrings(value as string[], text, pos);
    if (text.charCodeAt(pos++) !== 0x5b) return -1;
    for (let i = 0; i < value.length; i++) {
      if (i > 0 && text.charCodeAt(pos++) !== 0x2c) return -1;
      pos = matchCanonical(value[i], text, pos, known);
      if (pos < 0) return -1;
    }
    return text.charCodeAt(pos) === 0x5d ? pos + 1 : -1;
  }
  if (text.charCodeAt(pos++) !== 0x7b) return -1;
  let previous: string | undefined;
  for (const key in value) {
    // Keys as JSON.parse gave them: strictly ascending by UTF-16 code units, or the text was not canonical.
    if (previous !== undefined && (!(previous < key) || text.charCodeAt(pos++) !== 0x2c)) return -1;
    previous = key;
    pos = piece(JSON.stringify(key));
    if (pos < 0 || text.charCodeAt(pos++) !== 0x3a) return -1;
    pos = matchCanonical((value as Record<string, unknown>)[key], text, pos, known);
    if (pos < 0) return -1;
  }
  return text.charCodeAt(pos) === 0x7d ? pos + 1 : -1;
}

/**
 * matchCanonical for an array of strings: JSON.stringify writes each as RFC 8785 does, so the array's text is compared
 * slice by slice, STRING_SLICE strings at a time. One text of a long list (the selection lines of a long history) would
 * be over 128 KiB: a large object to V8, on pages mapped afresh for each, whose first touch is a page fault each.
 */
function matchStrings(value: readonly string[], text: string, pos: number): number {
  if (text.charCodeAt(pos++) !== 0x5b) return -1;
  for (let from = 0; from < value.length; from += STRING_SLICE) {
    if (from > 0 && text.charCodeAt(pos++) !== 0x2c) return -1;
    const json = JSON.stringify(from === 0 && value.length <= STRING_SLICE ? value : value.slice(from, from + STRING_SLICE));
    // JSON.stringify escapes a lone surrogate (\udxxx) where RFC 8785 refuses the string: left to the full check.
    if (json.includes('\\ud')) return -1;
    const inner = json.slice(1, -1);
    if (text.slice(pos, pos + inner.length) !== inner) return -1;
    pos += inner.length;
  }
  return text.charCodeAt(pos) === 0x5d ? pos + 1 : -1;
}
const STRING_SLICE = 512;

/**
 * The piece-by-piece comparison alone: true means `text` is the canonical JSON of `value` (with `known` arrays written
 * as it says); false may also mean "undecided" (see isCanonicalText).
 */
export function matchesCanonical(value: unknown, text: string, known?: KnownJson): boolean {
  return matchCanonical(value, text, 0, known) === text.length;
}

/**
 * Whether `text` is exactly the RFC 8785 canonical JSON of `value`, where `value` is JSON.parse(text). Fast for
 * canonical text; what the piecewise comparison cannot decide (escaped surrogates, integer-like keys, which JSON.parse
 * reorders) goes to the full canonicalisation. `known` may supply the canonical JSON of long arrays checked before.
 */
export function isCanonicalText(value: unknown, text: string, known?: KnownJson): boolean {
  if (matchesCanonical(value, text, known)) return true;
  try {
    return jcs(value) === text;
  } catch {
    return false;
  }
}
