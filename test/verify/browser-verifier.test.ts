// The inspector's browser verifier (console/verifier/): its node:crypto stand-in on @noble gives node:crypto's own
// SHA-256, HMAC-SHA-256 and Ed25519 answers, a wrong signature included; and the verifier's modules, loaded with it in
// place of node:crypto, report exactly what they report on OpenSSL, for an honest bundle and a tampered one.
import * as native from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { completeBuffer } from '../../console/verifier/buffer-global.js';
import * as browser from '../../console/verifier/node-crypto.js';
// The `buffer` package the browser chunk bundles (a bare 'buffer' is Node's own here).
import { Buffer as PackageBuffer } from '../../node_modules/buffer/index.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { generatePool, syntheticUscc } from '../../src/pool/generator.js';
import { inspectBundle } from '../../src/verify/inspect.js';
import type { InspectBundle } from '../../src/verify/inspect-types.js';
import { testKeys } from '../helpers/log.js';
import { memoryBundle } from '../helpers/proof-bundle.js';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const bytes = fc.uint8Array({ maxLength: 300 });

describe('the browser’s node:crypto', () => {
  it('hashes as node:crypto does: SHA-256 in chunks, strings as UTF-8, one-shot hash, hex and bytes', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 4 }), fc.string({ unit: 'grapheme' }), (chunks, text) => {
        const a = browser.createHash('sha256');
        const b = native.createHash('sha256');
        for (const c of chunks) {
          a.update(c);
          b.update(c);
        }
        a.update(text, 'utf8');
        b.update(text, 'utf8');
        expect(a.digest('hex')).toBe(b.digest('hex'));
        const one = Buffer.concat(chunks);
        expect(Buffer.from(browser.hash('sha256', one, 'buffer') as Uint8Array)).toEqual(native.hash('sha256', one, 'buffer'));
        expect(browser.hash('sha256', text)).toBe(native.hash('sha256', text));
        expect(Buffer.from(browser.createHash('sha256').update(one).digest())).toEqual(native.createHash('sha256').update(one).digest());
      }),
    );
    // FIPS 180-2 test vector "abc".
    expect(browser.createHash('sha256').update('abc').digest('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(() => browser.createHash('sha1')).toThrow(/SHA-256 only/);
  });

  it('computes HMAC-SHA-256 as node:crypto does, for short and long keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), bytes, (key, message) => {
        expect(Buffer.from(browser.createHmac('sha256', key).update(message).digest())).toEqual(native.createHmac('sha256', key).update(message).digest());
      }),
    );
  });

  it('compares in constant time as node:crypto does, and refuses unequal lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.boolean(), (x, at, change) => {
        const y = Buffer.from(x);
        if (change) y[at % y.length]! ^= 1;
        expect(browser.timingSafeEqual(x, y)).toBe(native.timingSafeEqual(x, y));
        expect(() => browser.timingSafeEqual(x, y.subarray(1))).toThrow(RangeError);
      }),
    );
    expect(browser.timingSafeEqual(Buffer.from('same'), Buffer.from('same'))).toBe(true);
  });

  it('verifies Ed25519 as OpenSSL does: good signatures pass; a changed bit, message or key fails; malformed ones fail', () => {
    const { publicKey, privateKey } = native.generateKeyPairSync('ed25519');
    const other = native.generateKeyPairSync('ed25519').publicKey;
    const spki = (k: native.KeyObject) => k.export({ format: 'der', type: 'spki' });
    const mine = browser.createPublicKey({ key: spki(publicKey), format: 'der', type: 'spki' });
    const theirs = browser.createPublicKey({ key: spki(other), format: 'der', type: 'spki' });
    expect(Buffer.from(mine.export({ format: 'der', type: 'spki' }))).toEqual(spki(publicKey));
    fc.assert(
      fc.property(bytes, fc.nat(511), (message, bit) => {
        const signature = native.sign(null, message, privateKey);
        expect(browser.verify(null, message, mine, signature)).toBe(true);
        const flipped = Buffer.from(signature);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        expect(browser.verify(null, message, mine, flipped)).toBe(native.verify(null, message, publicKey, flipped));
        expect(browser.verify(null, message, mine, flipped)).toBe(false);
        expect(browser.verify(null, Buffer.concat([message, Buffer.of(0)]), mine, signature)).toBe(false);
        expect(browser.verify(null, message, theirs, signature)).toBe(false);
      }),
      { numRuns: 50 },
    );
    const message = Buffer.from('checkpoint');
    const signature = native.sign(null, message, privateKey);
    expect(browser.verify(null, message, mine, signature.subarray(0, 63))).toBe(false);
    expect(browser.verify(null, message, mine, Buffer.alloc(64))).toBe(native.verify(null, message, publicKey, Buffer.alloc(64)));
    // S + L: the same signature with a non-canonical scalar, which RFC 8032 (and OpenSSL) refuse.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).reverse().toString('hex')}`) + L;
    const big = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
    const malleated = Buffer.concat([signature.subarray(0, 32), big]);
    expect(native.verify(null, message, publicKey, malleated)).toBe(false);
    expect(browser.verify(null, message, mine, malleated)).toBe(false);
  });

  it('verifies RFC 8032 §7.1 test 2', () => {
    const key = Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex');
    const sig = Buffer.from('92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00', 'hex');
    const k = browser.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, key]), format: 'der', type: 'spki' });
    expect(browser.verify(null, Buffer.of(0x72), k, sig)).toBe(true);
    expect(browser.verify(null, Buffer.of(0x73), k, sig)).toBe(false);
  });

  it('completes the `buffer` package with Node’s writeBigUInt64BE and writeBigInt64BE, range checks included', () => {
    const B = completeBuffer(PackageBuffer) as unknown as typeof Buffer;
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.nat(8), (u, i, offset) => {
        const [mine, node] = [B.alloc(16), Buffer.alloc(16)];
        expect(mine.writeBigUInt64BE(u, offset)).toBe(node.writeBigUInt64BE(u, offset));
        expect(Buffer.from(mine)).toEqual(node);
        expect(mine.writeBigInt64BE(i, offset)).toBe(node.writeBigInt64BE(i, offset));
        expect(Buffer.from(mine)).toEqual(node);
      }),
    );
    for (const [write, value, offset] of [['writeBigUInt64BE', -1n, 0], ['writeBigUInt64BE', 2n ** 64n, 0], ['writeBigInt64BE', 2n ** 63n, 0], ['writeBigUInt64BE', 1n, 9]] as const) {
      expect(() => B.alloc(16)[write](value, offset), `${write}(${value}, ${offset})`).toThrow(RangeError);
      expect(() => Buffer.alloc(16)[write](value, offset)).toThrow(RangeError);
    }
  });

  it('holds no private key: signing and key generation are refused', () => {
    expect(() => browser.sign()).toThrow(/verifies only/);
    expect(() => browser.generateKeyPairSync()).toThrow(/verifies only/);
    expect(() => browser.createPublicKey({ key: Buffer.alloc(44), format: 'der', type: 'spki' })).toThrow(/SPKI/);
  });
});

