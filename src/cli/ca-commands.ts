// `expert-draw ca init | ca issue-site` (the centre's site CA) and `expert-draw open` (a site opens a sealed result offline).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { SealedExport } from '../crypto/sealing.js';
import { SITE_ID_PATTERN } from '../domain/primitives.js';
import { privateDir } from '../private-files.js';
import { examples } from './examples.js';

export const CA_FILES = { cert: 'ca.pem', key: 'ca.key.pem' } as const;
export const SITE_FILES = { cert: 'site-cert.pem', key: 'site-key.pem' } as const;

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number of days');
  return n;
}

/** Commander parser of a site id option. */
export function siteId(value: string): string {
  if (!SITE_ID_PATTERN.test(value)) throw new InvalidArgumentError('a site id is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  return value;
}

/** Writes a certificate (world-readable) and its private key (0600); refuses if either file already exists. */
function writePair(dir: string, names: { cert: string; key: string }, pair: { certPem: string; keyPem: string }): { cert: string; key: string } {
  const cert = join(dir, names.cert);
  const key = join(dir, names.key);
  const present = [cert, key].filter((f) => existsSync(f));
  if (present.length > 0) throw new Error(`refusing to overwrite ${present.join(', ')}`);
  privateDir(dir);
  writeFileSync(key, pair.keyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(cert, pair.certPem, { mode: 0o644, flag: 'wx' });
  return { cert, key };
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`cannot read ${what} ${path}`);
  }
}

function readPrivateKey(path: string): KeyObject {
  const pem = readText(path, 'the key file');
  try {
    return createPrivateKey(pem);
  } catch {
    throw new Error(`${path} does not hold an unencrypted PEM private key`);
  }
}

export function registerCaCommands(program: Command): void {
  const ca = program.command('ca').description("the centre's certificate authority for remote evaluation sites");

  ca.command('init')
    .description('create the site CA: a self-signed certificate (ca.pem) and its private key (ca.key.pem); refuses to overwrite')
    .option('--dir <dir>', 'folder for the CA files', 'keys/ca')
    .option('--name <name>', 'CA common name, e.g. "<centre> Site CA"', 'expert-draw Site CA')
    .option('--days <n>', 'validity in days', days, 3650)
    .addHelpText('after', examples(
      'expert-draw ca init --name "某市公共资源交易中心 Site CA"',
      'expert-draw ca init --dir /media/offline/site-ca --days 3650',
    ))
    .action(async (opts: { dir: string; name: string; days: number }) => {
      const { certificateFingerprint, createCa } = await import('../crypto/ca.js');
      const pair = createCa({ commonName: opts.name, validDays: opts.days });
      const files = writePair(opts.dir, CA_FILES, pair);
      console.log(`wrote ${files.cert}\nwrote ${files.key}`);
      console.log(`CA fingerprint (SHA-256): ${certificateFingerprint(pair.certPem)}`);
      console.log(`Keep ${files.key} offline and readable only by you: whoever holds it can certify a site. ${files.cert} is public.`);
    });

  ca.command('issue-site')
    .description("issue a site certificate and key pair (site-cert.pem, site-key.pem) signed by the site CA; refuses to overwrite")
    .requiredOption('--site <id>', 'site id (subject CN)', siteId)
    .requiredOption('--name <name>', 'site name (subject O)')
    .option('--ca-dir <dir>', 'folder of the CA files', 'keys/ca')
    .option('--out <dir>', 'output folder (default: ./site-<id>)')
    .option('--days <n>', 'validity in days', days, 825)
    .addHelpText('after', examples(
      'expert-draw ca issue-site --site S1 --name "某市交易中心"            # writes site-S1/site-cert.pem and site-key.pem',
      'expert-draw ca issue-site --site S2 --name "某县交易中心" --ca-dir /media/offline/site-ca --out site-S2',
    ))
    .action(async (opts: { site: string; name: string; caDir: string; out?: string; days: number }) => {
      const { issueSiteCertificate, verifySiteCertificate } = await import('../crypto/ca.js');
      const caCertPem = readText(join(opts.caDir, CA_FILES.cert), 'the CA certificate');
      const caKeyPem = readText(join(opts.caDir, CA_FILES.key), 'the CA key');
      const issued = issueSiteCertificate({ caCertPem, caKeyPem, siteId: opts.site, siteName: opts.name, validDays: opts.days });
      // Check what was issued exactly as the service will, before anything is written.
      const site = verifySiteCertificate(issued.certPem, caCertPem, new Date());
      const files = writePair(opts.out ?? `site-${opts.site}`, SITE_FILES, { certPem: issued.certPem, keyPem: issued.keyPem! });
      console.log(`wrote ${files.cert}\nwrote ${files.key}`);
      console.log(`site ${site.siteId} (${site.siteName}), valid until ${site.notAfter.toISOString()}`);
      console.log(`fingerprint (SHA-256): ${site.fingerprint}`);
      console.log(`Hand ${files.key} to the site only, over a trusted channel; the site certificate is public.`);
    });

  program
    .command('open')
    .description("open a sealed result file offline with the site key: checks it against the draw's logged commitment and prints the ranked experts")
    .requiredOption('--key <file>', "the site's private key (site-key.pem)")
    .option('--json', 'print the opened content as JSON')
    .argument('<sealed.json>', 'the sealed result file downloaded from the service')
    .addHelpText('after', examples(
      'curl -s "$B/v1/draws/$DRAW/sealed" -H "Authorization: Bearer $SITE_TOKEN" -o sealed.json',
      'expert-draw open --key site-S1/site-key.pem sealed.json',
      'expert-draw open --key site-S1/site-key.pem sealed.json --json',
    ))
    .action(async (file: string, opts: { key: string; json?: boolean }) => {
      const [{ openExport, parseExport }, { resultCommitment }] = await Promise.all([import('../crypto/sealing.js'), import('../draw/entries.js')]);
      const privateKey = readPrivateKey(opts.key);
      let doc: unknown;
      try {
        doc = JSON.parse(readText(file, 'the sealed result'));
      } catch (err) {
        throw err instanceof SyntaxError ? new Error(`${file} is not JSON`) : err;
      }
      const exp = parseExport(doc);
      const content = openExport(exp, privateKey);
      if (exp.resultHash !== undefined) checkCommitment(exp, content, resultCommitment);
      console.log(opts.json || !isDrawContent(content) ? JSON.stringify(content, null, 2) : panelText(exp, content));
    });
}

