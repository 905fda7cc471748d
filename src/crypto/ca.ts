// The centre's certificate authority for remote evaluation sites: a self-signed CA certifies each site's RSA key, and
// the service seals results to a site only through a certificate this CA signed. node-forge builds and signs the
// certificates; keys come from node:crypto (forge's key generation is far slower), and verification is OpenSSL's.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { SITE_ID_PATTERN } from '../domain/primitives.js';
import { msg, type Localized } from '../i18n/message.js';
import { MIN_RSA_BITS } from './sealing.js';

export { SITE_ID_PATTERN };
const KEY_BITS = 3072;
const SERIAL_BYTES = 16;
/** notBefore is set this far back so a site whose clock runs a little slow accepts a fresh certificate. */
const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const UTF8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;

export type CertificateErrorCode = 'CERT_MALFORMED' | 'CERT_UNTRUSTED' | 'CERT_EXPIRED' | 'CERT_KEY_UNSUPPORTED';

/** A site certificate that cannot be used; `code` is stable, the message says why. */
export class CertificateError extends Error {
  constructor(
    readonly code: CertificateErrorCode,
    /** The reason in either language; `message` holds its English text. */
    readonly localized: Localized,
    options?: { cause?: unknown },
  ) {
    super(localized.text('en'), options);
    this.name = 'CertificateError';
  }
}

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface VerifiedSite {
  readonly siteId: string;
  readonly siteName: string;
  /** The site's RSA public key, to seal results to. */
  readonly publicKey: KeyObject;
  /** SHA-256 of the certificate's DER, lower-case hex. */
  readonly fingerprint: string;
  /** Serial number, lower-case hex. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function checkDays(days: number): void {
  if (!Number.isInteger(days) || days < 1) throw new RangeError('validDays must be a positive whole number');
}

/** A random positive 16-byte serial (RFC 5280 §4.1.2.2); a leading byte of 1–127 keeps the DER integer minimal. */
function randomSerial(): string {
  const bytes = randomBytes(SERIAL_BYTES);
  bytes[0] = (bytes[0]! & 0x7f) || 1;
  return bytes.toString('hex');
}

function rsaKeyPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: KEY_BITS });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function rsaBits(key: KeyObject): number {
  return key.asymmetricKeyType === 'rsa' ? (key.asymmetricKeyDetails?.modulusLength ?? 0) : 0;
}

function newCertificate(publicPem: string, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = randomSerial();
  // Whole seconds: X.509 times have no fraction, and a round trip must give back the same Date.
  cert.validity.notBefore = new Date(Math.floor(notBefore.getTime() / 1000) * 1000);
  cert.validity.notAfter = new Date(Math.floor(notAfter.getTime() / 1000) * 1000);
  return cert;
}

