// Sealing: round trips to X25519 and RSA recipients, mixed boxes, every way a box must refuse to open, export files.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, openExport, parseExport, seal, toExport, type SealedBox, type WrappedKey } from '../../src/crypto/sealing.js';

// RSA 2048 keeps the suite fast; the CA issues 3072-bit keys, which take the same code path.
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const service = generateKeyPairSync('x25519');
const otherX25519 = generateKeyPairSync('x25519');
const siteA = rsa();
const siteB = rsa();
const plaintext = Buffer.from(JSON.stringify({ drawId: 'draw-1', experts: ['e-1', 'e-2'], note: '评标专家' }));

const sealMixed = (context = 'draw-1') =>
  seal(plaintext, context, [
    { recipient: 'service', publicKey: service.publicKey },
    { recipient: 'site-a', publicKey: siteA.publicKey },
    { recipient: 'site-b', publicKey: siteB.publicKey },
  ]);

/** Flips one bit of the byte at `index` (negative counts from the end) of a base64 field. */
function flip(base64: string, index: number): string {
  const b = Buffer.from(base64, 'base64');
  const i = index < 0 ? b.length + index : index;
  b[i] = b[i]! ^ 0x01;
  return b.toString('base64');
}

function withKey(box: SealedBox, recipient: string, change: (k: WrappedKey) => WrappedKey): SealedBox {
  return { ...box, keys: box.keys.map((k) => (k.recipient === recipient ? change(k) : k)) };
}

const opens = (box: SealedBox, context: string, recipient: string, key: KeyObject) => open(box, context, recipient, key);

describe('seal and open', () => {
  it('round-trips to an X25519 recipient', () => {
    const box = seal(plaintext, 'draw-1', [{ recipient: 'service', publicKey: service.publicKey }]);
    expect(box.alg).toBe('A256GCM');
    expect(box.keys.map((k) => k.alg)).toEqual(['X25519-HKDF-SHA256+A256GCM']);
    expect(opens(box, 'draw-1', 'service', service.privateKey)).toEqual(plaintext);
  });

  it('round-trips to an RSA recipient with RSA-OAEP-256', () => {
    const box = seal(plaintext, 'draw-1', [{ recipient: 'site-a', publicKey: siteA.publicKey }]);
    expect(box.keys).toEqual([{ alg: 'RSA-OAEP-256', recipient: 'site-a', wrapped: expect.any(String) }]);
    expect(Buffer.from(box.keys[0]!.wrapped, 'base64')).toHaveLength(256);
    expect(opens(box, 'draw-1', 'site-a', siteA.privateKey)).toEqual(plaintext);
  });

  it('seals one box to mixed recipients, each of which opens it alone', () => {
    const box = sealMixed();
    expect(box.keys.map((k) => [k.recipient, k.alg])).toEqual([
      ['service', 'X25519-HKDF-SHA256+A256GCM'],
      ['site-a', 'RSA-OAEP-256'],
      ['site-b', 'RSA-OAEP-256'],
    ]);
    expect(opens(box, 'draw-1', 'service', service.privateKey)).toEqual(plaintext);
    expect(opens(box, 'draw-1', 'site-a', siteA.privateKey)).toEqual(plaintext);
    expect(opens(box, 'draw-1', 'site-b', siteB.privateKey)).toEqual(plaintext);
  });

  it('round-trips an empty plaintext', () => {
    const box = seal(Buffer.alloc(0), 'draw-1', [{ recipient: 'site-a', publicKey: siteA.publicKey }]);
    expect(opens(box, 'draw-1', 'site-a', siteA.privateKey)).toHaveLength(0);
  });

  it('refuses keys it cannot seal to, private keys and repeated recipients', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => seal(plaintext, 'd', [{ recipient: 'x', publicKey: small.publicKey }])).toThrow(/1024 bits; at least 2048/);
    expect(() => seal(plaintext, 'd', [{ recipient: 'x', publicKey: generateKeyPairSync('ed25519').publicKey }])).toThrow(/ed25519; only X25519 and RSA/);
    expect(() => seal(plaintext, 'd', [{ recipient: 'x', publicKey: service.privateKey }])).toThrow(/must be a public key/);
    expect(() =>
      seal(plaintext, 'd', [
        { recipient: 'x', publicKey: service.publicKey },
        { recipient: 'x', publicKey: siteA.publicKey },
      ]),
    ).toThrow(/once/);
  });
});

