// drand round verification against rounds the League of Entropy actually published, and the chain hash against the
// chains' published info. Any change to the message, the DST, the curve roles or the hash layout fails here.
import { createHash } from 'node:crypto';
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { describe, expect, it } from 'vitest';
import { chainDifference, chainHash, chainOfInfo, DEFAULT_CHAIN, QUICKNET, type BeaconChain } from '../../src/beacon/chains.js';
import { DST_G1, roundAfter, roundAt, roundMessage, roundTimeMs, RoundRejected, signatureValid, verifyRound } from '../../src/beacon/rounds.js';

// quicknet's /info as drand publishes it (drand/tlock-js, src/drand/defaults.ts, MAINNET_CHAIN_INFO).
const QUICKNET_INFO = {
  public_key: QUICKNET.publicKey,
  period: 3,
  genesis_time: 1692803367,
  hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  groupHash: 'f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e',
  schemeID: 'bls-unchained-g1-rfc9380',
  metadata: { beaconID: 'quicknet' },
};
// The default chain's /info (ChainSafe/forest, types/networks/src/drand.rs, DRAND_MAINNET), scheme and id as its relays add them.
const DEFAULT_INFO = {
  public_key: DEFAULT_CHAIN.publicKey,
  period: 30,
  genesis_time: 1595431050,
  hash: '8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce',
  groupHash: '176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a',
  schemeID: 'pedersen-bls-chained',
  metadata: { beaconID: 'default' },
};
// Published rounds, with the randomness drand gave for them (mcdcam/python-drand-verify README.md, after
// noislabs/drand-verify): quicknet round 657413 and default-chain round 3311596.
const QUICKNET_ROUND = {
  round: 657413,
  signature: 'b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b',
  randomness: 'fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587',
};
const DEFAULT_ROUND = {
  round: 3311596,
  previous_signature:
    '8ed588f2a7716fb1349e2d9803da5db0005e98a83783c353d4a08f183236a9ad91d70ddb01266f4b7c576983db464b430e65680b9e0098552758afd6c1e6afcb77e3f62fe1b93d42d1cb63abbb2205512fe12fbf74ea9c5ac3b8f5c1e283a1d8',
  signature:
    'a696b9409ababce45749c3a4ec369074453dd4a79967734e1390d969c8ad8d98897d217b9121e92c8ddebbddda8d92f900e3bd6bf9deb166863b1a19390d743f82774001487594c5c09e581db7365f02b70a2c8cc41ce32446ef08e4890c4754',
  randomness: '647c07b2abbf7ff2afb4d670214f565e5cd9f9c91bfdcecb59a21f3c78d73920',
};

const flip = (hex: string, at = 10) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
const rejection = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof RoundRejected) return err.reason;
    throw err;
  }
  return null;
};

