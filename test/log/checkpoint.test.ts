// Checkpoints: a real sum.golang.org tree head, the Go tlog golden body, strict parsing, signing bound to one origin.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  CheckpointSigner,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type Checkpoint,
  type CheckpointErrorCode,
} from '../../src/log/checkpoint.js';
import { generateNoteKeys, NoteError, NoteSigner, NoteVerifier, openNote, signNote, type NoteErrorCode } from '../../src/log/note.js';

interface CheckpointFixture {
  sumdb: {
    verifierKey: string;
    origin: string;
    size: number;
    rootHash: string;
    note: string;
    cosigners: { verifierKey: string; line: string }[];
    unknownLines: string[];
  };
  tlogFormatTree: { leaf: string; body: string };
  c2spExample: { note: string; origin: string; size: number; rootHash: string };
  transparencyDevRejected: { bodies: string[] };
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/checkpoints.json', import.meta.url), 'utf8')) as CheckpointFixture;
const sumdb = NoteVerifier.fromKey(vectors.sumdb.verifierKey);
const PETER_SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ORIGIN = 'expert-draw.example/log';
const logKeys = generateNoteKeys(ORIGIN);
const signer = CheckpointSigner.fromKey(logKeys.signerKey);
const logVerifier = NoteVerifier.fromKey(logKeys.verifierKey);
const root = createHash('sha256').update('root').digest();

function codeOf(fn: () => unknown): CheckpointErrorCode | NoteErrorCode | 'no error' | 'not a typed error' {
  try {
    fn();
  } catch (err) {
    return err instanceof CheckpointError || err instanceof NoteError ? err.code : 'not a typed error';
  }
  return 'no error';
}

describe('published vectors', () => {
  it('formats and parses the Go tlog golden tree body (sumdb/tlog TestFormatTree)', () => {
    const rootHash = createHash('sha256').update(Uint8Array.of(0x00)).update(vectors.tlogFormatTree.leaf).digest();
    const cp: Checkpoint = { origin: 'go.sum database tree', size: 123456789012, rootHash, extensions: [] };
    expect(formatCheckpoint(cp)).toBe(vectors.tlogFormatTree.body);
    expect(parseCheckpoint(vectors.tlogFormatTree.body)).toEqual(cp);
  });

  it('opens a real sum.golang.org checkpoint with its published key', () => {
    const { checkpoint, note } = openCheckpoint(vectors.sumdb.note, sumdb, vectors.sumdb.origin);
    expect(checkpoint.origin).toBe('go.sum database tree');
    expect(checkpoint.size).toBe(6476701);
    expect(checkpoint.rootHash.toString('base64')).toBe(vectors.sumdb.rootHash);
    expect(checkpoint.extensions).toEqual([]);
    expect(note.verified.map((s) => s.name)).toEqual(['sum.golang.org']);
    expect(formatCheckpoint(checkpoint)).toBe(note.body);
  });

  it('verifies the published cosignatures and lists unknown ones', () => {
    const note = vectors.sumdb.note + vectors.sumdb.cosigners.map((c) => c.line).join('') + vectors.sumdb.unknownLines.join('');
    const logOnly = openCheckpoint(note, sumdb, vectors.sumdb.origin);
    expect(logOnly.note.verified.map((s) => s.name)).toEqual(['sum.golang.org']);
    expect(logOnly.note.unknown.map((s) => s.name)).toEqual(['monkeys', 'bananas', 'witness', 'random1', 'random2']);
    const all = openNote(note, [sumdb, ...vectors.sumdb.cosigners.map((c) => NoteVerifier.fromKey(c.verifierKey))]);
    expect(all.verified.map((s) => s.name)).toEqual(['sum.golang.org', 'monkeys', 'bananas', 'witness']);
    expect(all.unknown.map((s) => s.name)).toEqual(['random1', 'random2']);
  });

  it('refuses the real checkpoint when altered, for another origin, or under another key', () => {
    const altered = vectors.sumdb.note.replace('6476701', '6476702');
    expect(codeOf(() => openCheckpoint(altered, sumdb, vectors.sumdb.origin))).toBe('INVALID_SIGNATURE');
    expect(codeOf(() => openCheckpoint(vectors.sumdb.note, sumdb, 'sum.golang.org'))).toBe('ORIGIN_MISMATCH');
    expect(codeOf(() => openCheckpoint(vectors.sumdb.note, logVerifier, vectors.sumdb.origin))).toBe('UNVERIFIED_NOTE');
  });

  it('parses the c2sp.org example body; its unpublished key leaves the note unverified', () => {
    const body = vectors.c2spExample.note.slice(0, vectors.c2spExample.note.indexOf('\n\n') + 1);
    const cp = parseCheckpoint(body);
    expect(cp).toEqual({
      origin: vectors.c2spExample.origin,
      size: vectors.c2spExample.size,
      rootHash: Buffer.from(vectors.c2spExample.rootHash, 'base64'),
      extensions: [],
    });
    expect(codeOf(() => openCheckpoint(vectors.c2spExample.note, logVerifier, vectors.c2spExample.origin))).toBe('UNVERIFIED_NOTE');
  });

  it('refuses bodies a laxer library accepts (short root, empty extension lines)', () => {
    for (const body of vectors.transparencyDevRejected.bodies) expect(codeOf(() => parseCheckpoint(body)), body).toBe('MALFORMED_CHECKPOINT');
  });
});

describe('parseCheckpoint', () => {
  const r64 = root.toString('base64');
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const good = `${ORIGIN}\n42\n${r64}\n`;

  it('accepts size 0, the largest safe size, spaces in the origin and extension lines', () => {
    expect(parseCheckpoint(`${ORIGIN}\n0\n${r64}\n`).size).toBe(0);
    expect(parseCheckpoint(`${ORIGIN}\n9007199254740991\n${r64}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseCheckpoint(`go.sum database tree\n1\n${r64}\n`).origin).toBe('go.sum database tree');
    expect(parseCheckpoint(`${good}Timestamp: 1689748607742585419\nsecond ext\n`).extensions).toEqual(['Timestamp: 1689748607742585419', 'second ext']);
  });

  const bad: [string, string][] = [
    ['no final newline', good.slice(0, -1)],
    ['empty body', ''],
    ['only a newline', '\n'],
    ['two lines', `${ORIGIN}\n42\n`],
    ['empty origin', `\n42\n${r64}\n`],
    ['leading zero', `${ORIGIN}\n042\n${r64}\n`],
    ['double zero', `${ORIGIN}\n00\n${r64}\n`],
    ['negative size', `${ORIGIN}\n-1\n${r64}\n`],
    ['plus sign', `${ORIGIN}\n+1\n${r64}\n`],
    ['space before size', `${ORIGIN}\n 1\n${r64}\n`],
    ['space after size', `${ORIGIN}\n1 \n${r64}\n`],
    ['decimal point', `${ORIGIN}\n1.0\n${r64}\n`],
    ['exponent', `${ORIGIN}\n1e3\n${r64}\n`],
    ['hex size', `${ORIGIN}\n0x10\n${r64}\n`],
    ['non-ASCII digits', `${ORIGIN}\n\u0664\u0662\n${r64}\n`],
    ['empty size', `${ORIGIN}\n\n${r64}\n`],
    ['size 2^53', `${ORIGIN}\n9007199254740992\n${r64}\n`],
    ['size beyond uint64', `${ORIGIN}\n3438945738945739845734895735\n${r64}\n`],
    ['31-byte root', `${ORIGIN}\n42\n${root.subarray(1).toString('base64')}\n`],
    ['33-byte root', `${ORIGIN}\n42\n${Buffer.concat([root, Buffer.of(0)]).toString('base64')}\n`],
    ['hex root', `${ORIGIN}\n42\n${root.toString('hex')}\n`],
    ['unpadded root', `${ORIGIN}\n42\n${r64.replace(/=+$/, '')}\n`],
    ['URL-safe root', `${ORIGIN}\n42\n${Buffer.alloc(32, 0xfb).toString('base64url')}=\n`],
    ['root with whitespace', `${ORIGIN}\n42\n ${r64}\n`],
    ['non-canonical root bits', `${ORIGIN}\n42\n${r64.slice(0, 42)}${B64[B64.indexOf(r64[42]!) | 1]}=\n`],
    ['empty root', `${ORIGIN}\n42\n\n`],
    ['empty extension line', `${good}\next\n`],
    ['trailing blank line', `${good}\n`],
    ['CRLF', good.replaceAll('\n', '\r\n')],
    ['control character in origin', `exp\x07ert\n42\n${r64}\n`],
    ['lone surrogate in origin', `log\ud800\n42\n${r64}\n`],
  ];
  for (const [what, body] of bad) {
    it(`refuses ${what}`, () => {
      expect(codeOf(() => parseCheckpoint(body))).toBe('MALFORMED_CHECKPOINT');
    });
  }
});

describe('formatCheckpoint', () => {
  const cp: Checkpoint = { origin: ORIGIN, size: 7, rootHash: root, extensions: [] };
  const bad: [string, Checkpoint][] = [
    ['an empty origin', { ...cp, origin: '' }],
    ['a two-line origin', { ...cp, origin: 'a\nb' }],
    ['a control character in the origin', { ...cp, origin: 'a\tb' }],
    ['a negative size', { ...cp, size: -1 }],
    ['a fractional size', { ...cp, size: 1.5 }],
    ['NaN', { ...cp, size: Number.NaN }],
    ['size 2^53', { ...cp, size: 2 ** 53 }],
    ['a 31-byte root', { ...cp, rootHash: root.subarray(1) }],
    ['an empty extension', { ...cp, extensions: [''] }],
    ['a two-line extension', { ...cp, extensions: ['a\nb'] }],
  ];
  for (const [what, value] of bad) {
    it(`refuses ${what}`, () => {
      expect(codeOf(() => formatCheckpoint(value))).toBe('MALFORMED_CHECKPOINT');
    });
  }
});

describe('CheckpointSigner', () => {
  const cp: Checkpoint = { origin: ORIGIN, size: 3, rootHash: root, extensions: [] };

  it('signs checkpoints of its own origin, which open with the pinned key', () => {
    const note = signer.sign(cp);
    expect(note.startsWith(`${ORIGIN}\n3\n${root.toString('base64')}\n\n\u2014 ${ORIGIN} `)).toBe(true);
    expect(signCheckpoint(cp, signer)).toBe(note);
    expect(signer.verifierKey).toBe(logKeys.verifierKey);
    expect(openCheckpoint(note, signer.verifier, ORIGIN).checkpoint).toEqual(cp);
  });

  it('refuses to sign for another origin', () => {
    expect(codeOf(() => signer.sign({ ...cp, origin: 'other.example/log' }))).toBe('ORIGIN_MISMATCH');
  });

  it('can be bound to an origin other than its key name', () => {
    const sumLike = new CheckpointSigner(NoteSigner.fromKey(PETER_SIGNER_KEY), 'go.sum database tree');
    const note = sumLike.sign({ ...cp, origin: 'go.sum database tree' });
    expect(openCheckpoint(note, NoteSigner.fromKey(PETER_SIGNER_KEY).verifier, 'go.sum database tree').note.verified[0]?.name).toBe('PeterNeumann');
    expect(codeOf(() => new CheckpointSigner(NoteSigner.fromKey(PETER_SIGNER_KEY), ''))).toBe('MALFORMED_CHECKPOINT');
  });

  it('does not reveal its private key', () => {
    const seed64 = logKeys.signerKey.split('+').slice(4).join('+');
    expect(seed64).toHaveLength(44);
    expect(JSON.stringify(signer)).not.toContain(seed64.slice(4, 24));
  });

  it('verifies the signature before it reads the body', () => {
    const logNoteSigner = NoteSigner.fromKey(logKeys.signerKey);
    const notACheckpoint = signNote('hello\n', logNoteSigner);
    expect(codeOf(() => openCheckpoint(notACheckpoint, logVerifier, ORIGIN))).toBe('MALFORMED_CHECKPOINT');
    const forged = notACheckpoint.replace('hello', 'hullo');
    expect(codeOf(() => openCheckpoint(forged, logVerifier, ORIGIN))).toBe('INVALID_SIGNATURE');
    const otherLog = signNote(formatCheckpoint({ ...cp, origin: 'other.example/log' }), logNoteSigner);
    expect(codeOf(() => openCheckpoint(otherLog, logVerifier, ORIGIN))).toBe('ORIGIN_MISMATCH');
  });
});

describe('properties', () => {
  const lineText = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .map((s) => s.replace(/[\u0000-\u001f]/g, ''))
    .filter((s) => s !== '');
  const checkpoint = fc.record({
    origin: lineText,
    size: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat()),
    rootHash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b)),
    extensions: fc.array(lineText, { maxLength: 3 }),
  });

  it('parse(format(cp)) = cp and format(parse(body)) = body', () => {
    fc.assert(
      fc.property(checkpoint, (cp) => {
        const body = formatCheckpoint(cp);
        const back = parseCheckpoint(body);
        expect(back).toEqual(cp);
        expect(formatCheckpoint(back)).toBe(body);
      }),
      { numRuns: 300 },
    );
  });

  it('sign then open returns the same checkpoint, for any origin the signer is bound to', () => {
    const key = NoteSigner.fromKey(generateNoteKeys('prop.example/log').signerKey);
    fc.assert(
      fc.property(checkpoint, (cp) => {
        const s = new CheckpointSigner(key, cp.origin);
        expect(openCheckpoint(s.sign(cp), key.verifier, cp.origin).checkpoint).toEqual(cp);
      }),
      { numRuns: 200 },
    );
  });
});
