// Signed notes: the published golang.org/x/mod/sumdb/note vectors byte for byte, every malformed variant, round trips.
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64Strict,
  formatKeyId,
  generateNoteKeys,
  isValidKeyName,
  MAX_NOTE_BYTES,
  MAX_NOTE_SIGNATURES,
  NOTE_SIGNATURE_PREFIX,
  NoteError,
  noteKeyId,
  NoteSigner,
  NoteVerifier,
  openNote,
  signNote,
  type NoteErrorCode,
} from '../../src/log/note.js';

interface SumdbNoteFixture {
  peter: { name: string; keyId: string; signerKey: string; verifierKey: string };
  enoch: { name: string; keyId: string; verifierKey: string };
  text: string;
  peterSig: string;
  enochSig: string;
  signed: string;
  badVerifierKeys: Record<string, string>;
  keyPairs: { signerKey: string; verifierKey: string }[];
  c2spExample: { note: string; body: string; name: string };
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/sumdb-note.json', import.meta.url), 'utf8')) as SumdbNoteFixture;
const peter = NoteVerifier.fromKey(vectors.peter.verifierKey);
const peterSigner = NoteSigner.fromKey(vectors.peter.signerKey);
const enoch = NoteVerifier.fromKey(vectors.enoch.verifierKey);
const { text, peterSig, enochSig } = vectors;
const other = NoteSigner.fromKey(generateNoteKeys('Other').signerKey);

function codeOf(fn: () => unknown): NoteErrorCode | 'no error' | 'not a NoteError' {
  try {
    fn();
  } catch (err) {
    return err instanceof NoteError ? err.code : 'not a NoteError';
  }
  return 'no error';
}

/** Splices bytes into a UTF-8 string at a byte offset, as Go's string slicing does. */
function spliceAt(s: string, byteOffset: number, insert: string): string {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([b.subarray(0, byteOffset), Buffer.from(insert), b.subarray(byteOffset)]).toString('utf8');
}

/** A signature line with arbitrary name, key ID and signature bytes. */
function sigLine(name: string, keyId: number, sig: Uint8Array): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(keyId, 0);
  return `${NOTE_SIGNATURE_PREFIX}${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
}

describe('published vectors (golang.org/x/mod/sumdb/note)', () => {
  it('parses the PeterNeumann verifier key and derives its key ID', () => {
    expect(peter.name).toBe('PeterNeumann');
    expect(formatKeyId(peter.keyId)).toBe(vectors.peter.keyId);
    expect(peter.verifierKey).toBe(vectors.peter.verifierKey);
    expect(noteKeyId('PeterNeumann', 0x01, peter.publicKey)).toBe(0xc74f20a3);
  });

  it('derives the published verifier key from the published signer key', () => {
    expect(peterSigner.name).toBe('PeterNeumann');
    expect(peterSigner.keyId).toBe(0xc74f20a3);
    expect(peterSigner.verifierKey).toBe(vectors.peter.verifierKey);
  });

  it('reproduces the published signed note byte for byte (Ed25519 is deterministic)', () => {
    expect(signNote(text, peterSigner)).toBe(vectors.signed);
    expect(vectors.signed).toBe(`${text}\n${peterSig}`);
  });

  it('opens the published note', () => {
    const n = openNote(vectors.signed, [peter]);
    expect(n.body).toBe(text);
    expect(n.verified).toEqual([{ name: 'PeterNeumann', keyId: 0xc74f20a3, base64: peterSig.slice(15, -1) }]);
    expect(n.unknown).toEqual([]);
    expect(openNote(Buffer.from(vectors.signed, 'utf8'), [peter]).body).toBe(text);
  });

  it('verifies one signature and lists the other as unknown (TestOpen)', () => {
    const n = openNote(`${text}\n${peterSig}${enochSig}`, [peter]);
    expect(n.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(n.unknown).toEqual([{ name: 'EnochRoot', keyId: 0xaf0cfe78, base64: enochSig.slice(12, -1) }]);
  });

  it('verifies both when both keys are known', () => {
    const n = openNote(`${text}\n${peterSig}${enochSig}`, [peter, enoch]);
    expect(n.verified.map((s) => [s.name, formatKeyId(s.keyId)])).toEqual([
      ['PeterNeumann', 'c74f20a3'],
      ['EnochRoot', 'af0cfe78'],
    ]);
    expect(n.unknown).toEqual([]);
  });

  it('refuses a note no known key signed, naming the keys that did', () => {
    let caught: unknown;
    try {
      openNote(`${text}\n${peterSig}${enochSig}`, []);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(NoteError);
    expect((caught as NoteError).code).toBe('UNVERIFIED_NOTE');
    expect((caught as NoteError).message).toBe('note has no verifiable signatures: signed by PeterNeumann+c74f20a3, EnochRoot+af0cfe78, while the verifier key given is — (check that it is this log’s key)');
    expect((caught as NoteError).details).toEqual({ unknown: ['PeterNeumann+c74f20a3', 'EnochRoot+af0cfe78'] });
  });

  it('drops repeated identical signature lines (TestOpen, duplicated signatures)', () => {
    const enochABCD = spliceAt(enochSig, 60, 'ABCD');
    const n = openNote(`${text}\n${peterSig}${peterSig}${enochSig}${enochSig}${enochABCD}`, [peter]);
    expect(n.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(n.unknown.map((s) => s.base64)).toEqual([enochSig.slice(12, -1), enochABCD.slice(12, -1)]);
  });

  it('refuses an altered signature by a known key (TestOpen, invalid signature)', () => {
    const err = (() => {
      try {
        openNote(`${text}\n${spliceAt(peterSig, 60, 'ABCD')}`, [peter]);
      } catch (e) {
        return e as NoteError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('INVALID_SIGNATURE');
    expect(err?.message).toBe('invalid signature for key PeterNeumann+c74f20a3');
  });

  it('refuses more than 100 signatures, known or not (TestOpen)', () => {
    expect(codeOf(() => openNote(`${text}\n${peterSig.repeat(101)}`, [peter]))).toBe('MALFORMED_NOTE');
    expect(codeOf(() => openNote(`${text}\n${peterSig.repeat(101)}`, []))).toBe('MALFORMED_NOTE');
    expect(openNote(`${text}\n${peterSig.repeat(100)}`, [peter]).verified).toHaveLength(1);
  });

  it('refuses the malformed messages of TestOpen', () => {
    const bad: (string | Buffer)[] = [
      text,
      `${text}\n`,
      `${text}\n${peterSig.slice(0, -1)}`,
      `\x01${text}\n${peterSig}`,
      Buffer.concat([Buffer.from([0xff]), Buffer.from(`${text}\n${peterSig}`)]),
      `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${text}\n${peterSig}Unexpected line.\n`,
    ];
    for (const msg of bad) expect(codeOf(() => openNote(msg, [peter])), String(msg)).toBe('MALFORMED_NOTE');
  });

  it('refuses every proper substring and every one-character change of the verifier key (TestNewVerifier)', () => {
    const key = vectors.peter.verifierKey;
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        expect(codeOf(() => NoteVerifier.fromKey(key.slice(i, j))), key.slice(i, j)).toBe('MALFORMED_KEY');
      }
    }
    for (let i = 0; i < key.length; i++) {
      const mangled = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expect(codeOf(() => NoteVerifier.fromKey(mangled)), mangled).toBe('MALFORMED_KEY');
    }
    for (const [why, bad] of Object.entries(vectors.badVerifierKeys)) expect(codeOf(() => NoteVerifier.fromKey(bad)), why).toBe('MALFORMED_KEY');
  });

  it('refuses every proper substring and every one-character change of the signer key (TestNewSigner)', () => {
    const key = vectors.peter.signerKey;
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        expect(codeOf(() => NoteSigner.fromKey(key.slice(i, j))), key.slice(i, j)).toBe('MALFORMED_KEY');
      }
    }
    for (let i = 0; i < key.length; i++) {
      const mangled = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expect(codeOf(() => NoteSigner.fromKey(mangled)), mangled).toBe('MALFORMED_KEY');
    }
  });

  it('derives the verifier key of each key pair Go generated (transparency-dev/formats)', () => {
    for (const pair of vectors.keyPairs) {
      expect(NoteSigner.fromKey(pair.signerKey).verifierKey).toBe(pair.verifierKey);
      expect(NoteVerifier.fromKey(pair.verifierKey).verifierKey).toBe(pair.verifierKey);
    }
  });

  it('parses the c2sp.org example, whose key is unpublished, as unverified, and ignores a same-name key', () => {
    const sameName = NoteSigner.fromKey(generateNoteKeys(vectors.c2spExample.name).signerKey).verifier;
    let caught: NoteError | undefined;
    try {
      openNote(vectors.c2spExample.note, [sameName, peter]);
    } catch (err) {
      caught = err as NoteError;
    }
    expect(caught?.code).toBe('UNVERIFIED_NOTE');
    expect((caught?.details as { unknown: string[] }).unknown).toEqual([`${vectors.c2spExample.name}+367ba04b`]);
  });
});

describe('keys', () => {
  it('generates a consistent key pair', () => {
    const { signerKey, verifierKey } = generateNoteKeys('expert-draw.example/log');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+expert-draw\.example\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const signer = NoteSigner.fromKey(signerKey);
    const verifier = NoteVerifier.fromKey(verifierKey);
    expect(signer.verifierKey).toBe(verifierKey);
    expect(signer.keyId).toBe(verifier.keyId);
    const msg = Buffer.from('hi');
    const sig = signer.sign(msg);
    expect(verifier.verify(msg, sig)).toBe(true);
    sig[0]! ^= 1;
    expect(verifier.verify(msg, sig)).toBe(false);
    sig[0]! ^= 1;
    msg[0]! ^= 1;
    expect(verifier.verify(msg, sig)).toBe(false);
  });

  it('builds the same verifier from raw bytes, a public KeyObject or a private KeyObject', () => {
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), peter.publicKey]);
    const keyObject = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(NoteVerifier.fromPublicKey('PeterNeumann', keyObject).verifierKey).toBe(vectors.peter.verifierKey);
    expect(NoteVerifier.fromPublicKey('PeterNeumann', peter.publicKey).verifierKey).toBe(vectors.peter.verifierKey);
    expect(codeOf(() => NoteVerifier.fromPublicKey('PeterNeumann', peter.publicKey.subarray(1)))).toBe('MALFORMED_KEY');
  });

  it('applies the key name rules', () => {
    for (const good of ['PeterNeumann', 'sum.golang.org', 'example.com/log42', 'Señor-1', '日志']) expect(isValidKeyName(good), good).toBe(true);
    for (const bad of ['', 'a+b', 'a b', 'a\tb', 'a\nb', 'a\u00a0b', 'a\u2003b', 'a\u3000b', 'a\u0085b', 'a\x01b', 'a\ud800b']) {
      expect(isValidKeyName(bad), JSON.stringify(bad)).toBe(false);
      expect(codeOf(() => generateNoteKeys(bad)), JSON.stringify(bad)).toBe('MALFORMED_KEY');
    }
  });

  it('is strict about key strings where Go is lenient or silent', () => {
    const [name, hex, b64] = vectors.peter.verifierKey.split('+') as [string, string, string];
    expect(codeOf(() => NoteVerifier.fromKey(`${name}+${hex.toUpperCase()}+${b64}`))).toBe('MALFORMED_KEY');
    expect(codeOf(() => NoteVerifier.fromKey(`${name}+${hex}+${b64}\n`))).toBe('MALFORMED_KEY');
    expect(codeOf(() => NoteVerifier.fromKey(`${name}+${hex}+ ${b64}`))).toBe('MALFORMED_KEY');
    expect(codeOf(() => NoteVerifier.fromKey(vectors.peter.signerKey))).toBe('MALFORMED_KEY');
    expect(codeOf(() => NoteSigner.fromKey(vectors.peter.verifierKey))).toBe('MALFORMED_KEY');
    // Right form and sizes, key ID of another name.
    expect(codeOf(() => NoteVerifier.fromKey(`EnochRoot+${hex}+${b64}`))).toBe('MALFORMED_KEY');
  });

  it('decodes only canonical standard base64', () => {
    expect(decodeBase64Strict('YWJj')).toEqual(Buffer.from('abc'));
    expect(decodeBase64Strict('YWI=')).toEqual(Buffer.from('ab'));
    expect(decodeBase64Strict('')).toEqual(Buffer.alloc(0));
    for (const bad of ['YWI', 'YWJ=', 'YW==x', 'YW I=', 'YW\nI=', '-_8=', 'YQ=', 'YQ===', '====']) expect(decodeBase64Strict(bad), bad).toBeUndefined();
  });

  it('keeps the private key out of JSON and inspection', () => {
    const seed64 = vectors.peter.signerKey.split('+').slice(4).join('+');
    expect(seed64).toHaveLength(44);
    expect(JSON.stringify(peterSigner)).not.toContain(seed64.slice(4, 24));
    expect(Object.values(peterSigner).some((v) => typeof v === 'string' && v.includes('PRIVATE'))).toBe(false);
  });
});

describe('signNote', () => {
  it('signs with several keys in order and once per key', () => {
    const note = signNote(text, [peterSigner, other, peterSigner]);
    const lines = note.slice(text.length + 1).split('\n');
    expect(lines).toHaveLength(3);
    expect(`${lines[0]}\n`).toBe(peterSig);
    expect(lines[1]!.startsWith(`${NOTE_SIGNATURE_PREFIX}Other `)).toBe(true);
    expect(openNote(note, [peter, other.verifier]).verified).toHaveLength(2);
  });

  it('refuses bodies it could not open again', () => {
    expect(codeOf(() => signNote('abc', peterSigner))).toBe('MALFORMED_NOTE');
    expect(codeOf(() => signNote('', peterSigner))).toBe('MALFORMED_NOTE');
    expect(codeOf(() => signNote('a\r\n', peterSigner))).toBe('MALFORMED_NOTE');
    expect(codeOf(() => signNote('a\x00\n', peterSigner))).toBe('MALFORMED_NOTE');
    expect(codeOf(() => signNote('a\ud800\n', peterSigner))).toBe('MALFORMED_NOTE');
    expect(codeOf(() => signNote(text, []))).toBe('MALFORMED_NOTE');
    expect(codeOf(() => signNote(`${'x'.repeat(MAX_NOTE_BYTES)}\n`, peterSigner))).toBe('MALFORMED_NOTE');
  });

  it('keeps blank lines and look-alike signature lines inside the body', () => {
    const tricky = `a\n\nb\n\n${peterSig}\n`;
    const n = openNote(signNote(tricky, peterSigner), [peter]);
    expect(n.body).toBe(tricky);
    expect(n.verified).toHaveLength(1);
    expect(openNote(signNote('\n', peterSigner), [peter]).body).toBe('\n');
  });
});

describe('openNote refuses', () => {
  const signed = vectors.signed;
  const sigB64 = peterSig.slice(15, -1);
  const raw = Buffer.from(sigB64, 'base64');
  const cases: [string, string | Buffer, NoteErrorCode][] = [
    ['a missing final newline', signed.slice(0, -1), 'MALFORMED_NOTE'],
    ['a missing blank line', `${text}${peterSig}`, 'MALFORMED_NOTE'],
    ['an empty signature block', `${text}\n`, 'MALFORMED_NOTE'],
    ['a trailing blank line', `${signed}\n`, 'MALFORMED_NOTE'],
    ['an en dash', signed.replace('\u2014', '\u2013'), 'MALFORMED_NOTE'],
    ['a hyphen', signed.replace('\u2014', '-'), 'MALFORMED_NOTE'],
    ['two hyphens', signed.replace('\u2014', '--'), 'MALFORMED_NOTE'],
    ['an em dash without the space', signed.replace('\u2014 ', '\u2014'), 'MALFORMED_NOTE'],
    ['an em dash with two spaces', signed.replace('\u2014 ', '\u2014  '), 'MALFORMED_NOTE'],
    ['a leading space on the signature line', signed.replace('\u2014', ' \u2014'), 'MALFORMED_NOTE'],
    ['two spaces before the signature', signed.replace('PeterNeumann ', 'PeterNeumann  '), 'MALFORMED_NOTE'],
    ['a trailing space after the signature', signed.replace('=\n', '= \n'), 'MALFORMED_NOTE'],
    ['no signature after the name', `${text}\n\u2014 PeterNeumann\n`, 'MALFORMED_NOTE'],
    ['an empty signature', `${text}\n\u2014 PeterNeumann \n`, 'MALFORMED_NOTE'],
    ['a base64 character outside the alphabet', signed.replace('x08go', 'x08g!'), 'MALFORMED_NOTE'],
    ['URL-safe base64', signed.replace('/', '_'), 'MALFORMED_NOTE'],
    ['missing base64 padding', signed.replace('=\n', '\n'), 'MALFORMED_NOTE'],
    ['non-canonical base64 trailing bits', signed.replace('nAM=\n', 'nAN=\n'), 'MALFORMED_NOTE'],
    ['a key ID and no signature', `${text}\n${NOTE_SIGNATURE_PREFIX}PeterNeumann ${raw.subarray(0, 4).toString('base64')}\n`, 'MALFORMED_NOTE'],
    ['an invalid key name', signed.replace('PeterNeumann', 'Peter+Neumann'), 'MALFORMED_NOTE'],
    ['CRLF line endings', signed.replaceAll('\n', '\r\n'), 'MALFORMED_NOTE'],
    ['a NUL byte', `${text.slice(0, 5)}\x00${signed.slice(5)}`, 'MALFORMED_NOTE'],
    ['invalid UTF-8', Buffer.concat([Buffer.from(signed).subarray(0, 10), Buffer.from([0xc3, 0x28]), Buffer.from(signed).subarray(10)]), 'MALFORMED_NOTE'],
    ['a lone surrogate', `\ud800${signed}`, 'MALFORMED_NOTE'],
    ['an over-long note (string)', `${'x'.repeat(MAX_NOTE_BYTES)}\n\n${peterSig}`, 'MALFORMED_NOTE'],
    ['an over-long note (bytes)', Buffer.from(`${'x'.repeat(MAX_NOTE_BYTES)}\n\n${peterSig}`), 'MALFORMED_NOTE'],
    ['an over-long note in multi-byte characters', `${'\u4e2d'.repeat(MAX_NOTE_BYTES / 3 + 1)}\n\n${peterSig}`, 'MALFORMED_NOTE'],
    ['a changed body', signed.replace('cryptography', 'Cryptography'), 'INVALID_SIGNATURE'],
    ['a body without its last line', `${text.split('\n')[0]}\n\n${peterSig}`, 'INVALID_SIGNATURE'],
    ['a truncated signature (63 bytes)', `${text}\n${sigLine('PeterNeumann', 0xc74f20a3, raw.subarray(4, -1))}`, 'INVALID_SIGNATURE'],
    ['a one-byte signature', `${text}\n${sigLine('PeterNeumann', 0xc74f20a3, raw.subarray(4, 5))}`, 'INVALID_SIGNATURE'],
    ['an over-long signature (65 bytes)', `${text}\n${sigLine('PeterNeumann', 0xc74f20a3, Buffer.concat([raw.subarray(4), Buffer.of(0)]))}`, 'INVALID_SIGNATURE'],
    ['a signature by another key under the known name and key ID', `${text}\n${sigLine('PeterNeumann', 0xc74f20a3, other.sign(Buffer.from(text)))}`, 'INVALID_SIGNATURE'],
    ['a valid signature followed by a different, bad one by the same key', `${signed}${sigLine('PeterNeumann', 0xc74f20a3, other.sign(Buffer.from(text)))}`, 'INVALID_SIGNATURE'],
    ['the right signature under the wrong key ID (so an unknown key)', `${text}\n${sigLine('PeterNeumann', 0xc74f20a4, raw.subarray(4))}`, 'UNVERIFIED_NOTE'],
    ['the right signature under another name (so an unknown key)', `${text}\n${sigLine('PeterNeuman', 0xc74f20a3, raw.subarray(4))}`, 'UNVERIFIED_NOTE'],
    ['a signature by an unknown key only', signNote(text, other), 'UNVERIFIED_NOTE'],
  ];
  for (const [what, note, code] of cases) {
    it(what, () => {
      expect(codeOf(() => openNote(note, [peter]))).toBe(code);
    });
  }

  it('an empty verifier list', () => {
    expect(codeOf(() => openNote(signed, []))).toBe('UNVERIFIED_NOTE');
  });

  it('101 signature lines even when 100 of them would be unknown', () => {
    const unknownLines = Array.from({ length: MAX_NOTE_SIGNATURES }, (_, i) => sigLine(`w${i}`, i, Buffer.alloc(64, i)));
    expect(codeOf(() => openNote(`${signed}${unknownLines.join('')}`, [peter]))).toBe('MALFORMED_NOTE');
    const n = openNote(`${signed}${unknownLines.slice(1).join('')}`, [peter]);
    expect(n.verified).toHaveLength(1);
    expect(n.unknown).toHaveLength(MAX_NOTE_SIGNATURES - 1);
  });

  it('two different known keys under one name and key ID (AMBIGUOUS_KEY), but not one key listed twice', () => {
    // Deterministic 32-bit key ID collision, found by a birthday search over SHA-256("ambiguous-" ‖ i) as public keys.
    const keyA = createHash('sha256').update('ambiguous-24985').digest();
    const keyB = createHash('sha256').update('ambiguous-25526').digest();
    const a = NoteVerifier.fromPublicKey('twin', keyA);
    const b = NoteVerifier.fromPublicKey('twin', keyB);
    expect(a.keyId).toBe(b.keyId);
    const note = `${text}\n${sigLine('twin', a.keyId, Buffer.alloc(64))}`;
    expect(codeOf(() => openNote(note, [a, b]))).toBe('AMBIGUOUS_KEY');
    expect(openNote(signed, [peter, peter, NoteVerifier.fromKey(vectors.peter.verifierKey)]).verified).toHaveLength(1);
    expect(openNote(signed, [peter, a, b]).verified).toHaveLength(1);
  });
});

describe('native crypto only', () => {
  it('imports nothing but node:crypto, its sibling module, the error codes and their messages', () => {
    for (const file of ['note.ts', 'checkpoint.ts']) {
      const src = readFileSync(new URL(`../../src/log/${file}`, import.meta.url), 'utf8');
      const specifiers = [...src.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
      expect(specifiers.length).toBeGreaterThan(0);
      for (const s of specifiers) expect(['node:crypto', './note.js', '../errors.js', '../i18n/message.js'], `${file} imports ${s}`).toContain(s);
    }
  });

  it('produces signatures that bare node:crypto verifies with the raw published key', () => {
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), peter.publicKey]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const sig = Buffer.from(peterSig.slice(15, -1), 'base64').subarray(4);
    expect(cryptoVerify(null, Buffer.from(text), key, sig)).toBe(true);
    expect(sig.equals(peterSigner.sign(Buffer.from(text)))).toBe(true);
  });
});

describe('properties', () => {
  const lineChar = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s.replace(/[\u0000-\u001f]/g, ''));
  const body = fc.array(lineChar, { minLength: 1, maxLength: 8 }).map((lines) => `${lines.join('\n')}\n`);

  it('sign then open returns the body, for any note-safe body', () => {
    fc.assert(
      fc.property(body, (b) => {
        const n = openNote(signNote(b, [peterSigner, other]), [peter, other.verifier]);
        expect(n.body).toBe(b);
        expect(n.verified.map((s) => s.name)).toEqual(['PeterNeumann', 'Other']);
      }),
      { numRuns: 200 },
    );
  });

  it('any single-byte change to a signed note is refused', () => {
    const bytes = Buffer.from(signNote(`${text}extra line \u4e2d\n`, peterSigner), 'utf8');
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, delta) => {
        const mutated = Buffer.from(bytes);
        mutated[i] = (mutated[i]! + delta) & 0xff;
        expect(codeOf(() => openNote(mutated, [peter]))).not.toBe('no error');
      }),
      { numRuns: 500 },
    );
  });

  it('every truncation of a signed note is refused', () => {
    const bytes = Buffer.from(vectors.signed, 'utf8');
    for (let n = 0; n < bytes.length; n++) expect(codeOf(() => openNote(bytes.subarray(0, n), [peter])), `length ${n}`).not.toBe('no error');
  });
});
