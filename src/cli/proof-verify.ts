// What `expert-draw proof verify` does (proof-commands.ts declares it): reads the key, the bundles and the kept
// checkpoints, verifies the bundles over worker threads (ProofFilePool) and prints each report and the verdict.
import { existsSync, readFileSync } from 'node:fs';
import { chainOfInfo, type BeaconChain } from '../beacon/chains.js';
import type { Assurance } from '../draw/seed.js';
import { openCheckpoint } from '../log/checkpoint.js';
import { proofsToRelate } from '../log/consistency.js';
import { NoteVerifier } from '../log/note.js';
import { ASSURANCE_ZH, CHECK_TITLES_ZH, TRUST_ZH } from '../i18n/check-titles.js';
import { reportTexts } from '../i18n/cli/reports.js';
import type { Lang } from '../i18n/language.js';
import { errorText, LocalizedError } from '../i18n/text.js';
import { DrawProofBundle, NOT_CHECKED_WITHOUT_KEPT, type CheckStatus, type DrawProofReport, type KeptInput, type TakenOnTrust } from '../verify/draw-proof.js';
import { readProofFile, type FileVerdict, type FileVerifyOptions } from '../verify/proof-files.js';
import { ProofFilePool } from '../verify/proof-pool.js';
import { checkRun } from '../verify/run-checks.js';
import { bundleFiles, jobsFor } from './bundle-files.js';
import { keptThatLink, LogApi, readKept } from './inspector.js';
import { progressBar } from './progress.js';
import type { VerifyOpts } from './proof-commands.js';
import { verifierKeyText } from './verifier-key.js';

/** A drand chain info file (the relay's /{chain}/info, fetched and compared out of band), checked to hash to its hash. */
function readBeaconChain(file: string): BeaconChain {
  try {
    return chainOfInfo(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new LocalizedError(reportTexts.said('proof.notChain', { file, reason: err instanceof Error ? err.message : String(err) }));
  }
}

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', unverifiable: '?', skipped: '-' };

/** The words of a printed report, per language (the checks' details stay as the verifier writes them). */
const WORDS = {
  en: {
    head: (draw: string | null, project: string | null, assurance: Assurance | null) => `${draw ? `draw ${draw}${project ? ` (project ${project})` : ''}` : 'proof bundle'}${assurance ? `, assurance ${assurance}` : ''}`,
    title: (id: string, title: string) => title,
    trusted: (t: TakenOnTrust) => `${t.what}; ${t.why}`,
    trust: 'taken on trust (no offline check of the bundle covers it):',
    ok: (n: number) => `OK: all ${n} checks passed`,
    keyOnly: (many: boolean) => `checked against the log key only: a holder of the log key could have made ${many ? 'these bundles' : 'this bundle'}; keep checkpoints with \`expert-draw log watch --keep DIR\` and pass \`--kept DIR\``,
    notVerified: 'NOT VERIFIED: ',
    kinds: { fail: 'failed', unverifiable: 'not verifiable', skipped: 'skipped' },
    list: ', ',
    parts: '; ',
    allBundles: (n: number) => `OK: all ${n} bundles verified`,
    someBundles: (failed: number, n: number) => `NOT VERIFIED: ${failed} of ${n} bundles: `,
  },
  'zh-CN': {
    head: (draw: string | null, project: string | null, assurance: Assurance | null) => `${draw ? `抽取 ${draw}${project ? `（项目 ${project}）` : ''}` : '证明包'}${assurance ? `，保证级别 ${ASSURANCE_ZH[assurance]}（${assurance}）` : ''}`,
    title: (id: string, title: string) => CHECK_TITLES_ZH[id] ?? title,
    trusted: (t: TakenOnTrust) => (TRUST_ZH[t.id] ? `${TRUST_ZH[t.id]!.what}；${TRUST_ZH[t.id]!.why}` : `${t.what}; ${t.why}`),
    trust: '信任前提（本证明包的离线检查不覆盖）：',
    ok: (n: number) => `通过：全部 ${n} 项检查均通过`,
    keyOnly: (many: boolean) => `仅依据日志密钥核验：持有日志密钥者也可能制作出${many ? '这些证明包' : '此证明包'}；请用 \`expert-draw log watch --keep DIR\` 保存检查点，并加 \`--kept DIR\` 核验`,
    notVerified: '未通过核验：',
    kinds: { fail: '失败', unverifiable: '无法核验', skipped: '跳过' },
    list: '、',
    parts: '；',
    allBundles: (n: number) => `通过：全部 ${n} 个证明包核验通过`,
    someBundles: (failed: number, n: number) => `未通过核验：${n} 个证明包中 ${failed} 个：`,
  },
} as const;
type Words = (typeof WORDS)[keyof typeof WORDS];

/** One line per check, then what the bundle cannot show, then the verdict. */
function printReport(report: DrawProofReport, print: (line: string) => void, words: Words): void {
  print(words.head(report.drawId, report.projectId, report.assurance));
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    print(`${MARK[c.status]} ${c.id.padEnd(width)}  ${words.title(c.id, c.title)}`);
    print(`  ${' '.repeat(width)}  ${c.detail}`);
  }
  print(words.trust);
  for (const t of report.notChecked) print(`  - ${t.id}: ${words.trusted(t)}`);
  if (report.ok) {
    print(words.ok(report.checks.length));
    // Without kept checkpoints nothing tied the bundle to a history the inspector holds: the verdict says so.
    if (report.notChecked.some((t) => t.id === NOT_CHECKED_WITHOUT_KEPT.id)) print(words.keyOnly(false));
    return;
  }
  const named = (status: CheckStatus) => report.checks.filter((c) => c.status === status).map((c) => c.id);
  const parts = (['fail', 'unverifiable', 'skipped'] as const).map((k) => [words.kinds[k], named(k)] as const);
  print(`${words.notVerified}${parts.filter(([, ids]) => ids.length > 0).map(([what, ids]) => `${what} ${ids.join(words.list)}`).join(words.parts)}`);
}

