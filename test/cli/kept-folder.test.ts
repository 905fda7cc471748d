// The kept folder as readKept reads it (src/cli/inspector.ts, docs/draw-proof.md §13), on made-up trees signed by a
// test key: what a folder others could write can add is refused, naming the file — a signed note of another history
// without a record, a record edited (an extra field, other spacing, a fetch time moved back or into the future) — and
// what a deleted record leaves is refused or harmless.
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keep, keptThatLink, readKept, type KeptRecord } from '../../src/cli/inspector.js';
import { LocalizedError } from '../../src/i18n/text.js';
import type { Checkpoint } from '../../src/log/checkpoint.js';
import { leafHash } from '../../src/log/entry.js';
import { assembleConsistencyProof, assembleRoot, hashChildren } from '../../src/log/merkle.js';
import { relateToKept } from '../../src/verify/kept-history.js';
import { TEST_ORIGIN, testKeys } from '../helpers/log.js';

const { signer, verifier } = testKeys();
const work = mkdtempSync(join(tmpdir(), 'expert-draw-kept-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A log of `size` made-up entries (`tag` tells two histories apart): its checkpoints and consistency proofs. */
function tree(size: number, tag: string) {
  const nodes = new Map<string, Buffer>();
  for (let i = 0; i < size; i++) nodes.set(`0/${i}`, leafHash(Buffer.from(`${tag} entry ${i}`)));
  for (let level = 1; 2 ** level <= size; level++) {
    for (let i = 0; (i + 1) * 2 ** level <= size; i++) nodes.set(`${level}/${i}`, hashChildren(nodes.get(`${level - 1}/${2 * i}`)!, nodes.get(`${level - 1}/${2 * i + 1}`)!));
  }
  const checkpoint = (n: number): Checkpoint => ({ origin: TEST_ORIGIN, size: n, rootHash: assembleRoot(n, nodes), extensions: [] });
  return {
    checkpoint,
    note: (n: number) => signer.sign(checkpoint(n)),
    proof: (a: number, b: number) => assembleConsistencyProof(a, b, nodes).map((h) => h.toString('hex')),
  };
}

const log = tree(200, 'main');
const other = tree(200, 'fork');
const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const at = (minutes: number) => new Date(NOW - 60 * 60_000 + minutes * 60_000).toISOString();

/** A folder as the watcher keeps it: `legacy` sizes as kept before records existed, then `recorded` sizes with records. */
function folder(name: string, legacy: readonly number[], recorded: readonly number[]): string {
  const dir = join(work, name);
  for (const size of legacy) keep(dir, size, log.note(size));
  let before = legacy.at(-1);
  for (const [i, size] of recorded.entries()) {
    const record: KeptRecord = { size, fetchedAt: at(i), consistency: before === undefined ? null : { fromSize: before, toSize: size, hashes: log.proof(before, size) } };
    keep(dir, size, log.note(size), record);
    before = size;
  }
  return dir;
}

const read = (dir: string) => readKept(dir, verifier, TEST_ORIGIN, NOW);
/** The refusal readKept throws, in both languages. */
function refusal(dir: string): { en: string; zh: string } {
  try {
    read(dir);
  } catch (err) {
    if (!(err instanceof LocalizedError)) throw err;
    return { en: err.localized.text('en'), zh: err.localized.text('zh-CN') };
  }
  throw new Error(`${dir} was read`);
}
const record = (dir: string, size: number) => JSON.parse(readFileSync(join(dir, `${size}.json`), 'utf8')) as KeptRecord & Record<string, unknown>;

describe('a note without a record in a folder that holds records (M4)', () => {
  it('another history’s signed note dropped in as 88.note, without a record, is refused, naming the file', () => {
    const dir = folder('fork-dropped', [], [50, 80, 100, 120]);
    expect(read(dir).map((k) => k.size)).toEqual([50, 80, 100, 120]);
    writeFileSync(join(dir, '88.note'), other.note(88));
    const said = refusal(dir);
    expect(said.en).toContain(`kept checkpoint ${join(dir, '88.note')} has no record (${join(dir, '88.json')}), though the folder holds records from tree size 50`);
    expect(said.zh).toContain(`保存的检查点 ${join(dir, '88.note')} 没有记录`);
    // One dropped after the newest is refused the same way.
    rmSync(join(dir, '88.note'));
    writeFileSync(join(dir, '150.note'), other.note(150));
    expect(refusal(dir).en).toContain(`kept checkpoint ${join(dir, '150.note')} has no record`);
  });

  it('a record deleted in the middle leaves its note without one: refused', () => {
    const dir = folder('middle-deleted', [], [50, 80, 100, 120]);
    unlinkSync(join(dir, '80.json'));
    expect(refusal(dir).en).toContain(`kept checkpoint ${join(dir, '80.note')} has no record`);
  });

  it('notes older than the oldest record are read, but only the one a record’s proof starts from links a bundle', () => {
    const dir = folder('legacy', [10, 20, 30], [50, 80]);
    const kept = read(dir);
    expect(kept.map((k) => [k.size, k.record !== undefined])).toEqual([[10, false], [20, false], [30, false], [50, true], [80, true]]);
    expect(keptThatLink(kept).map((k) => k.size)).toEqual([30, 50, 80]);
    // Another history's note put in among them, of a size never kept: read (nothing says it is not from then), but it
    // does not link a bundle of that history.
    writeFileSync(join(dir, '15.note'), other.note(15));
    const withFork = read(dir);
    expect(withFork.map((k) => k.size)).toEqual([10, 15, 20, 30, 50, 80]);
    const notes = keptThatLink(withFork).map((k) => k.note);
    const proofs = withFork.flatMap((k) => (k.record?.consistency ? [k.record.consistency] : []));
    const forked = relateToKept([other.checkpoint(15)], { notes: withFork.map((k) => k.note), proofs }, verifier, TEST_ORIGIN);
    // Today's reading: every note links, and the fork's bundle passed.
    expect(forked.status).toBe('pass');
    expect(relateToKept([other.checkpoint(15)], { notes, proofs }, verifier, TEST_ORIGIN).status).not.toBe('pass');
    // The chained one still links a bundle of the watcher's history.
    expect(relateToKept([log.checkpoint(30)], { notes, proofs }, verifier, TEST_ORIGIN)).toMatchObject({ status: 'pass', detail: expect.stringContaining('tree size 30 is a kept checkpoint') });
  });

  it('a folder without any record reads as it did before records existed', () => {
    const dir = folder('no-records', [10, 20], []);
    expect(keptThatLink(read(dir)).map((k) => k.size)).toEqual([10, 20]);
  });
});

describe('a record is the watcher’s bytes, and its fetch time agrees with the others and with now (M5)', () => {
  const edited = (name: string, size: number, text: (r: KeptRecord & Record<string, unknown>) => string) => {
    const dir = folder(name, [], [50, 80, 100, 120]);
    writeFileSync(join(dir, `${size}.json`), text(record(dir, size)));
    return dir;
  };
  const canonical = (r: object) => `${JSON.stringify(r)}\n`;

  it('as kept, it reads', () => {
    expect(read(folder('as-kept', [], [50, 80, 100, 120])).map((k) => k.record?.fetchedAt)).toEqual([at(0), at(1), at(2), at(3)]);
  });

  it('an extra field, or other spacing, is refused', () => {
    const extra = edited('extra-field', 80, (r) => canonical({ ...r, note: 'x' }));
    expect(refusal(extra).en).toBe(`kept record ${join(extra, '80.json')} is not byte for byte the canonical JSON (RFC 8785, the three fields only) and newline that log watch writes: the record was edited: the folder is log watch's own record; a changed file there is to be looked into`);
    expect(refusal(extra).zh).toContain('不是 log watch 所写的规范 JSON');
    const spaced = edited('spaced', 80, (r) => `${JSON.stringify(r, null, 1)}\n`);
    expect(refusal(spaced).en).toContain(`kept record ${join(spaced, '80.json')} is not byte for byte the canonical JSON`);
    const noNewline = edited('no-newline', 80, (r) => JSON.stringify(r));
    expect(refusal(noNewline).en).toContain('is not byte for byte the canonical JSON');
  });

  it('a fetch time moved before a smaller tree’s is refused', () => {
    const dir = edited('moved-earlier', 100, (r) => canonical({ ...r, fetchedAt: at(-30) }));
    expect(refusal(dir).en).toContain(`kept record ${join(dir, '100.json')} says it was fetched at ${at(-30)}, before the smaller kept tree 80 (fetched at ${at(1)})`);
    expect(refusal(dir).zh).toContain('取得时间不会随树变大而倒退');
    // 166 dated after 167: the larger tree's record is the one refused.
    const swapped = edited('swapped', 80, (r) => canonical({ ...r, fetchedAt: at(5) }));
    expect(refusal(swapped).en).toContain(`kept record ${join(swapped, '100.json')} says it was fetched at ${at(2)}, before the smaller kept tree 80 (fetched at ${at(5)})`);
  });

  it('a fetch time in the future is refused; within the 5 s clock allowance it is read', () => {
    const dir = edited('2099', 120, (r) => canonical({ ...r, fetchedAt: '2099-01-01T00:00:00.000Z' }));
    expect(refusal(dir).en).toContain(`kept record ${join(dir, '120.json')} says it was fetched at 2099-01-01T00:00:00.000Z, later than now on this machine (2026-12-07T12:00:00.000Z)`);
    expect(refusal(dir).zh).toContain('晚于本机当前时间');
    const close = edited('within-allowance', 120, (r) => canonical({ ...r, fetchedAt: new Date(NOW + 4_000).toISOString() }));
    expect(read(close)).toHaveLength(4);
  });

  it('a deleted first record is harmless: its note is one kept before records, chained by the next record’s proof, with no fetch time', () => {
    const dir = folder('first-deleted', [], [50, 80, 100]);
    unlinkSync(join(dir, '50.json'));
    const kept = read(dir);
    expect(kept.map((k) => [k.size, k.record?.fetchedAt])).toEqual([[50, undefined], [80, at(1)], [100, at(2)]]);
    // Still one history; a bundle of it links, one of another history does not; and no earlier time is claimed.
    const notes = keptThatLink(kept).map((k) => k.note);
    const proofs = kept.flatMap((k) => (k.record?.consistency ? [k.record.consistency] : []));
    expect(relateToKept([log.checkpoint(50)], { notes, proofs }, verifier, TEST_ORIGIN).status).toBe('pass');
    expect(relateToKept([other.checkpoint(50)], { notes, proofs }, verifier, TEST_ORIGIN).status).toBe('fail');
    // Its note swapped for another history's as well: the next record's proof no longer verifies.
    writeFileSync(join(dir, '50.note'), other.note(50));
    expect(refusal(dir).en).toContain(`kept record ${join(dir, '80.json')} holds a consistency proof from tree size 50 to 80 that does not verify`);
  });

  it('the watcher’s own crash between the two writes: the refusal says how to clear it', () => {
    const dir = folder('crashed', [], [50, 80]);
    const copy = join(work, 'crashed-copy');
    cpSync(dir, copy, { recursive: true });
    renameSync(join(copy, '80.json'), join(work, 'crashed-80.json'));
    expect(refusal(copy).en).toContain('If log watch stopped between writing the two files, move the note away: the next pass keeps it again with its record');
  });
});
