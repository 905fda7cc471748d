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
    .description("open a sealed result file offline with the site key: checks it against the draw.result entry the centre's log signed, and prints the ranked experts")
    .requiredOption('--key <file>', "the site's private key (site-key.pem)")
    .option('--verifier-key <file|key>', "the centre's log verifier key (log-signer.vkey, given to the site by the centre): the file must match the logged draw.result entry it carries")
    .option('--unchecked', 'open without the log check (a warning is printed; seat nobody from such a list)')
    .option('--json', 'print the opened content as JSON')
    .argument('<sealed.json>', 'the sealed result file downloaded from the service')
    .addHelpText('after', examples(
      'curl -fs "$B/v1/draws/$DRAW/sealed" -H "Authorization: Bearer $SITE_TOKEN" -o sealed.json',
      'expert-draw open --key site-S1/site-key.pem --verifier-key log-signer.vkey sealed.json',
      'expert-draw open --key site-S1/site-key.pem --verifier-key log-signer.vkey sealed.json --json',
    ))
    .action(async (file: string, opts: { key: string; verifierKey?: string; unchecked?: boolean; json?: boolean }) => {
      const [{ openExport, parseExport }, { resultCommitment }, { sealedHash }, { verifyResultPart }, { verifierKeyText }] = await Promise.all([
        import('../crypto/sealing.js'),
        import('../draw/entries.js'),
        import('../draw/protocol.js'),
        import('../verify/draw-proof.js'),
        import('./verifier-key.js'),
      ]);
      if (opts.verifierKey === undefined && !opts.unchecked) {
        throw new Error("give --verifier-key with the centre's log verifier key (log-signer.vkey): it checks that this file is the result the log committed to; --unchecked opens it without that check");
      }
      const verifierKey = opts.verifierKey === undefined ? null : verifierKeyText(opts.verifierKey, '');
      const privateKey = readPrivateKey(opts.key);
      let doc: unknown;
      try {
        doc = JSON.parse(readText(file, 'the sealed result'));
      } catch (err) {
        throw err instanceof SyntaxError ? new Error(`${file} is not JSON`) : err;
      }
      const exp = parseExport(doc);
      const content = openExport(exp, privateKey);
      let logged: number | null = null;
      if (verifierKey !== null) {
        logged = checkAgainstLog(exp, content, {
          verify: (part) => verifyResultPart(part, verifierKey),
          commitment: (salt, result) => resultCommitment(salt, result),
          boxHash: () => sealedHash(exp.box),
        });
      } else {
        console.error('warning: not checked against the log (--unchecked): anyone who handled this file could have changed the list; seat nobody from it');
      }
      console.log(opts.json || !isDrawContent(content) ? JSON.stringify(content, null, 2) : panelText(exp, content, logged));
    });
}

/**
 * The file must be what the log holds: its `draw.result` entry verified into a checkpoint the log key signed, naming
 * this draw, project and site, with the hash of this very box and the commitment of the opened result. Returns the
 * entry's log index; throws, saying what differs, otherwise.
 */
function checkAgainstLog(
  exp: SealedExport,
  content: unknown,
  with_: {
    verify: (part: unknown) => { payload: { drawId: string; projectId: string; resultHash: string; sealedHash: string; sealedTo?: { site: string } }; index: number } | { problem: string };
    commitment: (salt: Uint8Array, result: unknown) => string;
    boxHash: () => string;
  },
): number {
  const refuse = (what: string) => new Error(`${what}: do not use this list, and tell the centre`);
  if (exp.result === undefined) throw refuse('the file carries no logged draw.result entry (downloaded from an older service?): download it again');
  const checked = with_.verify(exp.result);
  if ('problem' in checked) throw refuse(`its draw.result entry is not the log's: ${checked.problem}`);
  const p = checked.payload;
  const c = content as { salt?: unknown; result?: unknown } | null;
  const salt = typeof c?.salt === 'string' && /^[0-9a-f]{64}$/.test(c.salt) ? Buffer.from(c.salt, 'hex') : null;
  const differences = [
    p.drawId !== exp.drawId ? `the entry is of draw ${p.drawId}, the file says ${exp.drawId}` : null,
    p.projectId !== exp.projectId ? `the entry is of project ${p.projectId}, the file says ${exp.projectId}` : null,
    p.sealedTo?.site !== exp.recipient ? `the entry seals to ${p.sealedTo?.site ?? 'no site'}, the file says ${exp.recipient}` : null,
    exp.resultIndex !== undefined && exp.resultIndex !== checked.index ? `the entry is #${checked.index}, the file says #${exp.resultIndex}` : null,
    exp.resultHash !== undefined && exp.resultHash !== p.resultHash ? 'the file’s resultHash is not the one the entry logged' : null,
    p.sealedHash !== with_.boxHash() ? 'the sealed box is not the one the entry logged' : null,
    !salt || c?.result === undefined || with_.commitment(salt, c.result) !== p.resultHash ? 'the opened result does not match the commitment the entry logged' : null,
  ].filter((d): d is string => d !== null);
  if (differences.length > 0) throw refuse(`the file does not match draw.result entry #${checked.index} of the log: ${differences.join('; ')}`);
  return checked.index;
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

/** Pads to a terminal width: CJK characters take two columns. */
function padColumns(text: string, width: number): string {
  const used = [...text].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(1, width - used));
}

/** The ranked experts of each group, for the site's desk: seats first, then alternates, then the top-up order. */
function panelText(exp: SealedExport, content: DrawContent, logged: number | null): string {
  const lines = [`Draw ${exp.drawId} of project ${exp.projectId}, sealed to site ${exp.recipient}`];
  lines.push(logged === null ? 'NOT CHECKED against the log (--unchecked)' : `Matches draw.result entry #${logged} of the log, verified with the centre's log key`);
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
