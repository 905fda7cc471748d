// `expert-draw proof verify`: an inspector checks a disclosed draw's proof bundle offline against the pinned log key,
// and with --kept against the checkpoints they kept (the consistency proofs fetched from the log API with --url).
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { JOBS_HELP, jobsOption } from './bundle-files.js';
import { examples } from './examples.js';

export interface VerifyOpts {
  verifierKey: string;
  origin?: string;
  beaconChain: string[];
  json?: boolean;
  kept?: string;
  url?: string;
  token?: string;
  jobs: number;
  quiet?: boolean;
  lang?: string;
}

export function registerProofCommands(program: Command): void {
  const proof = program.command('proof').description('draw proof tools for inspectors');
  proof
    .command('verify')
    .description('verify disclosed draws’ proof bundles offline: entries, inclusion, checkpoints, commit ↔ reveal, seed, ranking, commitment')
    .argument('<bundles...>', 'bundles from GET /v1/draws/{id}/proof, or folders of them (their .json files, in name order)')
    .requiredOption('--verifier-key <key>', 'the log verifier key (name+id+key), or a file holding it (log-signer.vkey)')
    .option('--origin <origin>', 'checkpoint origin (default: the verifier key’s name)')
    .option('--beacon-chain <info.json>', 'a drand chain to trust besides quicknet and the default chain: its /info JSON (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--json', 'print the report as JSON (for several bundles: a list of {file, report} or {file, error})')
    .option('--kept <dir>', 'checkpoints you kept (expert-draw log watch --keep): the bundle’s must be one history with them')
    .option('--url <url>', 'with --kept: the service whose log API gives the consistency proofs between the bundle’s checkpoint and the kept ones (not needed when the bundle’s checkpoint is kept)')
    .option('--token <token>', 'with --url: an inspector’s or supervisor’s access token (default: EXPERT_DRAW_TOKEN)')
    .option('--jobs <n>', JOBS_HELP, jobsOption, availableParallelism())
    .option('--quiet', 'no progress bar when verifying several bundles')
    .option('--lang <lang>', 'zh-CN: checks and verdicts in Chinese (details stay as the verifier writes them); default: LANG (zh… is Chinese), else English')
    .addHelpText('after', examples(
      'curl -fs "$B/v1/draws/$DRAW/proof" -H "Authorization: Bearer $TOKEN" -o proof.json',
      'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey',
      'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey --lang zh-CN   # 中文',
      'expert-draw proof verify proof.json --verifier-key "draw.example-centre.gov.cn/log+1a2b3c4d+…" --json',
      'expert-draw proof verify proofs/ --verifier-key keys/log-signer.vkey --jobs 4   # every bundle in the folder, up to four at a time (no more than the cores)',
      'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey --kept kept --url https://draw.example-centre.gov.cn',
    ))
    // The verifier (zod, the BLS library, the worker pool) loads only when a bundle is verified, not for --help.
    .action(async (paths: string[], opts: VerifyOpts) => (await import('./proof-verify.js')).verifyBundles(paths, opts));
}
