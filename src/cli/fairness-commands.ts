// `expert-draw fairness`: an inspector looks for experts drawn suspiciously often across disclosed draws. Each proof
// bundle is verified offline first (against the pinned log key); only draws whose ranking was recomputed and matched
// count, with their eligible lists and selections as the verifier rebuilt them. Then every expert's selections are set
// against chance (src/verify/fairness.ts), and an SVG chart can be written.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { assessFairness, DEFAULT_FAIRNESS_ALPHA, fairnessSvg, type FairnessDraw } from '../verify/fairness.js';
import { FAIRNESS_LABELS } from '../i18n/fairness-labels.js';
import { bundleFiles, JOBS_HELP, jobsFor, jobsOption } from './bundle-files.js';
import { examples } from './examples.js';
import { verifierKeyText } from './verifier-key.js';

interface FairnessOpts {
  verifierKey: string;
  alpha: string;
  svg?: string;
  json?: boolean;
  lang: string;
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
    .option('--lang <lang>', 'language of the chart: zh-CN or en', 'zh-CN')
    .option('--top <n>', 'experts to list, most surprising first', '10')
    .option('--json', 'print the whole report as JSON')
    .option('--jobs <n>', JOBS_HELP, jobsOption, availableParallelism())
    .addHelpText('after', examples('expert-draw fairness proofs/ --verifier-key keys/log-signer.vkey --svg fairness.svg', 'expert-draw fairness a.json b.json --verifier-key keys/log-signer.vkey --alpha 0.001 --json'))
    .action(async (paths: string[], opts: FairnessOpts) => {
      const alpha = Number(opts.alpha);
      if (!(alpha > 0 && alpha < 1)) throw new Error(`--alpha must be between 0 and 1, not ${opts.alpha}`);
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 0) throw new Error(`--top must be a whole number, not ${opts.top}`);
      if (opts.lang !== 'zh-CN' && opts.lang !== 'en') throw new Error(`--lang must be zh-CN or en, not ${opts.lang}`);
      const verifierKey = verifierKeyText(opts.verifierKey, '');
      const [{ panelVerified }, { ProofFilePool }, { checkRun }] = await Promise.all([import('../verify/draw-proof.js'), import('../verify/proof-pool.js'), import('../verify/run-checks.js')]);
      const draws: FairnessDraw[] = [];
      const refused: string[] = [];
      const files = bundleFiles(paths);
      // Each bundle verified as proof verify does, up to --jobs at once, then checked against the others of the run
      // (a fork, one draw told two ways, a nonce reused); the verdicts in file order.
      const pool = new ProofFilePool({ verifierKey, panels: true }, jobsFor(opts.jobs, files.length));
      const verdicts = checkRun(await pool.verify(files).finally(() => pool.close()));
      for (const { file, ...verdict } of verdicts) {
        if ('error' in verdict) {
          refused.push(`${file}: ${verdict.error}`);
          continue;
        }
        const { report } = verdict;
        // Only what verified counts: a bundle that does not is left out, and said.
        if (!panelVerified(report) || !report.panels) {
          refused.push(`${file}: does not verify (${report.checks.filter((c) => c.status !== 'pass').map((c) => c.id).join(', ')})`);
          continue;
        }
        draws.push({ drawId: report.drawId!, groups: report.panels });
      }
      const fairness = assessFairness(draws, alpha);
      if (opts.svg) {
        try {
          writeFileSync(opts.svg, fairnessSvg(fairness, FAIRNESS_LABELS[opts.lang]));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new Error(`cannot write the chart to ${opts.svg}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'not allowed' : code === 'EISDIR' ? 'that is a folder' : (code ?? 'error')}`);
        }
      }
      if (opts.json) console.log(JSON.stringify({ ...fairness, refused }, null, 2));
      else {
        for (const r of refused) console.error(`left out: ${r}`);
        console.log(`${fairness.draws} verified draws, ${fairness.experts} experts eligible at least once; threshold ${alpha} for all of them together (Šidák)`);
        for (const r of fairness.results.slice(0, top)) {
          console.log(`${r.flagged ? '!' : ' '} ${r.expertId}  selected ${r.selected}, expected ${r.expected.toFixed(2)} over ${r.trials} eligible groups; p ${r.pValue.toExponential(2)}, corrected ${r.adjusted.toExponential(2)}`);
        }
        if (draws.length === 0) console.log('NOTHING ASSESSED: no bundle verified');
        else console.log(fairness.flagged.length === 0 ? 'nobody is selected more often than chance allows' : `FLAGGED: ${fairness.flagged.map((f) => f.expertId).join(', ')}`);
        if (refused.length > 0) console.log(`INCOMPLETE: ${refused.length} of ${files.length} bundles left out (named above): the figures cover only the draws that verified`);
        if (opts.svg) console.log(`chart written to ${opts.svg}`);
      }
      // Flagged experts, or bundles left out, make a non-zero exit: a script must not read a partial history as clean.
      process.exitCode = fairness.flagged.length > 0 || refused.length > 0 ? 1 : 0;
    });
}
