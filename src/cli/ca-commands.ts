// `expert-draw ca init | ca issue-site` (the centre's site CA) and `expert-draw open` (a site opens a sealed result offline).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { SealedExport } from '../crypto/sealing.js';
import type { CLI_REPORTS } from '../i18n/cli/reports.js';
import { clauses, LocalizedError, type AreaTexts, type Localized } from '../i18n/text.js';
import { privateDir } from '../private-files.js';
import { padColumns } from './columns.js';
import type { Speaking } from './language.js';
import type { OptionParsers } from './parsers.js';

export const CA_FILES = { cert: 'ca.pem', key: 'ca.key.pem' } as const;
export const SITE_FILES = { cert: 'site-cert.pem', key: 'site-key.pem' } as const;

/** The texts of a command's run (src/i18n/cli/reports.ts), loaded when it runs. */
type Reports = AreaTexts<typeof CLI_REPORTS>;
const loadReports = async (): Promise<Reports> => (await import('../i18n/cli/reports.js')).reportTexts;

/** Writes a certificate (world-readable) and its private key (0600); refuses if either file already exists. */
function writePair(reports: Reports, dir: string, names: { cert: string; key: string }, pair: { certPem: string; keyPem: string }): { cert: string; key: string } {
  const cert = join(dir, names.cert);
  const key = join(dir, names.key);
  const present = [cert, key].filter((f) => existsSync(f));
  if (present.length > 0) throw new LocalizedError(reports.said('ca.refuseOverwrite', { files: present.join(', ') }));
  privateDir(dir);
  writeFileSync(key, pair.keyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(cert, pair.certPem, { mode: 0o644, flag: 'wx' });
  return { cert, key };
}

/** A file's text; `cannotRead` says which file could not be read. */
function readText(path: string, cannotRead: Localized): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new LocalizedError(cannotRead);
  }
}

function readPrivateKey(reports: Reports, file: string): KeyObject {
  const pem = readText(file, reports.said('cannotRead.keyFile', { file }));
  try {
    return createPrivateKey(pem);
  } catch {
    throw new LocalizedError(reports.said('ca.notPrivateKey', { file }));
  }
}

