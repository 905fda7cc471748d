import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { runDraw } from '../../src/draw/protocol.js';
import { EMPTY_HISTORY } from '../../src/draw/history.js';
import { GENESIS_PREV } from '../../src/log/entry.js';
import { generatePool, syntheticProject } from '../../src/pool/generator.js';
import { PoolIndex } from '../../src/draw/pool-index.js';

describe('runDraw smoke', () => {
  it('draws a panel from a synthetic pool', () => {
    const pool = generatePool({ size: 2000, fixed: [{ code: 'C990101', members: 300 }] });
    const index = new PoolIndex(pool.experts, 1);
    const out = runDraw(
      { drawId: 'D1', project: syntheticProject(pool, 'x'), request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 }, policy: DEFAULT_POLICY, pool: index, history: EMPTY_HISTORY },
      { plan: { beacon: null, witnessCommitments: [] }, nonce: Buffer.alloc(32, 1), beaconRandomness: null, witnessReveals: [], time: '2026-12-01T00:00:00.000Z', prev: GENESIS_PREV },
    );
    expect(out.result.groups[0]!.selected).toHaveLength(5);
    expect(out.result.groups[0]!.alternates).toHaveLength(2);
  });
});
