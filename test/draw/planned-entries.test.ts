// The entries of a planned draw (docs/draw-proof.md §6.2): the plan, a deposit, the secrets' format, and the hash the
// planned seed binds. Their schemas are shared by the service (the log's catalogue) and the offline verifier.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jcs } from '../../src/crypto/canonical.js';
import { commitPayloadHash } from '../../src/draw/commit.js';
import { AbortedPayload, CommitPayload, DepositPayload, FailedPayload, PlannedPayload, WitnessSecretHex } from '../../src/draw/entries.js';

const hex = (bytes: number, b = 'ab') => b.repeat(bytes);
const plan = { projectId: 'P-1', drawId: 'D-1', nonceHash: hex(32), depositsCloseAt: '2026-12-01T01:00:00.000Z', witnesses: { required: 2, onShort: 'fail' } };

describe('planned draw entries', () => {
  it('a witness secret is 16 to 64 bytes of lower-case hex, nothing else', () => {
    for (const ok of [hex(16), hex(32), hex(64)]) expect(WitnessSecretHex.safeParse(ok).success).toBe(true);
    for (const bad of [hex(15), hex(65), hex(32).toUpperCase(), `${hex(32)}a`, hex(32, 'zz'), '']) expect(WitnessSecretHex.safeParse(bad).success, bad).toBe(false);
  });

  it('the plan and a deposit are strict: an extra field, a secret among them, is refused', () => {
    expect(PlannedPayload.parse(plan)).toEqual(plan);
    expect(PlannedPayload.parse({ ...plan, replaces: 'D-0' }).replaces).toBe('D-0');
    expect(PlannedPayload.safeParse({ ...plan, nonce: hex(32) }).success).toBe(false);
    expect(PlannedPayload.safeParse({ ...plan, witnesses: { required: 0, onShort: 'fail' } }).success).toBe(false);
    const deposit = { projectId: 'P-1', drawId: 'D-1', witness: { user: 'U-1', role: 'supervisor' }, commitment: hex(32) };
    expect(DepositPayload.parse(deposit)).toEqual(deposit);
    expect(DepositPayload.safeParse({ ...deposit, secret: hex(32) }).success).toBe(false);
  });

  it('a failure or abort may open the witnesses’ secrets with the nonce', () => {
    const failed = { drawId: 'D-1', projectId: 'P-1', code: 'WITNESS_MISSING', details: { required: 2, deposited: 1 }, committed: false, nonce: hex(32), witnessReveals: [hex(20)] };
    expect(FailedPayload.parse(failed)).toEqual(failed);
    expect(FailedPayload.safeParse({ ...failed, witnessReveals: [hex(8)] }).success).toBe(false);
    expect(AbortedPayload.safeParse({ drawId: 'D-1', projectId: 'P-1', reason: 'x', nonce: hex(32), witnessReveals: [hex(16)] }).success).toBe(true);
  });

  it('a commit names its plan by log index; the planned seed binds SHA-256(JCS(payload)), which the index changes', () => {
    const commit = CommitPayload.parse({
      algorithm: 'expert-draw/v1',
      drawId: 'D-1',
      projectId: 'P-1',
      requestHash: hex(32),
      policyHash: hex(32),
      poolVersion: 1,
      groups: [],
      entropy: { beacon: null, witnessCommitments: [hex(32, 'cd')], planIndex: 4 },
      nonceHash: hex(32),
    });
    expect(commitPayloadHash(commit)).toEqual(createHash('sha256').update(jcs(commit)).digest());
    expect(commitPayloadHash({ ...commit, entropy: { ...commit.entropy, planIndex: 5 } })).not.toEqual(commitPayloadHash(commit));
    expect(CommitPayload.safeParse({ ...commit, entropy: { ...commit.entropy, planIndex: -1 } }).success).toBe(false);
  });
});
