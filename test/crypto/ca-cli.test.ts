// The compiled CLI end to end: `ca init` → `ca issue-site` (two sites) → `open` of an export sealed to one site.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySiteCertificate } from '../../src/crypto/ca.js';
import { seal, toExport } from '../../src/crypto/sealing.js';
import { installedCli } from '../helpers/installed-cli.js';

/** The compiled CLI, as installed (set before the first test). */
let cliJs = '';
const dir = mkdtempSync(join(tmpdir(), 'expert-draw-ca-cli-'));
const result = { drawId: 'draw-42', projectId: 'proj-1', groups: [{ specialty: 'A01', experts: ['e-3', 'e-17'] }], sealedAt: '2026-01-01T00:00:00Z' };

const run = (...args: string[]) => execFileSync(process.execPath, [cliJs, ...args], { cwd: dir, encoding: 'utf8' });
const fail = (...args: string[]) => spawnSync(process.execPath, [cliJs, ...args], { cwd: dir, encoding: 'utf8' });

beforeAll(async () => {
  cliJs = await installedCli();
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expert-draw ca and open', () => {
  it('creates the CA with a private key only its owner reads, and refuses to overwrite it', () => {
    const out = run('ca', 'init', '--name', 'Test Centre Site CA', '--days', '30');
    expect(out).toContain('wrote keys/ca/ca.pem');
    expect(out).toMatch(/CA fingerprint \(SHA-256\): [0-9a-f]{64}/);
    expect(statSync(join(dir, 'keys/ca/ca.key.pem')).mode & 0o777).toBe(0o600);
    const again = fail('ca', 'init');
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('expert-draw: refusing to overwrite keys/ca/ca.pem, keys/ca/ca.key.pem\n');
  });

  it('issues site certificates into ./site-<id> or --out, printing the fingerprint', () => {
    const out = run('ca', 'issue-site', '--site', 'site-a', '--name', 'Site A');
    const cert = readFileSync(join(dir, 'site-site-a/site-cert.pem'), 'utf8');
    const site = verifySiteCertificate(cert, readFileSync(join(dir, 'keys/ca/ca.pem'), 'utf8'), new Date());
    expect(site).toMatchObject({ siteId: 'site-a', siteName: 'Site A' });
    expect(out).toContain(`fingerprint (SHA-256): ${site.fingerprint}`);
    expect(statSync(join(dir, 'site-site-a/site-key.pem')).mode & 0o777).toBe(0o600);
    run('ca', 'issue-site', '--site', 'site-b', '--name', 'Site B', '--ca-dir', 'keys/ca', '--out', 'b', '--days', '10');
    expect(fail('ca', 'issue-site', '--site', 'site-b', '--name', 'Site B', '--out', 'b').stderr).toMatch(/^expert-draw: refusing to overwrite/);
    expect(fail('ca', 'issue-site', '--site', '-x', '--name', 'X').status).not.toBe(0);
  });

  it('opens an export sealed to the site certificate, and not with another site\'s key', () => {
    const caPem = readFileSync(join(dir, 'keys/ca/ca.pem'), 'utf8');
    const siteA = verifySiteCertificate(readFileSync(join(dir, 'site-site-a/site-cert.pem'), 'utf8'), caPem, new Date());
    const siteB = verifySiteCertificate(readFileSync(join(dir, 'b/site-cert.pem'), 'utf8'), caPem, new Date());
    const box = seal(Buffer.from(JSON.stringify(result)), result.drawId, [
      { recipient: 'service', publicKey: generateKeyPairSync('x25519').publicKey },
      { recipient: siteA.siteId, publicKey: siteA.publicKey },
      { recipient: siteB.siteId, publicKey: siteB.publicKey },
    ]);
    writeFileSync(join(dir, 'sealed.json'), JSON.stringify(toExport(result.drawId, result.projectId, siteA.siteId, box)));

    // A file without a logged entry opens only when the log check is waived, out loud.
    expect(fail('open', '--key', 'site-site-a/site-key.pem', 'sealed.json').stderr).toMatch(/^expert-draw: give --verifier-key/);
    const opened = run('open', '--unchecked', '--key', 'site-site-a/site-key.pem', 'sealed.json');
    expect(JSON.parse(opened)).toEqual(result);
    expect(opened).toBe(`${JSON.stringify(result, null, 2)}\n`);

    const wrong = fail('open', '--unchecked', '--key', 'b/site-key.pem', 'sealed.json');
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toBe('expert-draw: the box does not open for site-a with this key and context (wrong key, or the box was altered)\n');

    writeFileSync(join(dir, 'other.json'), '{"format":"something-else"}');
    expect(fail('open', '--unchecked', '--key', 'b/site-key.pem', 'other.json').stderr).toMatch(/^expert-draw: not an expert-draw sealed result/);
    expect(fail('open', '--unchecked', '--key', 'b/site-cert.pem', 'sealed.json').stderr).toBe('expert-draw: b/site-cert.pem does not hold an unencrypted PEM private key\n');
  });
});
