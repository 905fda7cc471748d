// `expert-draw fairness`: an inspector looks for experts drawn suspiciously often across disclosed draws. Each proof
// bundle is verified offline first (against the pinned log key); only draws whose ranking was recomputed and matched
// count, with their eligible lists and selections as the verifier rebuilt them. Then every expert's selections are set
// against chance (src/verify/fairness.ts), and an SVG chart can be written.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { assessFairness, DEFAULT_FAIRNESS_ALPHA, fairnessSvg, type FairnessDraw } from '../verify/fairness.js';
import { FAIRNESS_LABELS, FAIRNESS_REPORT } from '../i18n/fairness-labels.js';
import { commandLanguage } from '../i18n/language.js';
import { bundleFiles, JOBS_HELP, jobsFor, jobsOption } from './bundle-files.js';
import { examples } from './examples.js';
import { verifierKeyText } from './verifier-key.js';

interface FairnessOpts {
  verifierKey: string;
  alpha: string;
  svg?: string;
  json?: boolean;
  lang?: string;
  top: string;
  jobs: number;
}


export function registerFairnessCommands(program: Command): void {
  program
    .command('fairness')
    .description('flag experts drawn more often than chance allows, over disclosed draws’ proof bundles (each verified first)')
    .argument('<bundles...>', 'proof bundles (GET /v1/draws/{id}/proof), or folders of them')
    .requiredOption('--verifier-key <key>', 'the log verifier key (name+id+key), or a file holding it (log-signer.vkey)')
    .option('--alpha <p>', 'family-wise threshold: the chance that an honest history flags anybody at all', String(DEFAULT_FAIRNESS_ALPHA))
    .option('--svg <file>', 'write the chart (expected against actual selections per expert) as SVG')
    .option('--lang <lang>', 'zh-CN or en: the report’s language (default: LANG, as proof verify: zh… is Chinese, else English) and the chart’s (default zh-CN)')
    .option('--top <n>', 'experts to list, most surprising first', '10')
    .option('--json', 'print the whole report as JSON')
    .option('--jobs <n>', JOBS_HELP, jobsOption, availableParallelism())
    .addHelpText('after', examples('expert-draw fairness proofs/ --verifier-key keys/log-signer.vkey --svg fairness.svg', 'expert-draw fairness a.json b.json --verifier-key keys/log-signer.vkey --alpha 0.001 --json'))
    .action(async (paths: string[], opts: FairnessOpts) => {
      const alpha = Number(opts.alpha);
      if (!(alpha > 0 && alpha < 1)) throw new Error(`--alpha must be between 0 and 1, not ${opts.alpha}`);
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 0) throw new Error(`--top must be a whole number, not ${opts.top}`);
      // The report follows --lang, else the shell's language, as proof verify does; the chart, a product's page, is
      // Chinese unless --lang says otherwise.
      const words = FAIRNESS_REPORT[commandLanguage(opts.lang)];
      const chartLang = opts.lang === 'en' ? 'en' : 'zh-CN';
      const verifierKey = verifierKeyText(opts.verifierKey, '');
      const [{ panelVerified }, { ProofFilePool }, { checkRun }] = await Promise.all([import('../verify/draw-proof.js'), import('../verify/proof-pool.js'), import('../verify/run-checks.js')]);
      const draws: FairnessDraw[] = [];
      /** Bundles left out: the file, and why (an error as said, or the checks that did not pass). */
      const refused: Array<{ file: string; error: string } | { file: string; checks: string }> = [];
      const files = bundleFiles(paths);
      // Each bundle verified as proof verify does, up to --jobs at once, then checked against the others of the run
      // (a fork, one draw told two ways, a nonce reused); the verdicts in file order.
      const pool = new ProofFilePool({ verifierKey, panels: true }, jobsFor(opts.jobs, files.length));
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
          throw new Error(`cannot write the chart to ${opts.svg}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'not allowed' : code === 'EISDIR' ? 'that is a folder' : (code ?? 'error')}`);
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
