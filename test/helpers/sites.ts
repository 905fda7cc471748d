// A site CA for route tests, installed where the service looks for it (<keys dir>/ca/ca.pem), and site certificates
// with their private keys. 2048-bit site keys keep the tests quick; the CA is the real `ca init` one.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, issueSiteCertificate, type PemPair } from '../../src/crypto/ca.js';
import type { Built } from '../helper.js';

export interface TestSite {
  readonly siteId: string;
  readonly certPem: string;
  readonly privateKey: KeyObject;
}

export interface TestCa {
  readonly ca: PemPair;
  /** A certificate for `siteId` with a fresh key pair (or the given key), issued at `now`. */
  issue(siteId: string, options?: { validDays?: number; now?: Date; privateKey?: KeyObject }): TestSite;
}

export function testCa(): TestCa {
  const ca = createCa({ commonName: 'Test Centre Site CA', validDays: 3650, now: new Date('2026-01-01T00:00:00Z') });
  return {
    ca,
    issue(siteId, options = {}) {
      const privateKey = options.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
      const { certPem } = issueSiteCertificate({
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        siteId,
        siteName: `远程评标站 ${siteId}`,
        validDays: options.validDays ?? 825,
        publicKeyPem,
        now: options.now ?? new Date('2026-06-01T00:00:00Z'),
      });
      return { siteId, certPem, privateKey };
    },
  };
}

/** Puts the CA certificate where the service of `t` reads it (its default EXPERT_DRAW_SITE_CA_FILE). */
export function installCa(t: Built, ca: PemPair): void {
  const dir = join(t.config.EXPERT_DRAW_KEYS_DIR, 'ca');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
}
