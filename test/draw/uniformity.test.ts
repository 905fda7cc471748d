// Fixed-seed statistical test: selection frequencies over 20,000 draws are consistent with uniform (α = 0.001),
// and the same test rejects deliberately biased samplers, so it can fail.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PanelMember } from '../../src/draw/conflicts.js';
import { DrawSampler, listGroup } from '../../src/draw/sample.js';
import { CounterStream } from '../../src/draw/stream.js';
import { chiSquarePValue, chiSquareUniform } from './chi-square.js';

const ALPHA = 0.001;
const DRAWS = 20_000;
const N = 30;
const COUNT = 5;
const candidates: PanelMember[] = Array.from({ length: N }, (_, i) => ({ id: `E${String(i).padStart(2, '0')}`, employer: `ORG${i}`, relatives: [] }));
const seedOf = (i: number) => createHash('sha256').update(`uniformity/${i}`).digest();

/** A sampler: the ids selected (first COUNT ranked) by one draw with the given seed. */
type Sampler = (seed: Buffer) => string[];

const engine: Sampler = (seed) =>
  new DrawSampler([listGroup('A', COUNT, 2, candidates)], seed, 1).rank()[0]!.selected;

/** Fisher–Yates fed by one byte modulo the range: the classic modulo bias, strong with 256 mod 30 = 16. */
const byteModulo: Sampler = (seed) => {
  const stream = new CounterStream(seed, 0);
  const a = candidates.map((c) => c.id);
  for (let i = 0; i < COUNT; i++) {
    const j = i + ((stream.nextWord() & 0xff) % (N - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, COUNT);
};

/** k consecutive rows from one random offset (seen in an open-source system): the ends of the list are underdrawn. */
const consecutiveRows: Sampler = (seed) => {
  const offset = new CounterStream(seed, 0).uniform(N - COUNT + 1);
  return candidates.slice(offset, offset + COUNT).map((c) => c.id);
};

function frequencies(sampler: Sampler): { selected: number[]; first: number[] } {
  const index = new Map(candidates.map((c, i) => [c.id, i]));
  const selected = new Array<number>(N).fill(0);
  const first = new Array<number>(N).fill(0);
  for (let d = 0; d < DRAWS; d++) {
    const picks = sampler(seedOf(d));
    picks.forEach((id) => selected[index.get(id)!]!++);
    first[index.get(picks[0]!)!]!++;
  }
  return { selected, first };
}

describe('uniformity of the draw', () => {
  it('the chi-square tail probability matches published table values', () => {
    // Critical values at α = 0.001: df 29 → 58.301, df 9 → 27.877 (NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
    expect(chiSquarePValue(58.301, 29)).toBeCloseTo(0.001, 5);
    expect(chiSquarePValue(27.877, 9)).toBeCloseTo(0.001, 5);
  });

  it('selects every candidate with equal frequency, and with equal frequency in first place', () => {
    const { selected, first } = frequencies(engine);
    const sel = chiSquareUniform(selected);
    const top = chiSquareUniform(first);
    expect(selected.reduce((a, b) => a + b, 0)).toBe(DRAWS * COUNT);
    console.info(`uniformity: selected χ²=${sel.stat.toFixed(1)} p=${sel.p.toFixed(3)}; first place χ²=${top.stat.toFixed(1)} p=${top.p.toFixed(3)}`);
    expect(sel.p).toBeGreaterThan(ALPHA);
    expect(top.p).toBeGreaterThan(ALPHA);
  });

  it('rejects a sampler with modulo bias', () => {
    expect(chiSquareUniform(frequencies(byteModulo).selected).p).toBeLessThan(ALPHA);
  });

  it('rejects consecutive rows from a random offset', () => {
    expect(chiSquareUniform(frequencies(consecutiveRows).selected).p).toBeLessThan(ALPHA);
  });
});