/** Verifies the bundles (files, or folders of them) and prints the reports in `lang`; sets the exit code. */
export async function verifyBundles(paths: string[], opts: VerifyOpts, lang: Lang): Promise<void> {
  const words = WORDS[lang];
  // The key first: a wrong key is the inspector's to fix before any bundle is read.
  const verifierKey = verifierKeyText(opts.verifierKey, '');
  const files = bundleFiles(paths, 'keep');
  if (files.length === 0) throw new LocalizedError(reportTexts.said('bundles.none', { paths: paths.join(', ') }));
  // One file named as a file: the report alone, as it always was.
  const single = paths.length === 1 && files[0] === paths[0];
  const origin = opts.origin ?? NoteVerifier.fromKey(verifierKey).name;
  const kept = opts.kept === undefined ? undefined : await keptInput(files, opts.kept, NoteVerifier.fromKey(verifierKey), origin, opts, lang);
  const options: FileVerifyOptions = { verifierKey, origin, ...(kept ? { kept } : {}), beaconChains: opts.beaconChain.map(readBeaconChain) };
  const pool = new ProofFilePool(options, jobsFor(opts.jobs, files.length, lang));
  if (single) {
    const [verdict] = await pool.verify(files);
    if ('error' in verdict!) throw new Error(verdict.error);
    if (opts.json) console.log(JSON.stringify(verdict!.report, null, 2));
    else printReport(verdict!.report, (line) => console.log(line), words);
    // Only a bundle whose every check passed verifies; not verifiable is not verified.
    process.exitCode = verdict!.report.ok ? 0 : 1;
    return;
  }
  const bar = opts.quiet ? null : progressBar(reportTexts.text(lang, 'verifying'));
  let verdicts: FileVerdict[];
  try {
    verdicts = await pool.verify(files, { onProgress: (done, total) => bar?.update(done, total) });
    bar?.done();
  } finally {
    await pool.close();
  }
  // The checks across the run need every bundle's facts: the reports are printed once they are in.
  verdicts = checkRun(verdicts);
  if (opts.json) console.log(JSON.stringify(verdicts.map(withoutFacts), null, 2));
  else {
    // One write per bundle: a report is about eighty lines, and a line a write took an eighth of the main thread's
    // time over a folder of engine-sized bundles.
    for (const v of verdicts) {
      const lines: string[] = [];
      printVerdict(v, (line) => lines.push(line), words);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  }
  const failed = verdicts.filter((v) => 'error' in v || !v.report.ok).map((v) => v.file);
  if (!opts.json) {
    console.log(failed.length === 0 ? words.allBundles(files.length) : `${words.someBundles(failed.length, files.length)}${failed.join(', ')}`);
    if (failed.length === 0 && !kept) console.log(words.keyOnly(true));
  }
  process.exitCode = failed.length === 0 ? 0 : 1;
}

/** A verdict as `--json` prints it: the report, or why there is none (the run's facts are the command's own). */
function withoutFacts(verdict: FileVerdict): { file: string; report: DrawProofReport } | { file: string; error: string } {
  return 'error' in verdict ? verdict : { file: verdict.file, report: verdict.report };
}

/** One file's verdict among several: its name, then its report or why it has none. */
function printVerdict(verdict: FileVerdict, print: (line: string) => void, words: Words): void {
  print(`== ${verdict.file}`);
  if ('error' in verdict) print(`${words.notVerified}${verdict.error}`);
  else printReport(verdict.report, print, words);
}

/**
 * The kept checkpoints, and — with --url — the consistency proofs that relate the bundles' checkpoints to them. The
 * verifier checks everything; a proof not fetched leaves `checkpoint.kept` not verifiable, never passed.
 */
async function keptInput(files: readonly string[], dir: string, verifier: NoteVerifier, origin: string, opts: VerifyOpts, lang: Lang): Promise<KeptInput> {
  // A folder that is not there is a mistyped name, not an inspector who kept nothing: checkpoint.kept would say "none
  // given" and pass over the fork check the option asked for.
  if (!existsSync(dir)) throw new LocalizedError(reportTexts.said('proof.noKept', { dir }));
  // readKept checks each record's proof between its two kept notes: a changed kept file stops the command here.
  // Only the kept checkpoints a record ties to the watcher's history relate bundles (keptThatLink): a note kept before
  // records existed, and not chained by a record's proof, could be any signed note.
  const kept = keptThatLink(readKept(dir, verifier, origin));
  const notes = kept.map((k) => k.note);
  // What the watcher recorded: the proofs chaining the kept checkpoints, and when it fetched each (beacon.kept).
  const chain = kept.flatMap((k) => (k.record?.consistency ? [k.record.consistency] : []));
  const fetched = kept.flatMap((k) => (k.record ? [{ size: k.size, at: k.record.fetchedAt }] : []));
  const recorded = { notes, proofs: chain, fetched };
  if (!opts.url) return recorded;
  // Every tree size the bundles are proved at; a bundle that cannot be read is the report's to say.
  const sizes = new Set<number>();
  for (const file of files) {
    const read = readProofFile(file);
    const parsed = DrawProofBundle.safeParse('bundle' in read ? read.bundle : undefined);
    if (!parsed.success) continue;
    for (const part of [parsed.data.commit, parsed.data.result, parsed.data.reveal]) {
      try {
        sizes.add(openCheckpoint(part.inclusion.checkpoint, verifier, origin).checkpoint.size);
      } catch {
        // A checkpoint that does not verify is the report's to say.
      }
    }
  }
  const api = new LogApi(opts.url, opts.token ?? process.env.EXPERT_DRAW_TOKEN, lang);
  const proofs = [...chain];
  const asked = new Set<string>();
  for (const size of sizes) {
    for (const [fromSize, toSize] of proofsToRelate(size, kept)) {
      if (asked.has(`${fromSize}-${toSize}`)) continue;
      asked.add(`${fromSize}-${toSize}`);
      try {
        const hashes = (await api.consistency(fromSize, toSize)).map((h) => h.toString('hex'));
        proofs.push({ fromSize, toSize, hashes });
      } catch (err) {
        // Without the proof the check says what it lacks; why it is missing goes to stderr.
        console.error(reportTexts.text(lang, 'watch.noProof', { from: fromSize, to: toSize, reason: errorText(err, lang) }));
      }
    }
  }
  return { ...recorded, proofs, asked: true };
}