describe('published drand rounds', () => {
  it('verifies quicknet round 657413 (bls-unchained-g1-rfc9380) and derives its published randomness', () => {
    expect(verifyRound(QUICKNET, 657413, QUICKNET_ROUND)).toEqual({ chain: QUICKNET.hash, round: 657413, randomness: QUICKNET_ROUND.randomness, signature: QUICKNET_ROUND.signature });
    // The randomness is not needed from the relay: it is SHA-256 of the signature.
    const { randomness: _r, ...bare } = QUICKNET_ROUND;
    expect(verifyRound(QUICKNET, 657413, bare).randomness).toBe(QUICKNET_ROUND.randomness);
  });

  it('verifies default-chain round 3311596 (pedersen-bls-chained) over its previous signature', () => {
    expect(verifyRound(DEFAULT_CHAIN, 3311596, DEFAULT_ROUND)).toMatchObject({ randomness: DEFAULT_ROUND.randomness, previousSignature: DEFAULT_ROUND.previous_signature });
  });

  it('refuses the signature for another round, a changed signature, another key, a wrong randomness', () => {
    expect(signatureValid(QUICKNET, 657414, QUICKNET_ROUND.signature)).toBe(false);
    expect(rejection(() => verifyRound(QUICKNET, 657414, { ...QUICKNET_ROUND, round: 657414 }))).toMatch(/does not verify/);
    expect(rejection(() => verifyRound(QUICKNET, 657413, { ...QUICKNET_ROUND, signature: flip(QUICKNET_ROUND.signature) }))).toMatch(/does not verify/);
    const otherKey: BeaconChain = { ...QUICKNET, publicKey: bls.shortSignatures.getPublicKey(bls.utils.randomSecretKey()).toHex() };
    expect(rejection(() => verifyRound(otherKey, 657413, QUICKNET_ROUND))).toMatch(/does not verify/);
    expect(rejection(() => verifyRound(QUICKNET, 657413, { ...QUICKNET_ROUND, randomness: flip(QUICKNET_ROUND.randomness) }))).toMatch(/randomness/);
    expect(rejection(() => verifyRound(DEFAULT_CHAIN, 3311596, { ...DEFAULT_ROUND, previous_signature: flip(DEFAULT_ROUND.previous_signature) }))).toMatch(/does not verify/);
    expect(rejection(() => verifyRound(DEFAULT_CHAIN, 3311596, { ...DEFAULT_ROUND, previous_signature: undefined }))).toMatch(/previous signature/);
  });

  it('refuses another round than the one asked for, and malformed answers', () => {
    expect(rejection(() => verifyRound(QUICKNET, 657412, QUICKNET_ROUND))).toBe('round 657413 served for round 657412');
    expect(rejection(() => verifyRound(QUICKNET, 657413, { round: 657413, signature: 'zz' }))).toMatch(/malformed/);
    expect(rejection(() => verifyRound(QUICKNET, 657413, null))).toMatch(/malformed/);
    // A signature that is not a curve point is invalid, not an exception.
    expect(signatureValid(QUICKNET, 657413, 'ff'.repeat(48))).toBe(false);
  });

  it('signs quicknet messages as SHA-256(u64be(round)) on G1 with the RFC 9380 G1 suite', () => {
    expect(roundMessage(QUICKNET, 657413).toString('hex')).toBe(createHash('sha256').update(Buffer.from('00000000000a0805', 'hex')).digest('hex'));
    expect(DST_G1).toBe('BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_');
  });
});

describe('chain hashes', () => {
  it('hash the published infos of quicknet and the default chain to their published chain hashes', () => {
    expect(chainOfInfo(QUICKNET_INFO)).toEqual(QUICKNET);
    expect(chainOfInfo(DEFAULT_INFO)).toEqual(DEFAULT_CHAIN);
    expect(chainHash({ periodS: 30, genesis: 1595431050, publicKey: DEFAULT_CHAIN.publicKey, groupHash: DEFAULT_INFO.groupHash })).toBe(DEFAULT_CHAIN.hash);
  });

  it('refuses an info whose fields do not hash to the hash it claims, or a scheme we do not verify', () => {
    expect(() => chainOfInfo({ ...QUICKNET_INFO, genesis_time: 1692803368 })).toThrow(/hashes to/);
    expect(() => chainOfInfo({ ...QUICKNET_INFO, public_key: DEFAULT_CHAIN.publicKey })).toThrow(/hashes to/);
    expect(() => chainOfInfo({ ...QUICKNET_INFO, schemeID: 'bls-bn254-unchained-on-g1' })).toThrow(/scheme/);
  });

  it('names the first pinned field two chains differ in', () => {
    expect(chainDifference(QUICKNET, QUICKNET)).toBeNull();
    expect(chainDifference(QUICKNET, DEFAULT_CHAIN)).toMatch(/^hash /);
    expect(chainDifference(QUICKNET, { ...QUICKNET, periodS: 30 })).toBe('periodS 30, pinned 3');
  });
});

describe('round times', () => {
  const chain: BeaconChain = { ...QUICKNET, genesis: 1000, periodS: 3 };
  it('publishes round 1 at genesis and one round per period', () => {
    expect(roundTimeMs(chain, 1)).toBe(1_000_000);
    expect(roundTimeMs(chain, 4)).toBe(1_009_000);
    expect(roundAt(chain, 999_999)).toBe(0);
    expect(roundAt(chain, 1_000_000)).toBe(1);
    expect(roundAt(chain, 1_008_999)).toBe(3);
    expect(roundAt(chain, 1_009_000)).toBe(4);
  });

  it('names the first round published strictly after the commit time plus the margin', () => {
    for (const commit of [999_000, 1_000_000, 1_004_500, 1_008_999, 1_009_000]) {
      for (const margin of [0, 1000, 2500]) {
        const r = roundAfter(chain, commit, margin);
        expect(roundTimeMs(chain, r)).toBeGreaterThan(commit + margin);
        // …and the first such: the round before it is published by then (or there is none before round 1).
        expect(r === 1 || roundTimeMs(chain, r - 1) <= commit + margin).toBe(true);
      }
    }
  });
});