describe('the verifier on the browser’s node:crypto', () => {
  const keys = testKeys();
  const pool = generatePool({ size: 60, seed: 'browser-verifier', fixed: [{ code: 'C990101', members: 30 }] });
  const bundle = memoryBundle({
    drawId: 'D-BROWSER-1',
    pool: new PoolIndex(pool.experts, 1),
    project: { id: 'P-BROWSER-1', tenderer: syntheticUscc(9900), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' },
    request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
    policy: DEFAULT_POLICY,
    signer: keys.signer,
  });
  /** The reveal with one byte of its entry changed: a digit of its nonce. */
  const tampered = structuredClone(bundle);
  tampered.reveal.entry = tampered.reveal.entry.replace(/"nonce":"(.)/, (_, c: string) => `"nonce":"${c === '0' ? '1' : '0'}`);

  /**
   * inspectBundle with every module of the verifier loaded afresh, node:crypto being the browser's, and the global
   * Buffer the browser's (the `buffer` package, completed) while it loads and runs.
   */
  async function browserInspect(): Promise<InspectBundle> {
    const browserBuffer = completeBuffer(PackageBuffer);
    const asBrowser = <T>(f: () => T): T => {
      const own = globalThis.Buffer;
      globalThis.Buffer = browserBuffer as unknown as typeof Buffer;
      try {
        return f();
      } finally {
        globalThis.Buffer = own;
      }
    };
    vi.resetModules();
    vi.doMock('node:crypto', () => import('../../console/verifier/node-crypto.js'));
    const own = globalThis.Buffer;
    globalThis.Buffer = browserBuffer as unknown as typeof Buffer;
    const mod = await import('../../src/verify/inspect.js').finally(() => (globalThis.Buffer = own));
    expect(mod.inspectBundle).not.toBe(inspectBundle);
    return (bundle, key) => asBrowser(() => mod.inspectBundle(bundle, key));
  }
  afterAll(() => {
    vi.doUnmock('node:crypto');
    vi.resetModules();
  });

  it('reports what the native verifier reports: every check passed, the checkpoint shown', async () => {
    const inspect = await browserInspect();
    const report = inspect(bundle, keys.verifierKey);
    expect(report).toEqual(inspectBundle(bundle, keys.verifierKey));
    expect(report.ok, JSON.stringify(report.checks.filter((c) => c.status !== 'pass'))).toBe(true);
    expect(report.checkpoints).toEqual([{ origin: keys.signer.origin, size: bundle.reveal.index + 1, root: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(report.key.name).toBe(keys.signer.origin);
  });

  it('fails a bundle with one byte changed, naming the same checks as the native verifier', async () => {
    const inspect = await browserInspect();
    const report = inspect(tampered, keys.verifierKey);
    expect(report).toEqual(inspectBundle(tampered, keys.verifierKey));
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(expect.arrayContaining(['reveal.leaf-hash', 'reveal.inclusion']));
  });

  it('refuses a malformed key, and shows no checkpoint under another log’s key', async () => {
    const inspect = await browserInspect();
    expect(() => inspect(bundle, 'not a key')).toThrow(/key/);
    const report = inspect(bundle, testKeys().verifierKey);
    expect(report.ok).toBe(false);
    expect(report.checkpoints).toEqual([]);
    expect(report.checks.find((c) => c.id === 'commit.checkpoint')?.status).toBe('fail');
  });
});
