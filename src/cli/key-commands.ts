// `expert-draw keys generate`: a new key set for an instance (log signer, JWT signing key, sealing key pair).
import type { Command } from 'commander';
import { examples } from './examples.js';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('instance keys');
  keys
    .command('generate')
    .description('create the log signing key, JWT signing key and sealing key pair (refuses to overwrite)')
    .option('--dir <dir>', 'keys folder (default: EXPERT_DRAW_KEYS_DIR or ./keys)')
    .option('--origin <origin>', 'log origin, the log signer key name (default: EXPERT_DRAW_LOG_ORIGIN)')
    .addHelpText('after', examples(
      'expert-draw keys generate --dir ./keys-prod --origin draw.example-centre.gov.cn/log',
      'EXPERT_DRAW_KEYS_DIR=/etc/expert-draw/keys EXPERT_DRAW_LOG_ORIGIN=draw.example-centre.gov.cn/log expert-draw keys generate',
    ))
    .action(async (opts: { dir?: string; origin?: string }) => {
      const [{ loadConfig }, { generateKeys }] = await Promise.all([import('../config.js'), import('../instance-keys.js')]);
      const config = loadConfig();
      const files = generateKeys(opts.dir ?? config.EXPERT_DRAW_KEYS_DIR, opts.origin ?? config.EXPERT_DRAW_LOG_ORIGIN);
      for (const f of files) console.log(`wrote ${f}`);
      console.log('Private files are readable only by their owner; keep them off shared disks and out of version control.');
    });

  program
    .command('exchange')
    .description('keys for the exchange of records with other centres (docs/exchange.md)')
    .command('keygen')
    .description('print a new exchange signer key (keep it secret) and its verifier key (give it to the other centres)')
    .requiredOption('--name <name>', 'the issuer name other centres will see, e.g. the centre\'s domain')
    .addHelpText('after', examples('expert-draw exchange keygen --name ggzy.example-city.gov.cn/exchange'))
    .action(async (opts: { name: string }) => {
      const { generateNoteKeys } = await import('../log/note.js');
      const { signerKey, verifierKey } = generateNoteKeys(opts.name);
      console.log(`EXPERT_DRAW_EXCHANGE_SIGNER_KEY=${signerKey}`);
      console.log(`# verifier key, for the other centres' EXPERT_DRAW_EXCHANGE_TRUSTED:\n${verifierKey}`);
    });
}
