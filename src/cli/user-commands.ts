// `expert-draw users add`: creates a staff account on the store the service uses — the first administrator, who then
// manages everyone else through the API. The first password is read from standard input, asked for without echo, or
// generated and printed once; the user must change it at the first login either way.
import { randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { passwordProblem } from '../auth/passwords.js';
import { ROLES, type Role } from '../auth/roles.js';
import type { CLI_REPORTS } from '../i18n/cli/reports.js';
import { LocalizedError, type AreaTexts } from '../i18n/text.js';
import type { Lang } from '../i18n/language.js';
import type { Speaking } from './language.js';
import type { OptionParsers } from './parsers.js';

/** No 0/O, 1/l/I: the password is read aloud or copied from paper. 16 of 56 characters: about 93 bits. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function generatePassword(): string {
  for (;;) {
    const chars = Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]!);
    const password = [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
    if (passwordProblem(password, '') === null) return password;
  }
}

/** Asks on the terminal without echoing what is typed. */
async function askHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write(question);
  // readline echoes through this method; silenced, the typed characters stay off the screen.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

/** The first password: generated, asked for twice on a terminal, or the first line of standard input. */
async function firstPassword(generate: boolean, reports: AreaTexts<typeof CLI_REPORTS>, lang: Lang): Promise<{ password: string; generated: boolean }> {
  if (generate) return { password: generatePassword(), generated: true };
  if (process.stdin.isTTY) {
    const password = await askHidden(`${reports.text(lang, 'users.firstPassword')} `);
    if ((await askHidden(`${reports.text(lang, 'users.again')} `)) !== password) throw new LocalizedError(reports.said('users.differ'));
    return { password, generated: false };
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return { password: text.split(/\r?\n/)[0] ?? '', generated: false };
}

export function registerUserCommands(program: Command, { lang, t, examples, groupExamples }: Speaking, parse: OptionParsers): void {
  const addExamples = [
    'expert-draw users add --role admin --username admin --name 系统管理员 --generate',
    ['expert-draw users add --role supervisor --username sup-li --name 李监督', t('users.example.ask')],
    'ADMIN_PW=$(expert-draw users add --role admin --username admin --name 管理员 --generate)',
  ] as const;
  const users = program.command('users').description(t('users')).addHelpText('after', groupExamples('users add', addExamples[0], addExamples[1]));
  users
    .command('add')
    .description(t('users.add'))
    .requiredOption('--username <name>', t('users.username'))
    .requiredOption('--name <display name>', t('users.name'))
    .requiredOption('--role <role>', t('opt.role', { roles: ROLES.join(', ') }), parse.role)
    .option('--site <site>', t('users.site'), parse.siteId)
    .option('--generate', t('users.generate'))
    .addHelpText('after', examples(...addExamples))
    .action(async (opts: { username: string; name: string; role: Role; site?: string; generate?: boolean }) => {
      const { reportTexts } = await import('../i18n/cli/reports.js');
      const r = reportTexts.in(lang);
      const { password, generated } = await firstPassword(opts.generate === true, reportTexts, lang);
      const [{ loadConfig }, { openContext }, { SQLITE_FILE }] = await Promise.all([import('../config.js'), import('../open-context.js'), import('../store/open-store.js')]);
      const config = loadConfig();
      // A shell in another folder would make a store (and development keys) of its own: say which ones were used.
      const opened = await openContext(config, (files) => console.error(r('users.devKeys', { dir: resolve(dirname(files[0]!)) })));
      const store = config.EXPERT_DRAW_STORE === 'sqlite' ? resolve(config.EXPERT_DRAW_DATA_DIR, SQLITE_FILE) : r('users.redisStore', { prefix: config.EXPERT_DRAW_REDIS_PREFIX });
      try {
        const user = await opened.ctx.users.create({ username: opts.username, displayName: opts.name, role: opts.role, site: opts.site ?? null, password }, 'cli');
        console.error(r('users.created', { role: user.role, username: user.username, id: user.id, store }));
        if (generated) console.log(password);
      } finally {
        await opened.close();
      }
    });
}
