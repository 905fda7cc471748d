// `expert-draw keys generate`: a new key set for an instance (log signer, JWT signing key, sealing key pair).
import type { Command } from 'commander';
import type { Speaking } from './language.js';

export function registerKeyCommands(program: Command, { lang, t, examples, groupExamples }: Speaking): void {
  const generateExamples = [
    'expert-draw keys generate --dir ./keys-prod --origin draw.example-centre.gov.cn/log',
    'EXPERT_DRAW_KEYS_DIR=/etc/expert-draw/keys EXPERT_DRAW_LOG_ORIGIN=draw.example-centre.gov.cn/log expert-draw keys generate',
  ];
  const keys = program.command('keys').description(t('keys')).addHelpText('after', groupExamples('keys generate', ...generateExamples));
  keys
    .command('generate')
    .description(t('keys.generate'))
    .option('--dir <dir>', t('keys.dir'))
    .option('--origin <origin>', t('keys.origin'))
    .addHelpText('after', examples(...generateExamples))
    .action(async (opts: { dir?: string; origin?: string }) => {
      const [{ loadConfig }, { generateKeys }, { reportTexts }] = await Promise.all([import('../config.js'), import('../instance-keys.js'), import('../i18n/cli/reports.js')]);
      const r = reportTexts.in(lang);
      const config = loadConfig();
      const files = generateKeys(opts.dir ?? config.EXPERT_DRAW_KEYS_DIR, opts.origin ?? config.EXPERT_DRAW_LOG_ORIGIN);
      for (const file of files) console.log(r('wrote', { file }));
      console.log(r('keys.private'));
    });

  const keygenExample = 'expert-draw exchange keygen --name ggzy.example-city.gov.cn/exchange';
  program
    .command('exchange')
    .description(t('exchange'))
    .addHelpText('after', groupExamples('exchange keygen', keygenExample))
    .command('keygen')
    .description(t('exchange.keygen'))
    .requiredOption('--name <name>', t('exchange.name'))
    .addHelpText('after', examples(keygenExample))
    .action(async (opts: { name: string }) => {
      const [{ generateNoteKeys }, { reportTexts }] = await Promise.all([import('../log/note.js'), import('../i18n/cli/reports.js')]);
      const { signerKey, verifierKey } = generateNoteKeys(opts.name);
      console.log(`EXPERT_DRAW_EXCHANGE_SIGNER_KEY=${signerKey}`);
      console.log(`${reportTexts.text(lang, 'exchange.verifierKey')}\n${verifierKey}`);
    });
}
