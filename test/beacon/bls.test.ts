// The BLS curve loaded at its first use (src/beacon/bls.ts): in Node through require, in the console's verifier chunk
// through its own node:module (console/verifier/node-module.ts), which must hand out the same curve; a published
// quicknet round verifies either way.
import { bls12_381 } from '@noble/curves/bls12-381';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { QUICKNET } from '../../src/beacon/chains.js';
import { blsCurve } from '../../src/beacon/bls.js';

// quicknet round 657413 (mcdcam/python-drand-verify README.md, after noislabs/drand-verify), as in rounds.test.ts.
const ROUND = 657413;
const SIGNATURE = 'b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b';

describe('blsCurve', () => {
  afterAll(() => {
    vi.doUnmock('node:module');
    vi.resetModules();
  });

  it('loads @noble/curves’ BLS12-381 once, at the first call', () => {
    const curve = blsCurve();
    expect(blsCurve()).toBe(curve);
    // The CommonJS build of the same library: the same curve, point for point.
    expect(curve.G1.ProjectivePoint.BASE.toHex()).toBe(bls12_381.G1.ProjectivePoint.BASE.toHex());
  });

  it('verifies a published round through the console’s node:module as through Node’s', async () => {
    const { signatureValid } = await import('../../src/beacon/rounds.js');
    expect(signatureValid(QUICKNET, ROUND, SIGNATURE)).toBe(true);
    vi.resetModules();
    vi.doMock('node:module', () => import('../../console/verifier/node-module.js'));
    const browser = await import('../../src/beacon/rounds.js');
    const { blsCurve: browserCurve } = await import('../../src/beacon/bls.js');
    // The chunk's require hands out the curve the chunk imported (ESM), not a second copy.
    expect(browserCurve()).toBe(bls12_381);
    expect(browser.signatureValid(QUICKNET, ROUND, SIGNATURE)).toBe(true);
    expect(browser.signatureValid(QUICKNET, ROUND + 1, SIGNATURE)).toBe(false);
  });
});
