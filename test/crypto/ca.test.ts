// Site CA: issue and verify, and each stable reason a site certificate is refused.
import { createHash, createPrivateKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { CertificateError, certificateFingerprint, createCa, issueSiteCertificate, verifySiteCertificate, type CertificateErrorCode } from '../../src/crypto/ca.js';
import { open, seal } from '../../src/crypto/sealing.js';

const DAY_MS = 86_400_000;
const now = new Date();
// Three 3072-bit keys in all (two CAs, one site); other site keys are 2048-bit and passed in.
const ca = createCa({ commonName: 'Test Centre Site CA', validDays: 3650 });
const otherCa = createCa({ commonName: 'Test Centre Site CA', validDays: 3650 });
const site = issueSiteCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, siteId: 'site-1', siteName: '第一评标室, "A"', validDays: 825 });

function codeOf(fn: () => unknown): CertificateErrorCode | 'no error' | 'not a CertificateError' {
  try {
    fn();
  } catch (err) {
    return err instanceof CertificateError ? err.code : 'not a CertificateError';
  }
  return 'no error';
}

/**
 * A certificate for any SPKI (forge encodes RSA keys only), signed by the CA with node:crypto: forge builds the
 * to-be-signed part around a placeholder key, whose SubjectPublicKeyInfo is then replaced.
 */
