// `expert-draw fairness`: an inspector looks for experts drawn suspiciously often across disclosed draws. Each proof
// bundle is verified offline first (against the pinned log key); only draws whose ranking was recomputed and matched
// count, with their eligible lists and selections as the verifier rebuilt them. Then every expert's selections are set
// against chance (src/verify/fairness.ts), and an SVG chart can be written.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { assessFairness, DEFAULT_FAIRNESS_ALPHA, fairnessSvg, type FairnessDraw } from '../verify/fairness.js';
import { FAIRNESS_LABELS, FAIRNESS_REPORT } from '../i18n/fairness-labels.js';
import { LocalizedError } from '../i18n/text.js';
import type { Speaking } from './language.js';
import type { OptionParsers } from './parsers.js';

interface FairnessOpts {
  verifierKey: string;
  alpha: string;
  svg?: string;
  json?: boolean;
  top: string;
  jobs: number;
}

export function registerFairnessCommands(program: Command, { lang, t, examples }: Speaking, parse: OptionParsers): void {
  program
    .command('fairness')
    .description(t('fairness'))
    .argument('<bundles...>', t('arg.bundles'))
    .requiredOption('--verifier-key <key>', t('opt.verifierKey'))
    .option('--alpha <p>', t('fairness.alpha'), String(DEFAULT_FAIRNESS_ALPHA))
    .option('--svg <file>', t('fairness.svg'))
    .option('--top <n>', t('fairness.top'), '10')
    .option('--json', t('fairness.json'))
    .option('--jobs <n>', t('opt.jobs'), parse.jobs, availableParallelism())
    .addHelpText('after', examples(
      ['expert-draw fairness proofs/ --verifier-key keys/log-signer.vkey --svg fairness.svg', t('fairness.example.chart')],
      'expert-draw fairness a.json b.json --verifier-key keys/log-signer.vkey --alpha 0.001 --json',
    ))
    .action(async (paths: string[], opts: FairnessOpts, command: Command) => {
      const [{ panelVerified }, { ProofFilePool }, { checkRun }, { bundleFiles, jobsFor }, { verifierKeyText }, { reportTexts }] = await Promise.all([
        import('../verify/draw-proof.js'),
        import('../verify/proof-pool.js'),
        import('../verify/run-checks.js'),
        import('./bundle-files.js'),
        import('./verifier-key.js'),
        import('../i18n/cli/reports.js'),
      ]);
      const alpha = Number(opts.alpha);
      if (!(alpha > 0 && alpha < 1)) throw new LocalizedError(reportTexts.said('fairness.alpha', { value: opts.alpha }));
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 0) throw new LocalizedError(reportTexts.said('fairness.top', { value: opts.top }));
      // The report is in the reader's language, as proof verify's; the chart, a product's page, is Chinese unless
      // --lang en says otherwise.
      const words = FAIRNESS_REPORT[lang];
      const chartLang = (command.optsWithGlobals() as { lang?: string }).lang === 'en' ? 'en' : 'zh-CN';
      const verifierKey = verifierKeyText(opts.verifierKey, '');
      const draws: FairnessDraw[] = [];
      /** Bundles left out: the file, and why (an error as said, or the checks that did not pass). */
      const refused: Array<{ file: string; error: string } | { file: string; checks: string }> = [];
      const files = bundleFiles(paths);
      // Each bundle verified as proof verify does, up to --jobs at once, then checked against the others of the run
      // (a fork, one draw told two ways, a nonce reused); the verdicts in file order.
      const pool = new ProofFilePool({ verifierKey, panels: true }, jobsFor(opts.jobs, files.length, lang));
      const verdicts = checkRun(await pool.verify(files).finally(() => pool.close()));
      for (const { file, ...verdict } of verdicts) {
        if ('error' in verdict) {
          refused.push({ file, error: verdict.error });
          continue;
        }
        const { report } = verdict;
        // Only what verified counts: a bundle that does not is left out, and said.
        if (!panelVerified(report) || !report.panels) {
          refused.push({ file, checks: report.checks.filter((c) => c.status !== 'pass').map((c) => c.id).join(', ') });
          continue;
        }
        draws.push({ drawId: report.drawId!, groups: report.panels });
      }
      const fairness = assessFairness(draws, alpha);
      if (opts.svg) {
        try {
          writeFileSync(opts.svg, fairnessSvg(fairness, FAIRNESS_LABELS[chartLang]));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why = code === 'ENOENT' ? reportTexts.said('fairness.noFolder') : code === 'EACCES' ? reportTexts.said('fairness.notAllowed') : code === 'EISDIR' ? reportTexts.said('fairness.isFolder') : (code ?? 'error');
          throw new LocalizedError(reportTexts.said('fairness.cannotWrite', { file: opts.svg, why }));
        }
      }
      const why = (r: (typeof refused)[number], doesNotVerify: (checks: string) => string) => ('error' in r ? r.error : doesNotVerify(r.checks));
      // --json keeps its English strings, as scripts read them.
      if (opts.json) console.log(JSON.stringify({ ...fairness, refused: refused.map((r) => `${r.file}: ${why(r, FAIRNESS_REPORT.en.doesNotVerify)}`) }, null, 2));
      else {
        for (const r of refused) console.error(words.leftOut(r.file, why(r, words.doesNotVerify)));
        console.log(words.summary(fairness.draws, fairness.experts, alpha));
        for (const r of fairness.results.slice(0, top)) {
          const line = words.expert({ selected: r.selected, expected: r.expected.toFixed(2), trials: r.trials, p: r.pValue.toExponential(2), adjusted: r.adjusted.toExponential(2) });
          console.log(`${r.flagged ? '!' : ' '} ${r.expertId}  ${line}`);
        }
        if (draws.length === 0) console.log(words.nothingAssessed);
        else console.log(fairness.flagged.length === 0 ? words.nobodyFlagged : words.flagged(fairness.flagged.map((f) => f.expertId).join(', ')));
        if (refused.length > 0) console.log(words.incomplete(refused.length, files.length));
        if (opts.svg) console.log(words.chartWritten(opts.svg));
      }
      // Flagged experts, or bundles left out, make a non-zero exit: a script must not read a partial history as clean.
      process.exitCode = fairness.flagged.length > 0 || refused.length > 0 ? 1 : 0;
    });
}
