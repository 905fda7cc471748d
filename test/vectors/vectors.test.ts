// The published vectors (test/vectors/*.json, docs/draw-proof.md §12) hold the engine to the spec, byte for byte.
import { createHash, createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { jcs } from '../../src/crypto/canonical.js';
import { computeExpected, type Vector, type VectorExpected } from './vector-format.js';
import { extractVectorTable, renderVectorTable } from './vector-table.js';

const here = dirname(fileURLToPath(import.meta.url));
const vectors: Vector[] = readdirSync(here)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(here, f), 'utf8')) as Vector);

const succeeding = vectors.filter((v): v is Vector & { expected: VectorExpected } => !('error' in v.expected));

/** Top-level fields of the expected output that the engine no longer reproduces. */
function mismatches(v: Vector): string[] {
  const actual = computeExpected(v.input) as Record<string, unknown>;
  const expected = v.expected as Record<string, unknown>;
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  return [...keys].filter((k) => JSON.stringify(actual[k]) !== JSON.stringify(expected[k])).sort();
}

function flipByte(hex: string, at: number): string {
  const b = Buffer.from(hex, 'hex');
  b[at] = b[at]! ^ 0x01;
  return b.toString('hex');
}

describe('draw test vectors', () => {
  it('has at least 8 vectors, including ones that must fail', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(8);
    expect(vectors.filter((v) => 'error' in v.expected).length).toBeGreaterThanOrEqual(1);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s matches the engine', (_name, v) => {
    expect(mismatches(v)).toEqual([]);
  });

  it.each(succeeding.map((v) => [v.name, v] as const))('%s: changing one byte of the nonce changes the outcome', (_name, v) => {
    const input = structuredClone(v.input);
    input.entropy.nonce = flipByte(input.entropy.nonce, 7);
    expect(mismatches({ ...v, input })).toEqual(expect.arrayContaining(['seed', 'seedMessage', 'commitEntry']));
  });

  it.each(succeeding.map((v) => [v.name, v] as const))('%s: changing one byte of the expected seed fails the check', (_name, v) => {
    const expected = { ...v.expected, seed: flipByte(v.expected.seed, 0) };
    expect(mismatches({ ...v, expected })).toEqual(['seed']);
  });

  it.each(succeeding.map((v) => [v.name, v] as const))('%s: seed, leaf hash and stream recomputed from the spec alone', (_name, v) => {
    const e = v.expected;
    expect(jcs(JSON.parse(e.commitEntry))).toBe(e.commitEntry);
    const leaf = createHash('sha256').update(Buffer.of(0)).update(e.commitEntry, 'utf8').digest('hex');
    expect(leaf).toBe(e.commitLeafHash);
    const msg = Buffer.from(e.seedMessage, 'hex');
    if (v.input.entropy.plan.planIndex === undefined) {
      expect(e.commitPayloadHash).toBeUndefined();
      expect(msg.subarray(0, 19).toString('ascii')).toBe('expert-draw/v1/seed');
      expect(msg.subarray(19, 51).toString('hex')).toBe(leaf);
    } else {
      // A planned draw (§6.2): the tag is 27 bytes and the binding is the commit payload's hash, not the leaf hash.
      const payload = (JSON.parse(e.commitEntry) as { payload: unknown }).payload;
      const payloadHash = createHash('sha256').update(jcs(payload), 'utf8').digest('hex');
      expect(e.commitPayloadHash).toBe(payloadHash);
      expect(msg.subarray(0, 27).toString('ascii')).toBe('expert-draw/v1/seed-planned');
      expect(msg.subarray(27, 59).toString('hex')).toBe(payloadHash);
    }
    const seed = createHmac('sha256', Buffer.from(v.input.entropy.nonce, 'hex')).update(msg).digest();
    expect(seed.toString('hex')).toBe(e.seed);
    e.firstStreamBlocks.forEach((block, g) => {
      const m = Buffer.alloc(33);
      m.write('expert-draw/v1/stream', 0, 'ascii');
      m.writeUInt32BE(g, 21);
      expect(createHmac('sha256', seed).update(m).digest('hex')).toBe(block);
    });
  });

  const planned = succeeding.filter((v) => v.input.entropy.plan.planIndex !== undefined);
  const unplanned = succeeding.filter((v) => v.input.entropy.plan.planIndex === undefined);

  it('has a planned witnessed vector', () => {
    expect(planned.map((v) => v.expected.assurance)).toContain('witnessed');
  });

  it.each(planned.map((v) => [v.name, v] as const))('%s: the commit entry’s time and prev change its leaf hash but not the seed (§6.2)', (_name, v) => {
    const input = structuredClone(v.input);
    input.entropy.time = '2026-12-01T00:00:00.418Z';
    input.entropy.prev = flipByte(input.entropy.prev, 3);
    expect(mismatches({ ...v, input })).toEqual(['commitEntry', 'commitLeafHash']);
  });

  it.each(planned.map((v) => [v.name, v] as const))('%s: another plan index, one byte of a witness reveal, or dropping a deposit changes the seed', (_name, v) => {
    const other = structuredClone(v.input);
    other.entropy.plan.planIndex = other.entropy.plan.planIndex! + 1;
    expect(mismatches({ ...v, input: other })).toEqual(expect.arrayContaining(['commitEntry', 'commitPayloadHash', 'seed', 'seedMessage']));
    const flipped = structuredClone(v.input);
    flipped.entropy.witnessReveals[0] = flipByte(flipped.entropy.witnessReveals[0]!, 0);
    expect(computeExpected(flipped)).toEqual({ error: { code: 'WITNESS_MISMATCH' } });
    const dropped = structuredClone(v.input);
    dropped.entropy.plan.witnessCommitments.pop();
    dropped.entropy.witnessReveals.pop();
    expect(mismatches({ ...v, input: dropped })).toEqual(expect.arrayContaining(['commitPayloadHash', 'seed']));
  });

  it.each(unplanned.slice(0, 1).map((v) => [v.name, v] as const))('%s: an unplanned draw’s seed does follow the commit entry’s time (v1, §6)', (_name, v) => {
    const input = structuredClone(v.input);
    input.entropy.time = '2026-12-01T00:00:00.001Z';
    expect(mismatches({ ...v, input })).toEqual(expect.arrayContaining(['commitEntry', 'commitLeafHash', 'seed']));
  });

  it('the table in docs/draw-proof.md agrees with the vector files', () => {
    const doc = readFileSync(join(here, '../../docs/draw-proof.md'), 'utf8');
    expect(extractVectorTable(doc)).toBe(renderVectorTable(vectors));
  });
});
