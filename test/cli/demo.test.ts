// `expert-draw demo --nonce` promises the same draw every time with that nonce (README "Commands", its --help): the
// commit, the seed and the ranking repeat, and another nonce draws otherwise. Without one, each run draws afresh.
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo.js';

const NONCE = 'ab'.repeat(32);

/** A demo's printed lines, but its timing line (the only one that may differ between runs of one draw). */
async function demo(nonce?: string): Promise<string[]> {
  const lines: string[] = [];
  await runDemo({ size: 2000, seed: 'demo', count: 3, ...(nonce ? { nonce } : {}) }, (line) => lines.push(line));
  return lines.filter((l) => !l.startsWith('draw computed in') && !l.startsWith('synthetic pool:'));
}
const seedOf = (lines: string[]) => lines.find((l) => l.startsWith('2. seed'));

describe('demo', () => {
  it('draws the same with the same nonce: commit, seed and ranking', async () => {
    const [a, b] = [await demo(NONCE), await demo(NONCE)];
    expect(a).toEqual(b);
    expect(a).toContain(`draw D-demo-${NONCE.slice(0, 12)}, committed at 2026-12-01T00:00:00.000Z (from --nonce: the same draw every time)`);
    expect(a.some((l) => /^ {3}commit leaf hash [0-9a-f]{64}$/.test(l))).toBe(true);
    expect(seedOf(await demo('cd'.repeat(32)))).not.toBe(seedOf(a));
  });

  it('draws afresh without one', async () => {
    expect(seedOf(await demo())).not.toBe(seedOf(await demo()));
  });
});
