import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PersonalDataVault } from '../../src/crypto/personal-data.js';

// A fixed X25519 sealing key (PKCS#8 DER: the RFC 8410 prefix, then 32 bytes of 0x07), so sealed values are reproducible.
const KEY = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' });
const vault = new PersonalDataVault(KEY);
// Sealed by the vault as it was before sealBytes wrote into one buffer (base64(iv ‖ ciphertext ‖ tag)): stored
// values must keep opening.
const GOLDEN_JSON = 'KyCQSacA33JFUlSEnUFwH0dXk9wWGpJwaGDxspLO6hs2Neau2r9ccbhgsJMrbbYbloiODRjd38m17RnaPFVMtsr5LbO4s0sCORFEVmRohwOiXBoFixki';
const GOLDEN_EMPTY = 'bUvGYX4qc7rmxLU8cxLTN/Fea0xMTdOBccCJ5w==';

describe('PersonalDataVault sealing', () => {
  it('opens values sealed before (the stored format is unchanged)', () => {
    expect(vault.openJson('rosters/D-golden', GOLDEN_JSON)).toEqual({ drawId: 'D-golden', venue: '评标室 3', calls: [1, 2, 3] });
    expect(vault.openBytes('answers/A-1', GOLDEN_EMPTY)).toEqual(Buffer.alloc(0));
  });

  it('writes iv ‖ ciphertext ‖ tag: 12 + length + 16 bytes, and opens what it sealed', () => {
    for (const text of ['', 'a', '评标室', 'x'.repeat(10_000)]) {
      const plaintext = Buffer.from(text, 'utf8');
      const sealed = vault.sealBytes('answers/A-2', plaintext);
      expect(Buffer.from(sealed, 'base64')).toHaveLength(12 + plaintext.length + 16);
      expect(vault.openBytes('answers/A-2', sealed)).toEqual(plaintext);
    }
  });

  it('draws a fresh nonce for every seal (no two of 2,000 seals of one value share an iv)', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 2000; i++) ivs.add(Buffer.from(vault.sealJson('rosters/D-1', { n: 1 }), 'base64').subarray(0, 12).toString('hex'));
    expect(ivs.size).toBe(2000);
  });

  it('refuses a value under another context or with a changed byte', () => {
    const sealed = vault.sealJson('rosters/D-1', { n: 1 });
    expect(() => vault.openJson('rosters/D-2', sealed)).toThrow();
    const raw = Buffer.from(sealed, 'base64');
    for (const at of [0, 12, raw.length - 1]) {
      const forged = Buffer.from(raw);
      forged[at]! ^= 1;
      expect(() => vault.openJson('rosters/D-1', forged.toString('base64'))).toThrow();
    }
  });
});
