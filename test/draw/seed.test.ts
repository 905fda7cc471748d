// Seed derivation refuses inputs the commit does not bind, and binds every input it takes.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assuranceOf, deriveSeed, nonceHash, seedMessage, witnessCommitment, type EntropyPlan, type SeedInputs } from '../../src/draw/seed.js';
import { AppError } from '../../src/errors.js';

const nonce = Buffer.alloc(32, 0x11);
const leaf = createHash('sha256').update('leaf').digest();
const reveal = Buffer.alloc(20, 0x22);
const beacon = Buffer.alloc(32, 0x33);
const plan: EntropyPlan = { beacon: { chain: 'ab'.repeat(32), round: 7 }, witnessCommitments: [witnessCommitment(reveal)] };
const inputs: SeedInputs = { nonce, commitLeafHash: leaf, beaconRandomness: beacon, witnessReveals: [reveal] };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
}

describe('deriveSeed', () => {
  it('lays out the seed message as specified', () => {
    const msg = seedMessage(inputs);
    expect(msg.subarray(0, 19).toString('ascii')).toBe('expert-draw/v1/seed');
    expect(msg.subarray(19, 51)).toEqual(leaf);
    expect(msg.readUInt32BE(51)).toBe(32);
    expect(msg.subarray(55, 87)).toEqual(beacon);
    expect(msg.readUInt32BE(87)).toBe(1);
    expect(msg.readUInt32BE(91)).toBe(20);
    expect(msg.subarray(95)).toEqual(reveal);
  });

  it('changes with every input', () => {
    const base = deriveSeed(plan, nonceHash(nonce), inputs).toString('hex');
    const otherLeaf = Buffer.from(leaf);
    otherLeaf[31]! ^= 1;
    const otherBeacon = Buffer.from(beacon);
    otherBeacon[0]! ^= 1;
    const otherNonce = Buffer.from(nonce);
    otherNonce[5]! ^= 1;
    expect(deriveSeed(plan, nonceHash(nonce), { ...inputs, commitLeafHash: otherLeaf }).toString('hex')).not.toBe(base);
    expect(deriveSeed(plan, nonceHash(nonce), { ...inputs, beaconRandomness: otherBeacon }).toString('hex')).not.toBe(base);
    expect(deriveSeed(plan, nonceHash(otherNonce), { ...inputs, nonce: otherNonce }).toString('hex')).not.toBe(base);
  });

  it('refuses a nonce that does not match the commit', () => {
    expect(codeOf(() => deriveSeed(plan, nonceHash(Buffer.alloc(32, 1)), inputs))).toBe('NONCE_MISMATCH');
    expect(codeOf(() => deriveSeed(plan, nonceHash(nonce), { ...inputs, nonce: Buffer.alloc(16) }))).toBe('INVALID_INPUT');
  });

  it('refuses beacon randomness that the plan does not call for, or lacks', () => {
    expect(codeOf(() => deriveSeed(plan, nonceHash(nonce), { ...inputs, beaconRandomness: null }))).toBe('BEACON_MISMATCH');
    expect(codeOf(() => deriveSeed({ ...plan, beacon: null }, nonceHash(nonce), inputs))).toBe('BEACON_MISMATCH');
    expect(codeOf(() => deriveSeed(plan, nonceHash(nonce), { ...inputs, beaconRandomness: Buffer.alloc(31) }))).toBe('BEACON_MISMATCH');
  });

  it('refuses missing, extra, wrong-sized or unmatched witness reveals', () => {
    expect(codeOf(() => deriveSeed(plan, nonceHash(nonce), { ...inputs, witnessReveals: [] }))).toBe('WITNESS_MISMATCH');
    expect(codeOf(() => deriveSeed(plan, nonceHash(nonce), { ...inputs, witnessReveals: [reveal, reveal] }))).toBe('WITNESS_MISMATCH');
    expect(codeOf(() => deriveSeed(plan, nonceHash(nonce), { ...inputs, witnessReveals: [Buffer.alloc(20, 0x23)] }))).toBe('WITNESS_MISMATCH');
    const short = Buffer.alloc(15, 1);
    expect(codeOf(() => deriveSeed({ ...plan, witnessCommitments: [witnessCommitment(short)] }, nonceHash(nonce), { ...inputs, witnessReveals: [short] }))).toBe('WITNESS_MISMATCH');
  });

  it('states the assurance the plan gives', () => {
    expect(assuranceOf(plan)).toBe('beacon');
    expect(assuranceOf({ beacon: null, witnessCommitments: [witnessCommitment(reveal)] })).toBe('witnessed');
    expect(assuranceOf({ beacon: null, witnessCommitments: [] })).toBe('operator');
  });
});

describe('a planned draw’s seed (§6.2)', () => {
  const payloadHash = createHash('sha256').update('commit payload').digest();
  const planned: EntropyPlan = { beacon: null, witnessCommitments: [witnessCommitment(reveal)], planIndex: 4 };
  const plannedInputs: SeedInputs = { nonce, commitLeafHash: leaf, commitPayloadHash: payloadHash, beaconRandomness: null, witnessReveals: [reveal] };

  it('binds the commit payload’s hash under its own tag, the rest laid out as in v1', () => {
    const msg = seedMessage(plannedInputs, true);
    expect(msg.subarray(0, 27).toString('ascii')).toBe('expert-draw/v1/seed-planned');
    expect(msg.subarray(27, 59)).toEqual(payloadHash);
    expect(msg.readUInt32BE(59)).toBe(0);
    expect(msg.readUInt32BE(63)).toBe(1);
    expect(msg.readUInt32BE(67)).toBe(20);
    expect(msg.subarray(71)).toEqual(reveal);
    expect(msg.includes(leaf)).toBe(false);
    expect(deriveSeed(planned, nonceHash(nonce), plannedInputs)).toEqual(createHmac('sha256', nonce).update(msg).digest());
  });

  it('does not follow the commit leaf hash (its time and prev), but does follow the payload hash and the reveals', () => {
    const base = deriveSeed(planned, nonceHash(nonce), plannedInputs).toString('hex');
    const otherLeaf = Buffer.from(leaf);
    otherLeaf[0]! ^= 1;
    expect(deriveSeed(planned, nonceHash(nonce), { ...plannedInputs, commitLeafHash: otherLeaf }).toString('hex')).toBe(base);
    const otherPayload = Buffer.from(payloadHash);
    otherPayload[31]! ^= 1;
    expect(deriveSeed(planned, nonceHash(nonce), { ...plannedInputs, commitPayloadHash: otherPayload }).toString('hex')).not.toBe(base);
    // The same inputs without the plan index are an unplanned draw: v1's message, another seed.
    const { planIndex: _i, ...unplanned } = planned;
    expect(deriveSeed(unplanned, nonceHash(nonce), plannedInputs).toString('hex')).not.toBe(base);
  });

  it('refuses to derive without the payload hash, or with one of another length', () => {
    expect(codeOf(() => deriveSeed(planned, nonceHash(nonce), { ...plannedInputs, commitPayloadHash: undefined }))).toBe('INVALID_INPUT');
    expect(codeOf(() => deriveSeed(planned, nonceHash(nonce), { ...plannedInputs, commitPayloadHash: payloadHash.subarray(1) }))).toBe('INVALID_INPUT');
  });

  it('is witnessed with a commitment, operator without one: the plan alone is no witness', () => {
    expect(assuranceOf(planned)).toBe('witnessed');
    expect(assuranceOf({ ...planned, witnessCommitments: [] })).toBe('operator');
  });
});
