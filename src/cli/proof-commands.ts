// `expert-draw proof verify`: an inspector checks a disclosed draw's proof bundle offline against the pinned log key,
// and with --kept against the checkpoints they kept (the consistency proofs fetched from the log API with --url).
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { Speaking } from './language.js';
import type { OptionParsers } from './parsers.js';

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
}

export function registerProofCommands(program: Command, { lang, t, examples, groupExamples }: Speaking, parse: OptionParsers): void {
  const verifyExample = 'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey';
  const folderExample = ['expert-draw proof verify proofs/ --verifier-key keys/log-signer.vkey --jobs 4', t('proof.example.folder')] as const;
  const proof = program.command('proof').description(t('proof')).addHelpText('after', groupExamples('proof verify', verifyExample, folderExample));
  proof
    .command('verify')
    .description(t('proof.verify'))
    .argument('<bundles...>', t('arg.bundles'))
    .requiredOption('--verifier-key <key>', t('opt.verifierKey'))
    .option('--origin <origin>', t('opt.originOfKey'))
    .option('--beacon-chain <info.json>', t('proof.beaconChain'), (v: string, all: string[]) => [...all, v], [])
    .option('--json', t('proof.json'))
    .option('--kept <dir>', t('proof.kept'))
    .option('--url <url>', t('proof.url'))
    .option('--token <token>', t('proof.token'))
    .option('--jobs <n>', t('opt.jobs'), parse.jobs, availableParallelism())
    .option('--quiet', t('proof.quiet'))
    .addHelpText('after', examples(
      'curl -fs "$B/v1/draws/$DRAW/proof" -H "Authorization: Bearer $TOKEN" -o proof.json',
      verifyExample,
      [`${verifyExample} --lang en`, t('proof.example.english')],
      'expert-draw proof verify proof.json --verifier-key "draw.example-centre.gov.cn/log+1a2b3c4d+…" --json',
      folderExample,
      `${verifyExample} --kept kept --url https://draw.example-centre.gov.cn`,
    ))
    // The verifier (zod, the BLS library, the worker pool) loads only when a bundle is verified, not for --help.
    .action(async (paths: string[], opts: VerifyOpts) => (await import('./proof-verify.js')).verifyBundles(paths, opts, lang));
}
