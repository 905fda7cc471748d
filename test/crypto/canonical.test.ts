// The service's own RFC 8785 serialiser (src/crypto/canonical.ts) against the RFC's examples and, over random JSON,
// against the `canonicalize` package it replaced on the hot path: the same text, and a refusal where it refuses.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalText, jcs } from '../../src/crypto/canonical.js';

/** The package's answer: its text, or that it threw. */
function reference(value: unknown): string | 'threw' {
  try {
    return canonicalize(value) ?? 'threw';
  } catch {
    return 'threw';
  }
}

function ours(value: unknown): string | 'threw' {
  try {
    return jcs(value);
  } catch {
    return 'threw';
  }
}

describe('jcs (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Read in the text itself: JSON.parse would put the integer-like key first whatever the text says.
    const text = jcs(value);
    const positions = ['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(`"${k}":`));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
  });

  it('writes numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [333333333.3333333, '333333333.3333333'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [-1.7976931348623157e308, '-1.7976931348623157e+308'],
    ];
    for (const [n, text] of cases) expect(jcs(n)).toBe(text);
  });

  it('the RFC 8785 §3.2.2 example', () => {
    const value = { numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001], string: '\u20ac$\u000f\u000aA\'\u0042\u0022\u005c\\"/', literals: [null, true, false] };
    expect(jcs(value)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('refuses what has no canonical form', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity, 'a\ud800', { ['\udc00']: 1 }, [1, 'x\udbff'], 10n, undefined, () => 1, Symbol('s')]) {
      expect(() => jcs(bad)).toThrow(TypeError);
    }
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { back: cycle };
    expect(() => jcs(cycle)).toThrow(TypeError);
    // The same object twice, side by side, is no cycle.
    const shared = { x: 1 };
    expect(jcs({ a: shared, b: [shared, shared] })).toBe('{"a":{"x":1},"b":[{"x":1},{"x":1}]}');
  });

  it('omits what JSON omits, and uses toJSON', () => {
    expect(jcs({ b: undefined, a: [undefined, 1], c: new Date(Date.UTC(2030, 0, 2)) })).toBe('{"a":[null,1],"c":"2030-01-02T00:00:00.000Z"}');
  });

  it('escapes in ASCII exactly as JSON.stringify: quote, backslash, control characters; DEL and the rest as they are', () => {
    for (const s of ['plain text 0-9 A-Z a-z ~!#$%&()*+,-./:;<=>?@[]^_`{|}', 'a"b', 'a\\b', '"', '\\', 'tab\there', 'nl\n', 'nul\u0000', 'us\u001f', 'del\u007f', '']) {
      expect(jcs(s)).toBe(JSON.stringify(s));
      expect(jcs({ [s]: s })).toBe(`{${JSON.stringify(s)}:${JSON.stringify(s)}}`);
    }
    // Every ASCII string, the plain and the escaped alike, as keys and values, against the package.
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(ascii, fc.oneof(ascii, fc.double(), fc.integer()), { maxKeys: 6 }), (value) => {
        expect(ours(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('orders the keys of small and large objects alike (insertion up to 16 keys, the array sort above)', () => {
    // Keys of every kind of code unit, integer-like ones too, in the order they were added: shuffled by fast-check.
    const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }), fc.nat(200).map(String), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 3 }));
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 40 }), (keys) => {
        const value = Object.fromEntries(keys.map((k, i) => [k, i]));
        expect(ours(value)).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
    // Already in order, in reverse, and one out of place, on both sides of 16.
    for (const n of [2, 16, 17, 40]) {
      const sorted = Array.from({ length: n }, (_, i) => `k${String(i).padStart(2, '0')}`);
      for (const keys of [sorted, [...sorted].reverse(), [...sorted.slice(1), sorted[0]!]]) {
        const value = Object.fromEntries(keys.map((k) => [k, k]));
        expect(jcs(value)).toBe(`{${sorted.map((k) => `"${k}":"${k}"`).join(',')}}`);
      }
    }
  });

  it('equals the canonicalize package on random JSON, refusals included', () => {
    // Full Unicode strings, lone surrogates among them (both must refuse those), any doubles, deep nesting, many keys.
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }));
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double(), fc.integer(), text, tie('array'), tie('object')),
      array: fc.array(tie('json'), { maxLength: 6 }),
      object: fc.dictionary(text, tie('json'), { maxKeys: 8 }),
    }));
    fc.assert(
      fc.property(json, (value) => {
        expect(ours(value)).toBe(reference(value));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('isCanonicalText over long lists of strings (compared in slices)', () => {
  // 2,000 lines with tabs, line feeds, quotes, backslashes, a control character and non-ASCII: several slices.
  const lines = Array.from({ length: 2000 }, (_, i) => `E${String(i).padStart(7, '0')}\t"q"\\\t—é\u001f\n`);
  const value = { payload: { lines, tail: 'x' } };
  const text = jcs(value);

  it('accepts the canonical text', () => {
    expect(isCanonicalText(JSON.parse(text), text)).toBe(true);
  });

  it('refuses a text equal but for one escape, wherever it stands, or a space between two slices', () => {
    for (const at of [0, 511, 512, 513, 1023, 1024, 1999]) {
      const line = JSON.stringify(lines[at]);
      // A longer escape, and one of the same length (upper-case hex: RFC 8785 writes lower case).
      for (const other of [text.replace(line, line.replace('\\t', '\\u0009')), text.replace(line, line.replace('\\u001f', '\\u001F'))]) {
        expect(other).not.toBe(text);
        expect(JSON.parse(other)).toEqual(value);
        expect(isCanonicalText(JSON.parse(other), other)).toBe(false);
      }
    }
    const spaced = text.replace(`${JSON.stringify(lines[511])},`, `${JSON.stringify(lines[511])}, `);
    expect(isCanonicalText(JSON.parse(spaced), spaced)).toBe(false);
  });

  it('refuses a lone surrogate in a late slice, as RFC 8785 does', () => {
    const bad = { payload: { lines: [...lines.slice(0, 1500), 'a\ud800', ...lines.slice(1500)], tail: 'x' } };
    const written = JSON.stringify(bad);
    expect(isCanonicalText(JSON.parse(written), written)).toBe(false);
  });
});
