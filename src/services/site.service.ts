// Remote evaluation sites (远程异地评标): registered by an admin with a certificate the centre's site CA signed. A site's
// draws are sealed to its key as well as the service's; its tokens reach only its own projects. Every change is a log
// entry committed with the site record.
import { CLOCK_SKEW_S } from '../auth/tokens.js';
import type { EntryPayloads, EntryType, ServiceLog } from '../audit/entries.js';
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TokenClaims } from '../auth/roles.js';
import { CertificateError, verifySiteCertificate, type VerifiedSite } from '../crypto/ca.js';
import { AppError } from '../errors.js';
import { msg, type Message } from '../i18n/message.js';
import { RecordConflictError, type Store } from '../store/store.js';
import { sites, type SiteRecord, type SiteState } from '../records/sites.js';

/** The service's own recipient label in sealed boxes: no site may take it. */
const RESERVED_SITE_IDS = new Set(['service']);

/** What a draw seals to: the site's recipient label, its key and the certificate that vouched for it. */
export interface SiteRecipient {
  readonly recipient: string;
  readonly publicKey: KeyObject;
  readonly fingerprint: string;
}

export class SiteService {
  /** Verified certificates by SHA-256 of (CA PEM, site PEM): a site's draws parse its certificate once per process. */
  private readonly verified = new Map<string, VerifiedSite>();
  private caPem: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly log: ServiceLog,
    private readonly caFile: string,
    private readonly now: () => number,
  ) {}

  /** Registers a site from its certificate; the site id and name come from the certificate. */
  async register(certificatePem: string, by: TokenClaims): Promise<SiteRecord> {
    const site = this.verify(certificatePem);
    await this.refuseRetiredKey(site);
    const at = new Date(this.now()).toISOString();
    const record: SiteRecord = { ...this.certificateFields(site, certificatePem), state: 'active', revokedReason: null, revision: 1, registeredAt: at, updatedAt: at };
    await this.write('site.registered', { siteId: site.siteId, siteName: site.siteName, fingerprint: site.fingerprint, serial: site.serial, notAfter: record.notAfter, by: by.sub }, record, null, msg('site.exists', { id: site.siteId }));
    return record;
  }

  /** Replaces a site's certificate (renewal, or a new key after a leak); reactivates a revoked site. */
  async renew(siteId: string, certificatePem: string, by: TokenClaims): Promise<SiteRecord> {
    const { record, raw } = await this.get(siteId);
    const site = this.verify(certificatePem);
    if (site.siteId !== siteId) throw new AppError('CONFLICT', msg('site.otherSite', { named: site.siteId, id: siteId }));
    if (site.fingerprint === record.fingerprint) throw new AppError('CONFLICT', msg('site.sameCertificate', { id: siteId }));
    // A renewal is one way: the certificate it replaces, and the key when it changes, never come back.
    const replaced = record.replaced ?? { certificates: [], keys: [] };
    if (replaced.certificates.includes(site.fingerprint)) throw new AppError('CONFLICT', msg('site.replacedCertificate', { id: siteId }));
    await this.refuseRetiredKey(site);
    const newKey = keyFingerprint(site.publicKey);
    const oldKey = keyFingerprint(new X509Certificate(record.certificate).publicKey);
    const after = { certificates: [...replaced.certificates, record.fingerprint], keys: oldKey === newKey ? replaced.keys : [...replaced.keys, oldKey] };
    // A site revoked before its revocation time was kept: the revocation was its last change.
    const revokedAt = record.revokedAt ?? (record.state === 'revoked' ? record.updatedAt : undefined);
    const next: SiteRecord = { ...record, ...this.certificateFields(site, certificatePem), state: 'active', revokedReason: null, ...(revokedAt ? { revokedAt } : {}), replaced: after, revision: record.revision + 1, updatedAt: new Date(this.now()).toISOString() };
    await this.write('site.renewed', { siteId, from: record.fingerprint, to: site.fingerprint, serial: site.serial, notAfter: next.notAfter, reactivated: record.state === 'revoked', by: by.sub }, next, raw);
    return next;
  }

  /** A key any site moved away from at a renewal never comes back, under this site id or another (409). */
  private async refuseRetiredKey(site: VerifiedSite): Promise<void> {
    const key = keyFingerprint(site.publicKey);
    for (const { value: other } of await sites.list(this.store)) {
      if (other.replaced?.keys.includes(key)) throw new AppError('CONFLICT', msg('site.retiredKey', { id: other.siteId }));
    }
  }

  /** Stops sealing to a site and refuses its tokens; its scheduled draws fail visibly until it is renewed. */
  async revoke(siteId: string, reason: string, by: TokenClaims): Promise<SiteRecord> {
    const { record, raw } = await this.get(siteId);
    if (record.state === 'revoked') throw new AppError('CONFLICT', msg('site.alreadyRevoked', { id: siteId }));
    const at = new Date(this.now()).toISOString();
    const next: SiteRecord = { ...record, state: 'revoked', revokedReason: reason, revokedAt: at, revision: record.revision + 1, updatedAt: at };
    await this.write('site.revoked', { siteId, fingerprint: record.fingerprint, reason, by: by.sub }, next, raw);
    return next;
  }

  /** Registered and not revoked: its desk may check experts in, and its seats may be passed on. */
  async serves(siteId: string): Promise<boolean> {
    return (await sites.read(this.store, siteId))?.value.state === 'active';
  }

  async get(siteId: string): Promise<{ record: SiteRecord; raw: Buffer }> {
    const found = await sites.read(this.store, siteId);
    if (!found) throw new AppError('NOT_FOUND', msg('site.notFound', { id: siteId }));
    return { record: found.value, raw: found.raw };
  }

  async all(): Promise<SiteRecord[]> {
    return (await sites.list(this.store)).map((r) => r.value).sort((a, b) => a.siteId.localeCompare(b.siteId));
  }

  /** A site token's site must be registered and active; otherwise the token reaches nothing. */
  async requireActive(siteId: string): Promise<SiteRecord> {
    const record = (await sites.read(this.store, siteId))?.value;
    if (!record) throw new AppError('FORBIDDEN', msg('auth.siteUnknown', { site: siteId }));
    if (record.state !== 'active') throw new AppError('FORBIDDEN', msg('auth.siteRevoked', { site: siteId }));
    return record;
  }

  /** Whether the site is registered and active now (its people may log in). */
  async isActive(siteId: string): Promise<boolean> {
    return (await sites.read(this.store, siteId))?.value.state === 'active';
  }

  /**
   * The state of a site a token names, for the authorization policy: unknown when it is not registered here, and
   * revoked for a token issued (`iat`, seconds) before the site's last revocation, even once it is renewed.
   */
  async stateFor(siteId: string, token: { readonly iat: number; readonly sid?: string }): Promise<SiteState | 'unknown' | 'token-revoked'> {
    const record = (await sites.read(this.store, siteId))?.value;
    if (!record) return 'unknown';
    if (record.state === 'active' && record.revokedAt !== undefined && token.iat * 1000 <= Date.parse(record.revokedAt) + this.margin(token)) return 'token-revoked';
    return record.state;
  }

  /**
   * A machine token (`expert-draw token issue`, on another host) may be dated up to CLOCK_SKEW_S ahead of this clock:
   * one minted just before the revocation on a clock that runs ahead is refused as well, and so, for that minute, are
   * new ones. A person's token needs no margin: the revocation ended their sessions, and no login is taken until the
   * site is renewed, so any session alive after it was opened after the renewal.
   */
  private margin(token: { readonly sid?: string }): number {
    return token.sid === undefined ? CLOCK_SKEW_S * 1000 : 0;
  }

  /**
   * The key a site's draw is sealed to. The stored certificate is checked again against the CA (a record changed in
   * the store cannot redirect a result) and must be valid now.
   */
  async recipient(siteId: string): Promise<SiteRecipient> {
    const record = (await sites.read(this.store, siteId))?.value;
    if (!record) throw new AppError('SITE_UNAVAILABLE', msg('site.unregistered', { id: siteId }));
    if (record.state !== 'active') throw new AppError('SITE_UNAVAILABLE', msg('site.revokedNoSeal', { id: siteId }));
    let site: VerifiedSite;
    try {
      site = this.verifyCached(record.certificate);
    } catch (err) {
      if (err instanceof CertificateError || (err instanceof AppError && err.code === 'SITE_CA_MISSING')) throw new AppError('SITE_UNAVAILABLE', msg('site.unusable', { id: siteId, reason: err.localized }));
      throw err;
    }
    const now = this.now();
    if (now < site.notBefore.getTime() || now > site.notAfter.getTime()) throw new AppError('SITE_UNAVAILABLE', msg('site.notValidNow', { id: siteId, until: site.notAfter.toISOString() }));
    if (site.siteId !== siteId || site.fingerprint !== record.fingerprint) throw new AppError('SITE_UNAVAILABLE', msg('site.storedMismatch', { id: siteId }));
    return { recipient: siteId, publicKey: site.publicKey, fingerprint: site.fingerprint };
  }

  private ca(): string {
    if (this.caPem !== null) return this.caPem;
    try {
      this.caPem = readFileSync(this.caFile, 'utf8');
    } catch {
      throw new AppError('SITE_CA_MISSING', msg('site.caMissing', { file: this.caFile }));
    }
    return this.caPem;
  }

  /** Full check at the current time, for registration and renewal: every certificate problem is a 422 with its code. */
  private verify(certificatePem: string): VerifiedSite {
    const caPem = this.ca();
    let site: VerifiedSite;
    try {
      site = verifySiteCertificate(certificatePem, caPem, new Date(this.now()));
    } catch (err) {
      if (err instanceof CertificateError) throw new AppError(err.code, err.localized);
      throw err;
    }
    if (RESERVED_SITE_IDS.has(site.siteId)) throw new AppError('CERT_MALFORMED', msg('site.reservedId', { id: site.siteId }));
    return site;
  }

  /**
   * The full check once per certificate per process (node-forge parsing is slow; the draw path must not repeat it);
   * the caller checks the site certificate's validity against its own time on every use.
   */
  private verifyCached(certificatePem: string): VerifiedSite {
    const caPem = this.ca();
    const key = createHash('sha256').update(caPem).update('\0').update(certificatePem).digest('hex');
    let site = this.verified.get(key);
    if (!site) {
      site = verifySiteCertificate(certificatePem, caPem, new Date(this.now()));
      this.verified.set(key, site);
    }
    return site;
  }

  private certificateFields(site: VerifiedSite, certificate: string) {
    return { siteId: site.siteId, siteName: site.siteName, certificate, fingerprint: site.fingerprint, serial: site.serial, notBefore: site.notBefore.toISOString(), notAfter: site.notAfter.toISOString() };
  }

  private async write<T extends EntryType>(type: T, payload: EntryPayloads[T], next: SiteRecord, expected: Buffer | null, conflict?: Message): Promise<void> {
    try {
      await this.log.append(type, payload, { writes: [sites.write(next)], expects: [sites.expect(next.siteId, expected)] });
    } catch (err) {
      if (err instanceof RecordConflictError) throw new AppError('CONFLICT', conflict ?? msg('site.changed', { id: next.siteId }));
      throw err;
    }
  }
}

/** SHA-256 of a public key's SPKI DER, lower-case hex: the same key in any certificate. */
function keyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}