describe('a box does not open', () => {
  const box = sealMixed();
  const refused = /does not open for/;

  it('with the wrong key of the right kind', () => {
    expect(() => opens(box, 'draw-1', 'service', otherX25519.privateKey)).toThrow(refused);
    expect(() => opens(box, 'draw-1', 'site-a', siteB.privateKey)).toThrow(refused);
  });

  it("with another site's key under that site's label, and names the key kind that is needed", () => {
    expect(() => opens(box, 'draw-1', 'site-b', siteA.privateKey)).toThrow(refused);
    expect(() => opens(box, 'draw-1', 'site-a', service.privateKey)).toThrow(/RSA-OAEP-256; open it with that recipient's RSA private key/);
    expect(() => opens(box, 'draw-1', 'service', siteA.privateKey)).toThrow(/X25519 private key/);
    expect(() => opens(box, 'draw-1', 'site-a', siteA.publicKey)).toThrow(/RSA private key/);
  });

  it('for a recipient it was not sealed to', () => {
    expect(() => opens(box, 'draw-1', 'site-c', siteA.privateKey)).toThrow('the box is not sealed to site-c');
  });

  it('in another context, for either kind of recipient', () => {
    expect(() => opens(box, 'draw-2', 'service', service.privateKey)).toThrow(refused);
    expect(() => opens(box, 'draw-2', 'site-a', siteA.privateKey)).toThrow(refused);
  });

  it('when an RSA-wrapped key is moved to another context: the OAEP label refuses it before the payload is tried', () => {
    try {
      opens(box, 'draw-2', 'site-a', siteA.privateKey);
      expect.unreachable();
    } catch (err) {
      // An OAEP decoding failure from OpenSSL, not the AES-GCM tag check of the payload.
      expect(String((err as Error).cause)).toMatch(/oaep decoding error/);
    }
  });

  it('when a wrapped key is moved to another recipient label', () => {
    for (const [from, key] of [['site-a', siteA.privateKey], ['service', service.privateKey]] as const) {
      const entry = box.keys.find((k) => k.recipient === from)!;
      const moved = { ...box, keys: [...box.keys.filter((k) => k.recipient !== from), { ...entry, recipient: 'site-z' }] };
      expect(() => opens(moved, 'draw-1', 'site-z', key)).toThrow(refused);
    }
  });

  it('when any part of the payload ciphertext has a flipped bit (iv, body, tag)', () => {
    for (const i of [0, 11, 12, 20, -17, -16, -1]) {
      const altered = { ...box, ciphertext: flip(box.ciphertext, i) };
      expect(() => opens(altered, 'draw-1', 'site-a', siteA.privateKey)).toThrow(refused);
      expect(() => opens(altered, 'draw-1', 'service', service.privateKey)).toThrow(refused);
    }
  });

  it('when a wrapped key or an ephemeral key has a flipped bit', () => {
    for (const i of [0, 1, 100, -1]) {
      const rsaAltered = withKey(box, 'site-a', (k) => ({ ...k, wrapped: flip(k.wrapped, i) }));
      expect(() => opens(rsaAltered, 'draw-1', 'site-a', siteA.privateKey)).toThrow(refused);
    }
    for (const i of [0, 12, 30, -1]) {
      const x25519Altered = withKey(box, 'service', (k) => ({ ...k, wrapped: flip(k.wrapped, i) }));
      expect(() => opens(x25519Altered, 'draw-1', 'service', service.privateKey)).toThrow(refused);
    }
    const badEphemeral = withKey(box, 'service', (k) => (k.alg === 'X25519-HKDF-SHA256+A256GCM' ? { ...k, ephemeral: flip(k.ephemeral, -1) } : k));
    expect(() => opens(badEphemeral, 'draw-1', 'service', service.privateKey)).toThrow(refused);
  });

  it('when the wrapping algorithm is swapped or the box algorithm is unknown', () => {
    const swapped = withKey(box, 'site-a', (k) => ({ ...k, alg: 'X25519-HKDF-SHA256+A256GCM', ephemeral: '' }) as WrappedKey);
    expect(() => opens(swapped, 'draw-1', 'site-a', siteA.privateKey)).toThrow(/X25519 private key/);
    expect(() => opens({ ...box, alg: 'A128GCM' } as unknown as SealedBox, 'draw-1', 'site-a', siteA.privateKey)).toThrow(/unsupported sealed box/);
  });
});

describe('sealed result export', () => {
  const result = { drawId: 'draw-7', groups: [{ specialty: 'A01', experts: ['e-9'] }] };
  const box = seal(Buffer.from(JSON.stringify(result)), 'draw-7', [
    { recipient: 'service', publicKey: service.publicKey },
    { recipient: 'site-a', publicKey: siteA.publicKey },
  ]);
  const doc = JSON.parse(JSON.stringify(toExport('draw-7', 'proj-1', 'site-a', box))) as unknown;

  it('opens from its JSON file with the site key and returns the parsed result', () => {
    expect(doc).toMatchObject({ format: 'expert-draw/sealed-result/v1', drawId: 'draw-7', projectId: 'proj-1', recipient: 'site-a' });
    expect(openExport(doc, siteA.privateKey)).toEqual(result);
  });

  it('is refused for a recipient the box is not sealed to', () => {
    expect(() => toExport('draw-7', 'proj-1', 'site-b', box)).toThrow('the sealed result of draw-7 is not sealed to site-b');
  });

  it('does not open with another key, under another draw id or for another recipient', () => {
    const d = doc as Record<string, unknown>;
    expect(() => openExport(doc, siteB.privateKey)).toThrow(/does not open/);
    expect(() => openExport({ ...d, drawId: 'draw-8' }, siteA.privateKey)).toThrow(/does not open/);
    expect(() => openExport({ ...d, recipient: 'service' }, siteA.privateKey)).toThrow(/X25519 private key/);
  });

  it('validates the format with a message that says what is wrong', () => {
    const d = doc as Record<string, unknown>;
    expect(() => parseExport(null)).toThrow('not an expert-draw sealed result: expected "format": "expert-draw/sealed-result/v1"');
    expect(() => parseExport({ ...d, format: 'expert-draw/sealed-result/v2' })).toThrow(/not an expert-draw sealed result/);
    expect(() => parseExport({ ...d, drawId: 7 })).toThrow('malformed sealed result: "drawId" must be a non-empty string');
    expect(() => parseExport({ ...d, box: { ...box, alg: 'other' } })).toThrow(/"box" must be an A256GCM sealed box/);
    expect(() => parseExport({ ...d, box: { ...box, keys: [{ recipient: 'x', wrapped: 'AA==', alg: 'RSA1_5' }] } })).toThrow(/unknown algorithm/);
    expect(() => parseExport({ ...d, box: { ...box, keys: [{ recipient: 'x', wrapped: 'AA==', alg: 'X25519-HKDF-SHA256+A256GCM' }] } })).toThrow(/incomplete/);
  });
});

describe('one ephemeral key per recipient for a while', () => {
  const x25519Key = (box: SealedBox) => box.keys.find((k) => k.recipient === 'service') as Extract<WrappedKey, { ephemeral: string }>;
  const refused = /does not open/;

  it('boxes sealed in turn share the ephemeral key, yet each has its own data key and opens only in its own context', () => {
    const one = seal(plaintext, 'draw-1', [{ recipient: 'service', publicKey: service.publicKey }]);
    const two = seal(plaintext, 'draw-2', [{ recipient: 'service', publicKey: service.publicKey }]);
    expect(x25519Key(one).ephemeral).toBe(x25519Key(two).ephemeral);
    expect(x25519Key(one).wrapped).not.toBe(x25519Key(two).wrapped);
    expect(one.ciphertext).not.toBe(two.ciphertext);
    expect(opens(one, 'draw-1', 'service', service.privateKey)).toEqual(plaintext);
    expect(opens(two, 'draw-2', 'service', service.privateKey)).toEqual(plaintext);
    // The second box's wrapped key put into the first: bound to its own context, it does not open there.
    const swapped = withKey(one, 'service', () => x25519Key(two));
    expect(() => opens(swapped, 'draw-1', 'service', service.privateKey)).toThrow(refused);
    expect(() => opens(two, 'draw-1', 'service', service.privateKey)).toThrow(refused);
  });

  it('another recipient key, or another label for the same key, gets an ephemeral key of its own', () => {
    const toService = seal(plaintext, 'draw-3', [{ recipient: 'service', publicKey: service.publicKey }]);
    const toOther = seal(plaintext, 'draw-3', [{ recipient: 'service', publicKey: otherX25519.publicKey }]);
    const relabelled = seal(plaintext, 'draw-3', [{ recipient: 'site-x', publicKey: service.publicKey }]);
    const ephemeralOf = (box: SealedBox) => (box.keys[0] as Extract<WrappedKey, { ephemeral: string }>).ephemeral;
    expect(new Set([ephemeralOf(toService), ephemeralOf(toOther), ephemeralOf(relabelled)]).size).toBe(3);
    expect(opens(relabelled, 'draw-3', 'site-x', service.privateKey)).toEqual(plaintext);
  });

  it('is replaced after 4,096 wraps', () => {
    const key = generateKeyPairSync('x25519');
    const ephemerals = new Set<string>();
    for (let i = 0; i < 4097; i++) ephemerals.add((seal(plaintext, `draw-${i}`, [{ recipient: 'service', publicKey: key.publicKey }]).keys[0] as Extract<WrappedKey, { ephemeral: string }>).ephemeral);
    expect(ephemerals.size).toBe(2);
  });
});