/** Creates a self-signed CA (RSA 3072, SHA-256) that may sign certificates and CRLs only. */
export function createCa(options: { commonName: string; validDays: number; now?: Date }): PemPair {
  checkDays(options.validDays);
  if (options.commonName.trim() === '') throw new Error('the CA needs a common name');
  const now = options.now ?? new Date();
  const keys = rsaKeyPair();
  const cert = newCertificate(keys.publicPem, new Date(now.getTime() - CLOCK_SKEW_MS), new Date(now.getTime() + options.validDays * DAY_MS));
  const name = [{ name: 'commonName', value: options.commonName, valueTagClass: UTF8 }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privatePem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

export interface IssueSiteOptions {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly validDays: number;
  /** The site's own RSA public key (SPKI PEM); without it a key pair is generated and its private key returned. */
  readonly publicKeyPem?: string;
  readonly now?: Date;
}

/** Issues a site certificate (subject CN = site id, O = site name) signed by the CA; never outlives the CA. */
export function issueSiteCertificate(options: IssueSiteOptions): { certPem: string; keyPem?: string } {
  checkDays(options.validDays);
  if (!SITE_ID_PATTERN.test(options.siteId)) throw new Error(`not a valid site id: ${JSON.stringify(options.siteId)} (letters, digits, . _ -; at most 64)`);
  if (options.siteName.trim() === '') throw new Error('the site needs a name');
  const now = options.now ?? new Date();

  const caKey = createPrivateKey(options.caKeyPem);
  const caX509 = new X509Certificate(options.caCertPem);
  if (!caX509.ca) throw new Error('the CA certificate is not a CA (basicConstraints cA is not set)');
  // A CA key that does not belong to the CA certificate would issue certificates that never verify.
  if (!caX509.checkPrivateKey(caKey)) throw new Error('the CA key does not match the CA certificate');
  const caCert = forge.pki.certificateFromPem(options.caCertPem);
  if (now > caCert.validity.notAfter) throw new Error(`the CA certificate expired on ${caCert.validity.notAfter.toISOString()}`);

  let keys: { publicPem: string; privatePem?: string };
  if (options.publicKeyPem === undefined) {
    keys = rsaKeyPair();
  } else {
    const bits = rsaBits(createPublicKey(options.publicKeyPem));
    if (bits < MIN_RSA_BITS) throw new CertificateError('CERT_KEY_UNSUPPORTED', msg('certificate.weakKey', { bits: MIN_RSA_BITS }));
    keys = { publicPem: options.publicKeyPem };
  }

  const notAfter = Math.min(now.getTime() + options.validDays * DAY_MS, caCert.validity.notAfter.getTime());
  const cert = newCertificate(keys.publicPem, new Date(now.getTime() - CLOCK_SKEW_MS), new Date(notAfter));
  cert.setSubject([
    { name: 'commonName', value: options.siteId, valueTagClass: UTF8 },
    { name: 'organizationName', value: options.siteName, valueTagClass: UTF8 },
  ]);
  cert.setIssuer(caCert.subject.attributes.map(decodedAttribute));
  const caSki = (caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined)?.subjectKeyIdentifier;
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caSki ? forge.util.hexToBytes(caSki) : caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(options.caKeyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return keys.privatePem === undefined ? { certPem } : { certPem, keyPem: keys.privatePem };
}

/** SHA-256 of a certificate's DER, lower-case hex: what an operator compares out of band. */
export function certificateFingerprint(certPem: string): string {
  return createHash('sha256').update(parseX509(certPem, msg('certificate.any')).raw).digest('hex');
}

function parseX509(pem: string, what: Localized): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new CertificateError('CERT_MALFORMED', msg('certificate.notPem', { what }), { cause: err });
  }
}

function parseForge(pem: string, what: Localized): forge.pki.Certificate {
  try {
    return forge.pki.certificateFromPem(pem);
  } catch (err) {
    throw new CertificateError('CERT_MALFORMED', msg('certificate.unreadable', { what, reason: err instanceof Error ? err.message : String(err) }), { cause: err });
  }
}

/** forge parses UTF8String values as raw bytes but encodes the ones it is given: decode before reading or reusing. */
function decodedAttribute(attr: forge.pki.CertificateField): forge.pki.CertificateField {
  return attr.valueTagClass === UTF8 && typeof attr.value === 'string' ? { ...attr, value: forge.util.decodeUtf8(attr.value) } : attr;
}

function field(cert: forge.pki.Certificate, shortName: string): string | undefined {
  const attr = cert.subject.attributes.find((a) => a.shortName === shortName);
  const value = attr ? decodedAttribute(attr).value : undefined;
  return typeof value === 'string' ? value : undefined;
}

function checkValidity(cert: forge.pki.Certificate, now: Date, what: Localized): void {
  const { notBefore, notAfter } = cert.validity;
  if (now < notBefore) throw new CertificateError('CERT_EXPIRED', msg('certificate.notYetValid', { what, time: notBefore.toISOString() }));
  if (now > notAfter) throw new CertificateError('CERT_EXPIRED', msg('certificate.expired', { what, time: notAfter.toISOString() }));
}

/**
 * Checks that `certPem` is a site certificate issued by the CA, valid at `now`, for an RSA key the service can seal
 * to; returns the site it names. Throws CertificateError otherwise.
 */
export function verifySiteCertificate(certPem: string, caCertPem: string, now: Date): VerifiedSite {
  const ca = parseX509(caCertPem, msg('certificate.ca'));
  const site = parseX509(certPem, msg('certificate.site'));
  if (!ca.ca) throw new CertificateError('CERT_UNTRUSTED', msg('certificate.notCa'));
  // Checked before anything else is believed: the signature, by OpenSSL, against the pinned CA key.
  if (!site.checkIssued(ca) || !site.verify(ca.publicKey)) throw new CertificateError('CERT_UNTRUSTED', msg('certificate.notIssued'));
  if (site.ca) throw new CertificateError('CERT_UNTRUSTED', msg('certificate.caNotSite'));
  const bits = rsaBits(site.publicKey);
  if (bits < MIN_RSA_BITS) {
    const kind = site.publicKey.asymmetricKeyType === 'rsa' ? msg('certificate.rsaKey', { bits }) : msg('certificate.otherKey', { type: site.publicKey.asymmetricKeyType ?? 'unknown' });
    throw new CertificateError('CERT_KEY_UNSUPPORTED', msg('certificate.keyKind', { kind, bits: MIN_RSA_BITS }));
  }
  const caCert = parseForge(caCertPem, msg('certificate.ca'));
  const cert = parseForge(certPem, msg('certificate.site'));
  checkValidity(caCert, now, msg('certificate.ca'));
  checkValidity(cert, now, msg('certificate.site'));
  const siteId = field(cert, 'CN');
  const siteName = field(cert, 'O');
  if (siteId === undefined || !SITE_ID_PATTERN.test(siteId)) throw new CertificateError('CERT_MALFORMED', msg('certificate.noSiteId'));
  if (siteName === undefined || siteName === '') throw new CertificateError('CERT_MALFORMED', msg('certificate.noSiteName'));
  return {
    siteId,
    siteName,
    publicKey: site.publicKey,
    fingerprint: createHash('sha256').update(site.raw).digest('hex'),
    serial: site.serialNumber.toLowerCase(),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
  };
}
