// UTF-8 bytes of JSON as one-byte text (src/verify/json-text.ts): the text handed to JSON.parse (non-ASCII written as
// \u escapes) parses to exactly what the UTF-8 decoding parses to, or fails exactly when that fails — for any bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/verify/json-text.js';

const outcome = (text: string): { value: unknown } | { error: true } => {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: true };
  }
};
const same = (bytes: Buffer): void => {
  expect(outcome(jsonText(bytes))).toEqual(outcome(bytes.toString('utf8')));
};

/** Pieces of JSON and of what is not: quotes, backslashes, escapes, characters of every UTF-8 length, broken sequences. */
const PIECES: Array<string | number[]> = ['"', '\\', '\\u', '00', 'e9', 'u', 'a', '1', ' ', '{', '}', '[', ']', ':', ',', 'null', '"k":', 'é', '—', '中', '😀', '\u2028', '\ufeff', '\ud7ff', [0x80], [0xc3], [0xe2, 0x80], [0xf0, 0x9f, 0x98], [0xff], [0xed, 0xa0, 0x80]];
const piece = fc.constantFrom(...PIECES).map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)));

describe('jsonText', () => {
  it('parses like the UTF-8 text for JSON values holding any characters', () => {
    fc.assert(fc.property(fc.json(), (json) => same(Buffer.from(json, 'utf8'))), { numRuns: 500 });
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' })), (strings) => same(Buffer.from(JSON.stringify({ strings, note: 'size 3\n— expert-draw.localhost/log' }), 'utf8'))));
  });

  it('fails or parses like the UTF-8 text for any bytes: escapes, backslashes, broken sequences, non-ASCII outside strings', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => same(Buffer.concat(pieces))), { numRuns: 3000 });
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => same(Buffer.concat([Buffer.from('{"a":"'), ...pieces, Buffer.from('"}')]))), { numRuns: 3000 });
  });

  it('keeps the cases an escape would change: after a backslash, and across the chunks it scans', () => {
    for (const text of ['"\\—"', '"\\\\—"', '"a\\—b"', '—', '"—"', '["—",1]']) same(Buffer.from(text, 'utf8'));
    expect(JSON.parse(jsonText(Buffer.from('"\\\\—"', 'utf8')))).toBe('\\—');
    // A run of non-ASCII bytes that straddles the 4 KiB chunks the scan reads.
    const long = `"${'x'.repeat(4093)}${'—'.repeat(3000)}${'y'.repeat(5000)}—"`;
    expect(JSON.parse(jsonText(Buffer.from(long, 'utf8')))).toBe(JSON.parse(long));
  });
});