export function registerCaCommands(program: Command, { lang, t, examples, groupExamples }: Speaking, parse: OptionParsers): void {
  const initExample = 'expert-draw ca init --name "某市公共资源交易中心 Site CA"';
  const issueExample = ['expert-draw ca issue-site --site S1 --name "某市交易中心"', t('ca.example.issue')] as const;
  const ca = program.command('ca').description(t('ca')).addHelpText('after', groupExamples('ca issue-site', initExample, issueExample));

  ca.command('init')
    .description(t('ca.init'))
    .option('--dir <dir>', t('ca.dir'), 'keys/ca')
    .option('--name <name>', t('ca.name'), 'expert-draw Site CA')
    .option('--days <n>', t('ca.days'), parse.days, 3650)
    .addHelpText('after', examples(initExample, 'expert-draw ca init --dir /media/offline/site-ca --days 3650'))
    .action(async (opts: { dir: string; name: string; days: number }) => {
      const [{ certificateFingerprint, createCa }, reports] = await Promise.all([import('../crypto/ca.js'), loadReports()]);
      const r = reports.in(lang);
      const pair = createCa({ commonName: opts.name, validDays: opts.days });
      const files = writePair(reports, opts.dir, CA_FILES, pair);
      console.log(`${r('wrote', { file: files.cert })}\n${r('wrote', { file: files.key })}`);
      console.log(r('ca.fingerprint', { fingerprint: certificateFingerprint(pair.certPem) }));
      console.log(r('ca.keepOffline', { key: files.key, cert: files.cert }));
    });

  ca.command('issue-site')
    .description(t('ca.issueSite'))
    .requiredOption('--site <id>', t('ca.site'), parse.siteId)
    .requiredOption('--name <name>', t('ca.siteName'))
    .option('--ca-dir <dir>', t('ca.caDir'), 'keys/ca')
    .option('--out <dir>', t('ca.out'))
    .option('--days <n>', t('ca.days'), parse.days, 825)
    .addHelpText('after', examples(issueExample, 'expert-draw ca issue-site --site S2 --name "某县交易中心" --ca-dir /media/offline/site-ca --out site-S2'))
    .action(async (opts: { site: string; name: string; caDir: string; out?: string; days: number }) => {
      const [{ issueSiteCertificate, verifySiteCertificate }, reports] = await Promise.all([import('../crypto/ca.js'), loadReports()]);
      const r = reports.in(lang);
      const [certFile, keyFile] = [join(opts.caDir, CA_FILES.cert), join(opts.caDir, CA_FILES.key)];
      const caCertPem = readText(certFile, reports.said('cannotRead.caCert', { file: certFile }));
      const caKeyPem = readText(keyFile, reports.said('cannotRead.caKey', { file: keyFile }));
      const issued = issueSiteCertificate({ caCertPem, caKeyPem, siteId: opts.site, siteName: opts.name, validDays: opts.days });
      // Check what was issued exactly as the service will, before anything is written.
      const site = verifySiteCertificate(issued.certPem, caCertPem, new Date());
      const files = writePair(reports, opts.out ?? `site-${opts.site}`, SITE_FILES, { certPem: issued.certPem, keyPem: issued.keyPem! });
      console.log(`${r('wrote', { file: files.cert })}\n${r('wrote', { file: files.key })}`);
      console.log(r('ca.site', { id: site.siteId, name: site.siteName, until: site.notAfter.toISOString() }));
      console.log(r('ca.siteFingerprint', { fingerprint: site.fingerprint }));
      console.log(r('ca.handKey', { key: files.key }));
    });

  const openExample = 'expert-draw open --key site-S1/site-key.pem --verifier-key log-signer.vkey sealed.json';
  program
    .command('open')
    .description(t('open'))
    .requiredOption('--key <file>', t('open.key'))
    .option('--verifier-key <file|key>', t('open.verifierKey'))
    .option('--unchecked', t('open.unchecked'))
    .option('--json', t('open.json'))
    .argument('<sealed.json>', t('open.file'))
    .addHelpText('after', examples(
      'curl -fs "$B/v1/draws/$DRAW/sealed" -H "Authorization: Bearer $SITE_TOKEN" -o sealed.json',
      openExample,
      `${openExample} --json`,
    ))
    .action(async (file: string, opts: { key: string; verifierKey?: string; unchecked?: boolean; json?: boolean }) => {
      const [{ openExport, parseExport }, { resultCommitment }, { sealedHash }, { verifyResultPart }, { verifierKeyText }, reports] = await Promise.all([
        import('../crypto/sealing.js'),
        import('../draw/entries.js'),
        import('../draw/protocol.js'),
        import('../verify/draw-proof.js'),
        import('./verifier-key.js'),
        loadReports(),
      ]);
      if (opts.verifierKey === undefined && !opts.unchecked) throw new LocalizedError(reports.said('open.needVerifierKey'));
      const verifierKey = opts.verifierKey === undefined ? null : verifierKeyText(opts.verifierKey, '');
      const privateKey = readPrivateKey(reports, opts.key);
      let doc: unknown;
      try {
        doc = JSON.parse(readText(file, reports.said('cannotRead.sealed', { file })));
      } catch (err) {
        throw err instanceof SyntaxError ? new LocalizedError(reports.said('open.notJson', { file })) : err;
      }
      const exp = parseExport(doc);
      const content = openExport(exp, privateKey);
      let logged: number | null = null;
      if (verifierKey !== null) {
        logged = checkAgainstLog(reports, exp, content, {
          verify: (part) => verifyResultPart(part, verifierKey),
          commitment: (salt, result) => resultCommitment(salt, result),
          boxHash: () => sealedHash(exp.box),
        });
      } else {
        console.error(reports.text(lang, 'open.uncheckedWarning'));
      }
      console.log(opts.json || !isDrawContent(content) ? JSON.stringify(content, null, 2) : panelText(reports.in(lang), exp, content, logged));
    });
}

