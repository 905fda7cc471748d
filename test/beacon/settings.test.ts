// The beacon settings: a published chain pinned by its hash alone, a centre's own chain pinned in full, and every
// incomplete or contradictory combination refused at start naming the variable.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAIN, QUICKNET } from '../../src/beacon/chains.js';
import { beaconSettings, loadConfig } from '../../src/config.js';

const URL_ = 'http://drand.intranet.example:8080';
const own = {
  EXPERT_DRAW_BEACON_URL: URL_,
  EXPERT_DRAW_BEACON_CHAIN: 'ab'.repeat(32),
  EXPERT_DRAW_BEACON_PUBLIC_KEY: QUICKNET.publicKey,
  EXPERT_DRAW_BEACON_PERIOD_S: '1',
  EXPERT_DRAW_BEACON_GENESIS: '1700000000',
  EXPERT_DRAW_BEACON_SCHEME: 'bls-unchained-g1-rfc9380',
};

describe('beacon settings', () => {
  it('are off unless a relay URL is set', () => {
    expect(beaconSettings(loadConfig({}))).toBeNull();
  });

  it('pin quicknet and the default chain by their hash, with the bound of three periods and thirty seconds', () => {
    expect(beaconSettings(loadConfig({ EXPERT_DRAW_BEACON_URL: URL_, EXPERT_DRAW_BEACON_CHAIN: QUICKNET.hash }))).toEqual({ url: URL_, chain: QUICKNET, timeoutMs: 39_000, marginMs: 1000 });
    expect(beaconSettings(loadConfig({ EXPERT_DRAW_BEACON_URL: URL_, EXPERT_DRAW_BEACON_CHAIN: DEFAULT_CHAIN.hash, EXPERT_DRAW_BEACON_TIMEOUT_S: '60' }))).toMatchObject({ chain: DEFAULT_CHAIN, timeoutMs: 60_000 });
  });

  it('pin a chain of the centre’s own when every parameter is given', () => {
    expect(beaconSettings(loadConfig(own))).toMatchObject({ chain: { hash: own.EXPERT_DRAW_BEACON_CHAIN, publicKey: QUICKNET.publicKey, periodS: 1, genesis: 1700000000, scheme: 'bls-unchained-g1-rfc9380' }, timeoutMs: 33_000 });
  });

  it('refuse an unknown chain without its parameters, naming each', () => {
    const { EXPERT_DRAW_BEACON_GENESIS: _g, EXPERT_DRAW_BEACON_SCHEME: _s, ...partial } = own;
    expect(() => loadConfig(partial)).toThrow(/EXPERT_DRAW_BEACON_GENESIS: chain (ab)+ is not a published one[\s\S]*EXPERT_DRAW_BEACON_SCHEME:/);
  });

  it('refuse settings that contradict a published chain, a URL without a chain, and pins without a URL', () => {
    expect(() => loadConfig({ EXPERT_DRAW_BEACON_URL: URL_, EXPERT_DRAW_BEACON_CHAIN: QUICKNET.hash, EXPERT_DRAW_BEACON_PERIOD_S: '30' })).toThrow(/EXPERT_DRAW_BEACON_PERIOD_S: disagrees with the published chain/);
    expect(() => loadConfig({ EXPERT_DRAW_BEACON_URL: URL_ })).toThrow(/EXPERT_DRAW_BEACON_CHAIN: the beacon needs its pinned chain hash/);
    expect(() => loadConfig({ EXPERT_DRAW_BEACON_CHAIN: QUICKNET.hash })).toThrow(/EXPERT_DRAW_BEACON_CHAIN: a beacon setting without EXPERT_DRAW_BEACON_URL/);
    expect(() => loadConfig({ ...own, EXPERT_DRAW_BEACON_SCHEME: 'bls-bn254-unchained-on-g1' })).toThrow(/EXPERT_DRAW_BEACON_SCHEME/);
    expect(() => loadConfig({ ...own, EXPERT_DRAW_BEACON_PUBLIC_KEY: 'abcd' })).toThrow(/EXPERT_DRAW_BEACON_PUBLIC_KEY/);
  });
});
