// Remote evaluation sites' records: each site with its registered certificate and state.
import { RecordSet } from './record-set.js';

export const SITE_STATES = ['active', 'revoked'] as const;
export type SiteState = (typeof SITE_STATES)[number];

export interface SiteRecord {
  readonly siteId: string;
  readonly siteName: string;
  /** The site certificate, PEM (public). */
  readonly certificate: string;
  /** SHA-256 of the certificate's DER, lower-case hex. */
  readonly fingerprint: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly state: SiteState;
  readonly revokedReason: string | null;
  /**
   * When the site was last revoked (kept when it is renewed): a token issued before it stays refused, so that renewing
   * a site after a leak does not bring its leaked tokens back. Absent on sites never revoked since it was kept.
   */
  readonly revokedAt?: string;
  /**
   * Certificates (fingerprints) and public keys (SHA-256 of the SPKI DER) the site had before a renewal replaced them:
   * neither comes back, so that a key replaced as leaked cannot be reinstated. Absent before the first renewal.
   */
  readonly replaced?: { readonly certificates: readonly string[]; readonly keys: readonly string[] };
  readonly revision: number;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

export const sites = new RecordSet<SiteRecord>('sites', (s) => s.siteId);