/**
 * The file must be what the log holds: its `draw.result` entry verified into a checkpoint the log key signed, naming
 * this draw, project and site, with the hash of this very box and the commitment of the opened result. Returns the
 * entry's log index; throws, saying what differs, otherwise.
 */
function checkAgainstLog(
  reports: Reports,
  exp: SealedExport,
  content: unknown,
  with_: {
    verify: (part: unknown) => { payload: { drawId: string; projectId: string; resultHash: string; sealedHash: string; sealedTo?: { site: string } }; index: number } | { problem: string };
    commitment: (salt: Uint8Array, result: unknown) => string;
    boxHash: () => string;
  },
): number {
  const refuse = (what: Localized) => new LocalizedError(reports.said('open.refused', { what }));
  if (exp.result === undefined) throw refuse(reports.said('open.noResult'));
  const checked = with_.verify(exp.result);
  if ('problem' in checked) throw refuse(reports.said('open.notLogs', { problem: checked.problem }));
  const p = checked.payload;
  const c = content as { salt?: unknown; result?: unknown } | null;
  const salt = typeof c?.salt === 'string' && /^[0-9a-f]{64}$/.test(c.salt) ? Buffer.from(c.salt, 'hex') : null;
  const differences = [
    p.drawId !== exp.drawId ? reports.said('open.diff.draw', { logged: p.drawId, file: exp.drawId }) : null,
    p.projectId !== exp.projectId ? reports.said('open.diff.project', { logged: p.projectId, file: exp.projectId }) : null,
    p.sealedTo?.site !== exp.recipient ? reports.said('open.diff.site', { logged: p.sealedTo?.site ?? reports.said('open.diff.noSite'), file: exp.recipient }) : null,
    exp.resultIndex !== undefined && exp.resultIndex !== checked.index ? reports.said('open.diff.index', { logged: checked.index, file: exp.resultIndex }) : null,
    exp.resultHash !== undefined && exp.resultHash !== p.resultHash ? reports.said('open.diff.resultHash') : null,
    p.sealedHash !== with_.boxHash() ? reports.said('open.diff.box') : null,
    !salt || c?.result === undefined || with_.commitment(salt, c.result) !== p.resultHash ? reports.said('open.diff.commitment') : null,
  ].filter((d): d is Localized => d !== null);
  if (differences.length > 0) throw refuse(reports.said('open.differs', { index: checked.index, differences: clauses(differences) }));
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

/** The ranked experts of each group, for the site's desk: seats first, then alternates, then the top-up order. */
function panelText(r: ReturnType<Reports['in']>, exp: SealedExport, content: DrawContent, logged: number | null): string {
  const lines = [r('open.head', { draw: exp.drawId, project: exp.projectId, site: exp.recipient })];
  lines.push(logged === null ? r('open.notChecked') : r('open.matches', { index: logged }));
  const row = (rank: string, role: string, expert: string, name: string, idNumber: string) => `${padColumns(rank, 6)}${padColumns(role, 11)}${padColumns(expert, 18)}${padColumns(name, 18)}${idNumber}`;
  content.result.groups.forEach((g, i) => {
    lines.push('', r('open.group', { n: i + 1, specialty: g.specialty, seats: g.selected.length }), row(r('open.col.rank'), r('open.col.role'), r('open.col.expert'), r('open.col.name'), r('open.col.idNumber')));
    const ranked = [
      ...g.selected.map((id) => [id, r('open.role.seat')] as const),
      ...g.alternates.map((id) => [id, r('open.role.alternate')] as const),
      ...(content.extension[i] ?? []).map((id) => [id, r('open.role.top-up')] as const),
    ];
    ranked.forEach(([id, role], rank) => {
      const who = content.people?.[id];
      lines.push(row(String(rank + 1), role, id, who?.name ?? '', who?.idNumber ?? ''));
    });
  });
  lines.push('', r('open.footer'));
  return lines.join('\n');
}