/** What a draw's seal holds (DrawService's SealedContent), as far as the site's desk needs it. */
interface DrawContent {
  readonly salt: string;
  readonly result: { readonly groups: ReadonlyArray<{ readonly specialty: string; readonly selected: readonly string[]; readonly alternates: readonly string[] }> };
  readonly extension: ReadonlyArray<readonly string[]>;
  readonly people?: Readonly<Record<string, { readonly name: string; readonly idNumber: string }>>;
}

function isDrawContent(v: unknown): v is DrawContent {
  const c = v as Partial<DrawContent> | null;
  return typeof c === 'object' && c !== null && typeof c.salt === 'string' && Array.isArray(c.result?.groups) && Array.isArray(c.extension);
}

/** The opened result must be the one the log committed to: SHA-256(salt ‖ JCS(result)) = the export's resultHash. */
function checkCommitment(exp: SealedExport, content: unknown, resultCommitment: (salt: Uint8Array, result: unknown) => string): void {
  const c = content as { salt?: unknown; result?: unknown } | null;
  const salt = typeof c?.salt === 'string' && /^[0-9a-f]+$/.test(c.salt) ? Buffer.from(c.salt, 'hex') : null;
  const actual = salt && c?.result !== undefined ? resultCommitment(salt, c.result) : null;
  if (actual !== exp.resultHash) {
    throw new Error(`the opened result does not match the commitment of draw.result entry #${exp.resultIndex ?? '?'}: do not use it, and tell the centre`);
  }
}

/** Pads to a terminal width: CJK characters take two columns. */
function padColumns(text: string, width: number): string {
  const used = [...text].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, width - used));
}

/** The ranked experts of each group, for the site's desk: seats first, then alternates, then the top-up order. */
function panelText(exp: SealedExport, content: DrawContent): string {
  const lines = [`Draw ${exp.drawId} of project ${exp.projectId}, sealed to site ${exp.recipient}`];
  if (exp.resultHash !== undefined) lines.push(`Matches the commitment in log entry #${exp.resultIndex ?? '?'} (${exp.resultHash.slice(0, 16)}…)`);
  content.result.groups.forEach((g, i) => {
    lines.push('', `Group ${i + 1}: ${g.specialty}, ${g.selected.length} seats`, 'rank  role       expert            name              ID number');
    const ranked = [
      ...g.selected.map((id) => [id, 'seat'] as const),
      ...g.alternates.map((id) => [id, 'alternate'] as const),
      ...(content.extension[i] ?? []).map((id) => [id, 'top-up'] as const),
    ];
    ranked.forEach(([id, role], rank) => {
      const who = content.people?.[id];
      lines.push(`${String(rank + 1).padEnd(6)}${role.padEnd(11)}${id.padEnd(18)}${padColumns(who?.name ?? '', 18)}${who?.idNumber ?? ''}`);
    });
  });
  lines.push('', 'Seats go to the experts who accept their call, down this order; check-in matches the ID card against the ID number.');
  return lines.join('\n');
}