function craftCertificate(spkiDer: Buffer, commonName: string): string {
  const placeholder = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(placeholder);
  cert.serialNumber = '0a0b0c';
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS);
  cert.validity.notAfter = new Date(now.getTime() + DAY_MS);
  cert.setSubject([{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Crafted' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([{ name: 'basicConstraints', cA: false }]);
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  // TBSCertificate: version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, extensions.
  (tbs.value as forge.asn1.Asn1[])[6] = forge.asn1.fromDer(spkiDer.toString('binary'));
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, createPrivateKey(ca.keyPem));
  const { asn1 } = forge;
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids.sha256WithRSAEncryption!).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\0${signature.toString('binary')}`),
  ]);
  return forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(certificate).getBytes() });
}

describe('createCa', () => {
  it('makes a self-signed CA certificate for signing certificates only', () => {
    const x = new X509Certificate(ca.certPem);
    expect(x.ca).toBe(true);
    expect(x.subject).toBe('CN=Test Centre Site CA');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(x.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const f = forge.pki.certificateFromPem(ca.certPem);
    expect(f.getExtension('basicConstraints')).toMatchObject({ cA: true, critical: true });
    expect(f.getExtension('keyUsage')).toMatchObject({ keyCertSign: true, cRLSign: true, keyEncipherment: false, critical: true });
    expect(f.getExtension('subjectKeyIdentifier')).toBeDefined();
    expect(f.siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
  });

  it('refuses a non-positive validity', () => {
    expect(() => createCa({ commonName: 'x', validDays: 0 })).toThrow(RangeError);
  });
});

describe('issueSiteCertificate and verifySiteCertificate', () => {
  it('issues a site certificate that verifies and names the site', () => {
    const v = verifySiteCertificate(site.certPem, ca.certPem, now);
    expect(v).toMatchObject({ siteId: 'site-1', siteName: '第一评标室, "A"' });
    expect(v.fingerprint).toBe(createHash('sha256').update(new X509Certificate(site.certPem).raw).digest('hex'));
    expect(v.fingerprint).toBe(certificateFingerprint(site.certPem));
    expect(v.serial).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(v.serial).not.toMatch(/^00/);
    expect(v.notAfter.getTime() - now.getTime()).toBeGreaterThan(824 * DAY_MS);
    expect(v.notBefore.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(v.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it('sets the extensions of a site certificate', () => {
    const x = new X509Certificate(site.certPem);
    expect(x.ca).toBe(false);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // extKeyUsage: clientAuth
    const f = forge.pki.certificateFromPem(site.certPem);
    expect(f.getExtension('keyUsage')).toMatchObject({ digitalSignature: true, keyEncipherment: true, keyCertSign: false });
    const caSki = (forge.pki.certificateFromPem(ca.certPem).getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier: string }).subjectKeyIdentifier;
    expect(x.toLegacyObject().ext_key_usage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(forge.util.bytesToHex((f.getExtension('authorityKeyIdentifier') as { value: string }).value)).toContain(caSki);
    expect(f.siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
  });

  it('gives the site a private key that opens what is sealed to its certificate', () => {
    const v = verifySiteCertificate(site.certPem, ca.certPem, now);
    const box = seal(Buffer.from('result'), 'draw-1', [{ recipient: v.siteId, publicKey: v.publicKey }]);
    expect(open(box, 'draw-1', 'site-1', createPrivateKey(site.keyPem!)).toString()).toBe('result');
  });

  it("certifies a site's own public key without returning a private key", () => {
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const issued = issueSiteCertificate({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, siteId: 'site-2', siteName: 'Two', validDays: 30, publicKeyPem: own.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    expect(issued.keyPem).toBeUndefined();
    expect(verifySiteCertificate(issued.certPem, ca.certPem, now).publicKey.equals(own.publicKey)).toBe(true);
  });

  it('refuses bad site ids, a small site key, a CA key that is not the CA certificate\'s and a non-CA issuer', () => {
    const base = { caCertPem: ca.certPem, caKeyPem: ca.keyPem, siteName: 'S', validDays: 30 };
    for (const siteId of ['', '-a', '.a', 'a b', 'a/b', 'x'.repeat(65)]) expect(() => issueSiteCertificate({ ...base, siteId })).toThrow(/not a valid site id/);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(codeOf(() => issueSiteCertificate({ ...base, siteId: 's', publicKeyPem: small }))).toBe('CERT_KEY_UNSUPPORTED');
    expect(() => issueSiteCertificate({ ...base, caKeyPem: otherCa.keyPem, siteId: 's' })).toThrow('the CA key does not match the CA certificate');
    expect(() => issueSiteCertificate({ ...base, caCertPem: site.certPem, caKeyPem: site.keyPem!, siteId: 's' })).toThrow(/not a CA/);
  });

  it('never issues a certificate that outlives its CA', () => {
    const short = createCa({ commonName: 'Short CA', validDays: 10 });
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const issued = issueSiteCertificate({ caCertPem: short.certPem, caKeyPem: short.keyPem, siteId: 's', siteName: 'S', validDays: 825, publicKeyPem: own });
    const caAfter = forge.pki.certificateFromPem(short.certPem).validity.notAfter;
    expect(verifySiteCertificate(issued.certPem, short.certPem, now).notAfter).toEqual(caAfter);
  });
});

describe('verifySiteCertificate refuses', () => {
  it('a certificate from another CA: CERT_UNTRUSTED', () => {
    expect(codeOf(() => verifySiteCertificate(site.certPem, otherCa.certPem, now))).toBe('CERT_UNTRUSTED');
    expect(() => verifySiteCertificate(site.certPem, otherCa.certPem, now)).toThrow('the site certificate was not issued by this CA');
  });

  it('the CA certificate presented as a site certificate: CERT_UNTRUSTED', () => {
    expect(codeOf(() => verifySiteCertificate(ca.certPem, ca.certPem, now))).toBe('CERT_UNTRUSTED');
  });

  it('a site certificate as the trust anchor: CERT_UNTRUSTED', () => {
    expect(codeOf(() => verifySiteCertificate(site.certPem, site.certPem, now))).toBe('CERT_UNTRUSTED');
  });

  it('a certificate past its validity or not yet valid: CERT_EXPIRED', () => {
    const { notBefore, notAfter } = verifySiteCertificate(site.certPem, ca.certPem, now);
    expect(codeOf(() => verifySiteCertificate(site.certPem, ca.certPem, new Date(notAfter.getTime() + 1000)))).toBe('CERT_EXPIRED');
    expect(() => verifySiteCertificate(site.certPem, ca.certPem, new Date(now.getTime() + 826 * DAY_MS))).toThrow(/the site certificate expired on/);
    expect(codeOf(() => verifySiteCertificate(site.certPem, ca.certPem, new Date(notBefore.getTime() - 1000)))).toBe('CERT_EXPIRED');
    expect(codeOf(() => verifySiteCertificate(site.certPem, ca.certPem, notAfter))).toBe('no error');
  });

  it('garbage or a truncated certificate: CERT_MALFORMED', () => {
    expect(codeOf(() => verifySiteCertificate('not a certificate', ca.certPem, now))).toBe('CERT_MALFORMED');
    expect(codeOf(() => verifySiteCertificate(site.certPem.slice(0, 400), ca.certPem, now))).toBe('CERT_MALFORMED');
    expect(codeOf(() => verifySiteCertificate(site.certPem, 'garbage', now))).toBe('CERT_MALFORMED');
    expect(codeOf(() => verifySiteCertificate(site.keyPem!, ca.certPem, now))).toBe('CERT_MALFORMED');
  });

  it('a certificate with a flipped signature bit: CERT_UNTRUSTED', () => {
    const der = Buffer.from(new X509Certificate(site.certPem).raw);
    der[der.length - 1]! ^= 0x01;
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    expect(codeOf(() => verifySiteCertificate(pem, ca.certPem, now))).toBe('CERT_UNTRUSTED');
  });

  it('an RSA 1024 or an EC key, even from this CA: CERT_KEY_UNSUPPORTED', () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(() => verifySiteCertificate(craftCertificate(rsa1024, 'small'), ca.certPem, now)).toThrow(/an RSA 1024-bit key; results are sealed only to RSA keys of at least 2048 bits/);
    expect(() => verifySiteCertificate(craftCertificate(ec, 'ec'), ca.certPem, now)).toThrow(/holds a key of type ec;/);
    expect(codeOf(() => verifySiteCertificate(craftCertificate(ec, 'ec'), ca.certPem, now))).toBe('CERT_KEY_UNSUPPORTED');
  });

  it('a certificate from this CA that names no valid site id: CERT_MALFORMED', () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(codeOf(() => verifySiteCertificate(craftCertificate(key, 'site-3'), ca.certPem, now))).toBe('no error');
    expect(() => verifySiteCertificate(craftCertificate(key, '../etc'), ca.certPem, now)).toThrow(/does not name a valid site id/);
  });
});
