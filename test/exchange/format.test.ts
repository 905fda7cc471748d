// The exchange format's golden example (docs/exchange.md): the fixture is recomputed here from its seed, person key and
// ID numbers, and checked again with node:crypto alone — HMAC, SHA-256, Ed25519 over the documented bytes — so that
// another centre can build the format from the document without this code.
import { createHash, createHmac, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jcs } from '../../src/crypto/canonical.js';
import { documentHash, personHash, personKeyId, signExchange, signedMessage, verifyExchange, type ExchangeDocument } from '../../src/exchange/format.js';
import { NoteSigner, NoteVerifier } from '../../src/log/note.js';

const example = JSON.parse(readFileSync(new URL('./fixtures/example.json', import.meta.url), 'utf8')) as {
  signerSeedHex: string;
  personKeyHex: string;
  idNumbers: string[];
  verifierKey: string;
  signedMessage: string;
  documentHash: string;
  file: { document: ExchangeDocument; signature: { key: string; keyId: string; value: string } };
};
const personKey = Buffer.from(example.personKeyHex, 'hex');

describe('exchange format, golden example', () => {
  it('is reproduced by this code from its seed, person key and ID numbers', () => {
    const signer = NoteSigner.fromSeed(example.file.document.issuer, Buffer.from(example.signerSeedHex, 'hex'));
    expect(signer.verifierKey).toBe(example.verifierKey);
    expect(personKeyId(personKey)).toBe(example.file.document.personKey);
    expect(example.idNumbers.map((n) => personHash(personKey, n)).sort()).toEqual(example.file.document.experts.map((e) => e.person));
    expect(signedMessage(example.file.document).toString('utf8')).toBe(example.signedMessage);
    expect(documentHash(example.file.document)).toBe(example.documentHash);
    expect(signExchange(example.file.document, signer)).toEqual(example.file);
    expect(verifyExchange(example.file, [NoteVerifier.fromKey(example.verifierKey)]).document).toEqual(example.file.document);
  });

  it('is checked with node:crypto alone, from the bytes docs/exchange.md describes', () => {
    const hmac = (text: string) => createHmac('sha256', personKey).update(text, 'utf8').digest('hex');
    expect(hmac('expert-draw/exchange/v1/person-key-id').slice(0, 16)).toBe(example.file.document.personKey);
    expect(example.idNumbers.map((n) => hmac(`expert-draw/exchange/v1/person\n${n}`)).sort()).toEqual(example.file.document.experts.map((e) => e.person));
    const message = Buffer.from(`expert-draw/exchange/v1\n${jcs(example.file.document)}`, 'utf8');
    expect(message.toString('utf8')).toBe(example.signedMessage);
    expect(createHash('sha256').update(message).digest('hex')).toBe(example.documentHash);
    // The verifier key is name+keyid+base64(0x01 ‖ 32-byte Ed25519 public key) (C2SP signed-note).
    const raw = Buffer.from(example.verifierKey.split('+')[2]!, 'base64').subarray(1);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    expect(verify(null, message, key, Buffer.from(example.file.signature.value, 'base64'))).toBe(true);
    expect(example.file.signature.keyId).toBe(example.verifierKey.split('+')[1]);
    // One byte changed in the document: the signature no longer holds.
    const changed = Buffer.from(message.toString('utf8').replace('"late":1', '"late":0'), 'utf8');
    expect(changed.equals(message)).toBe(false);
    expect(verify(null, changed, key, Buffer.from(example.file.signature.value, 'base64'))).toBe(false);
  });

  it('refuses with a stable code: untrusted key, bad signature, malformed file, unsorted people', () => {
    const trusted = [NoteVerifier.fromKey(example.verifierKey)];
    const code = (raw: unknown) => {
      try {
        verifyExchange(raw, trusted);
        return 'accepted';
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    expect(code(example.file)).toBe('accepted');
    expect(code({ ...example.file, signature: { ...example.file.signature, keyId: '00000000' } })).toBe('EXCHANGE_UNTRUSTED_KEY');
    expect(code({ ...example.file, document: { ...example.file.document, issuedAt: '2026-12-02T02:00:00.000Z' } })).toBe('EXCHANGE_BAD_SIGNATURE');
    expect(code({ document: example.file.document })).toBe('EXCHANGE_MALFORMED');
    expect(code('not even an object')).toBe('EXCHANGE_MALFORMED');
    const signer = NoteSigner.fromSeed(example.file.document.issuer, Buffer.from(example.signerSeedHex, 'hex'));
    const reversed = { ...example.file.document, experts: [...example.file.document.experts].reverse() };
    const value = signer.sign(Buffer.from(`expert-draw/exchange/v1\n${jcs(reversed)}`)).toString('base64');
    expect(code({ document: reversed, signature: { ...example.file.signature, value } })).toBe('EXCHANGE_MALFORMED');
  });
});
