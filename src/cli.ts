#!/usr/bin/env node
// expert-draw command line: operator and inspector tools. Each command is a thin shell over src/ modules.
// What a command runs is imported when it runs (`await import` in its action), never here: `--help`, and each command,
// load only what they use, not the whole service (the store drivers, the HTTP stack, the BLS and X.509 libraries).
// test/cli/start-cost.test.ts holds the CLI to that.
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerBackupCommands } from './cli/backup-commands.js';
import { registerCaCommands } from './cli/ca-commands.js';
import { registerFairnessCommands } from './cli/fairness-commands.js';
import { registerKeyCommands } from './cli/key-commands.js';
import { langOption, speakOn, speaking } from './cli/language.js';
import { registerLogCommands } from './cli/log-commands.js';
import { optionParsers } from './cli/parsers.js';
import { registerProofCommands } from './cli/proof-commands.js';
import { registerTokenCommands } from './cli/token-commands.js';
import { registerUserCommands } from './cli/user-commands.js';
import { cliLanguage } from './i18n/language.js';
import { errorText } from './i18n/text.js';

/** The package's version, from package.json: one folder up from src/cli.ts, two from dist/src/cli.js. */
function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

// A reader that stops early (`… | head`) closes standard output: the command stops there, quietly, as other Unix tools
// do, with the status a shell reports for a process ended by SIGPIPE (141), instead of an EPIPE stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
});

// The language is the reader's (--lang, else the shell's): every help text, report and refusal is written in it.
const speak = speaking(cliLanguage(process.argv.slice(2)));
const { t, lang } = speak;
const parse = optionParsers(t);

const program = speakOn(new Command(), speak)
  .name('expert-draw')
  .version(packageVersion(), '-V, --version', t('version'))
  .description(t('program'))
  .option('--lang <lang>', t('lang'), langOption(t))
  .addHelpText('after', speak.examples(
    'expert-draw users add --role admin --username admin --name 管理员 --generate',
    'expert-draw log verify',
    'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey --lang zh-CN',
    ['expert-draw help backup', t('example.help')],
  ));

program
  .command('demo')
  .description(t('demo'))
  .option('--size <n>', t('demo.size'), parse.positiveInt, 10_000)
  .option('--seed <text>', t('demo.seed'), 'demo')
  .option('--specialties <codes>', t('demo.specialties'), parse.specialtyList)
  .option('--count <n>', t('demo.count'), parse.positiveInt, 3)
  .option('--nonce <hex>', t('demo.nonce'))
  .option('--log', t('demo.log'))
  .addHelpText('after', speak.examples(
    'expert-draw demo --size 50000 --count 5',
    ['expert-draw demo --specialties A01,B02 --nonce $(openssl rand -hex 32)', t('demo.example.nonce')],
    ['expert-draw demo --log', t('demo.example.log')],
  ))
  .action(async (opts: { size: number; seed: string; specialties?: string[]; count: number; nonce?: string; log?: boolean }) => {
    if (opts.nonce !== undefined && !/^[0-9a-f]{64}$/.test(opts.nonce)) {
      program.error(t('error.line', { message: t('parse.nonce') }), { exitCode: 2 });
    }
    const { log, ...demo } = opts;
    const [{ runDemo }, { reportTexts }] = await Promise.all([import('./demo.js'), import('./i18n/cli/reports.js')]);
    const r = reportTexts.in(lang);
    if (!log) return runDemo({ ...demo, lang }, (line) => console.log(line));
    const [{ loadConfig }, { openContext }] = await Promise.all([import('./config.js'), import('./open-context.js')]);
    const opened = await openContext(loadConfig(), (files) => console.log(`${r('demo.devKeys')}\n  ${files.join('\n  ')}\n`));
    try {
      const broken = opened.ctx.auditLog.integrity;
      if (broken) throw new Error(r('demo.logBroken', { index: broken.index, reason: broken.reason }));
      await runDemo({ ...demo, lang, log: { auditLog: opened.ctx.auditLog, sealingKey: opened.ctx.keys.sealing.publicKey } }, (line) => console.log(line));
    } finally {
      await opened.close();
    }
  });

const poolExamples = [
  ['expert-draw pool generate --size 2000 --with-personal --out pool.jsonl', t('pool.example.import')],
  'expert-draw pool generate --size 100000 --seed bench | head -3',
  ['expert-draw pool generate --size 500 --first 2001 --with-personal --out more.jsonl', t('pool.example.more')],
] as const;
const pool = program.command('pool').description(t('pool')).addHelpText('after', speak.groupExamples('pool generate', poolExamples[0], poolExamples[2]));
pool
  .command('generate')
  .description(t('pool.generate'))
  .requiredOption('--size <n>', t('pool.size'), parse.positiveInt)
  .option('--seed <text>', t('pool.seed'), 'default')
  .option('--first <n>', t('pool.first'), parse.positiveInt, 1)
  .option('--out <file>', t('pool.out'))
  .option('--with-personal', t('pool.withPersonal'))
  .addHelpText('after', speak.examples(...poolExamples))
  .action(async (opts: { size: number; seed: string; first: number; out?: string; withPersonal?: boolean }) => {
    const { generatePool, syntheticPersonal } = await import('./pool/generator.js');
    const { experts } = generatePool({ size: opts.size, seed: opts.seed, first: opts.first });
    const out: NodeJS.WritableStream = opts.out ? createWriteStream(opts.out) : process.stdout;
    for (const [i, e] of experts.entries()) {
      const line = opts.withPersonal ? { ...e, personal: syntheticPersonal(opts.first + i) } : e;
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    }
    if (opts.out) {
      out.end();
      await once(out, 'finish');
      const { reportTexts } = await import('./i18n/cli/reports.js');
      console.error(reportTexts.text(lang, 'pool.wrote', { count: experts.length, file: opts.out }));
    }
  });

registerKeyCommands(program, speak);
registerCaCommands(program, speak, parse);
registerLogCommands(program, speak);
registerFairnessCommands(program, speak, parse);
registerProofCommands(program, speak, parse);
registerTokenCommands(program, speak, parse);
registerUserCommands(program, speak, parse);
registerBackupCommands(program, speak);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Expected failures (a missing key, a refused overwrite, a store that cannot be reached) print as one line, in the
  // reader's language where the refusal is ours (LocalizedError); the details of a module below stay as it writes them.
  console.error(`expert-draw: ${errorText(err, lang)}`);
  process.exitCode = 1;
}
