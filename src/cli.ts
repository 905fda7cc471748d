#!/usr/bin/env node
// expert-draw command line: operator and inspector tools. Each command is a thin shell over src/ modules.
// What a command runs is imported when it runs (`await import` in its action), never here: `--help`, and each command,
// load only what they use, not the whole service (the store drivers, the HTTP stack, the BLS and X.509 libraries).
// test/cli/start-cost.test.ts holds the CLI to that.
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { registerBackupCommands } from './cli/backup-commands.js';
import { registerCaCommands } from './cli/ca-commands.js';
import { registerFairnessCommands } from './cli/fairness-commands.js';
import { registerKeyCommands } from './cli/key-commands.js';
import { registerLogCommands } from './cli/log-commands.js';
import { registerProofCommands } from './cli/proof-commands.js';
import { registerTokenCommands } from './cli/token-commands.js';
import { registerUserCommands } from './cli/user-commands.js';
import { examples } from './cli/examples.js';
import { SPECIALTY_PATTERN } from './domain/primitives.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function specialtyList(value: string): string[] {
  const codes = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const c of codes) if (!SPECIALTY_PATTERN.test(c)) throw new InvalidArgumentError(`not a specialty code: ${c}`);
  return codes;
}

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

const program = new Command()
  .name('expert-draw')
  .version(packageVersion(), '-V, --version', 'the version of expert-draw')
  .description('Auditable, sealed random draws of bid-evaluation experts (评标专家随机抽取)')
  .addHelpText('after', examples(
    'expert-draw users add --role admin --username admin --name 管理员 --generate',
    'expert-draw log verify',
    'expert-draw proof verify proof.json --verifier-key keys/log-signer.vkey',
    'expert-draw help backup           # a command\'s options and examples',
  ));

program
  .command('demo')
  .description('run one complete draw on a synthetic pool and print each protocol step')
  .option('--size <n>', 'experts in the synthetic pool', positiveInt, 10_000)
  .option('--seed <text>', 'seed of the synthetic pool', 'demo')
  .option('--specialties <codes>', 'comma-separated specialty codes, one group each', specialtyList)
  .option('--count <n>', 'experts selected per group', positiveInt, 3)
  .option('--nonce <hex>', 'fixed 32-byte nonce (hex) for a reproducible run')
  .option('--log', 'commit the draw to the configured store\'s audit log (commit durable before the seed exists)')
  .addHelpText('after', examples(
    'expert-draw demo --size 50000 --count 5',
    'expert-draw demo --specialties A01,B02 --nonce $(openssl rand -hex 32)   # the same draw each time with that nonce',
    'expert-draw demo --log                                                  # commit it to ./data\'s audit log',
  ))
  .action(async (opts: { size: number; seed: string; specialties?: string[]; count: number; nonce?: string; log?: boolean }) => {
    if (opts.nonce !== undefined && !/^[0-9a-f]{64}$/.test(opts.nonce)) {
      program.error('--nonce must be 64 lower-case hex digits', { exitCode: 2 });
    }
    const { log, ...demo } = opts;
    const { runDemo } = await import('./demo.js');
    if (!log) return runDemo(demo, (line) => console.log(line));
    const [{ loadConfig }, { openContext }] = await Promise.all([import('./config.js'), import('./open-context.js')]);
    const opened = await openContext(loadConfig(), (files) => console.log(`generated development keys:\n  ${files.join('\n  ')}\n`));
    try {
      if (opened.ctx.auditLog.integrity) throw new Error(`the audit log fails its self-check at index ${opened.ctx.auditLog.integrity.index}: ${opened.ctx.auditLog.integrity.reason}`);
      await runDemo({ ...demo, log: { auditLog: opened.ctx.auditLog, sealingKey: opened.ctx.keys.sealing.publicKey } }, (line) => console.log(line));
    } finally {
      await opened.close();
    }
  });

const pool = program.command('pool').description('expert pool tools');
pool
  .command('generate')
  .description('write a synthetic pool as JSON lines, one expert per line (deterministic from --seed)')
  .requiredOption('--size <n>', 'number of experts', positiveInt)
  .option('--seed <text>', 'generator seed: specialties, employers, regions, statuses (not the ids or the people)', 'default')
  .option('--first <n>', 'number of the first expert: ids (E…) and personal data run from it, so a second file adds experts', positiveInt, 1)
  .option('--out <file>', 'output file (default: standard output)')
  .option('--with-personal', 'add synthetic personal data (name, phone, valid ID number), as the import expects')
  .addHelpText('after', examples(
    'expert-draw pool generate --size 2000 --with-personal --out pool.jsonl   # for POST /v1/experts/import',
    'expert-draw pool generate --size 100000 --seed bench | head -3',
    'expert-draw pool generate --size 500 --first 2001 --with-personal --out more.jsonl   # 500 more, E0002001 on',
  ))
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
      console.error(`wrote ${experts.length} experts to ${opts.out}`);
    }
  });

registerKeyCommands(program);
registerCaCommands(program);
registerLogCommands(program);
registerFairnessCommands(program);
registerProofCommands(program);
registerTokenCommands(program);
registerUserCommands(program);
registerBackupCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Expected failures (a missing key, a refused overwrite, a store that cannot be reached) print as one line.
  console.error(`expert-draw: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
