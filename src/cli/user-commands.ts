// `expert-draw users add`: creates a staff account on the store the service uses — the first administrator, who then
// manages everyone else through the API. The first password is read from standard input, asked for without echo, or
// generated and printed once; the user must change it at the first login either way.
import { randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import { passwordProblem } from '../auth/passwords.js';
import { ROLES, Role } from '../auth/roles.js';
import { siteId } from './ca-commands.js';
import { examples } from './examples.js';

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
async function firstPassword(generate: boolean): Promise<{ password: string; generated: boolean }> {
  if (generate) return { password: generatePassword(), generated: true };
  if (process.stdin.isTTY) {
    const password = await askHidden('first password: ');
    if ((await askHidden('again: ')) !== password) throw new Error('the two passwords differ');
    return { password, generated: false };
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return { password: text.split(/\r?\n/)[0] ?? '', generated: false };
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('staff accounts (the first administrator; the API manages the rest)');
  users
    .command('add')
    .description('create an account on the configured store; the user must change the first password at the first login')
    .requiredOption('--username <name>', 'login name: a–z, 0–9, ., _ or -, 3–64 characters')
    .requiredOption('--name <display name>', 'the name colleagues know the user by')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`, (v) => {
      const r = Role.safeParse(v);
      if (!r.success) throw new InvalidArgumentError(`unknown role; use one of ${ROLES.join(', ')}`);
      return r.data;
    })
    .option('--site <site>', 'a registered site, for site users and a site\'s check-in desk', siteId)
    .option('--generate', 'generate the first password and print it (only it) on standard output, once')
    .addHelpText('after', examples(
      'expert-draw users add --role admin --username admin --name 系统管理员 --generate',
      'expert-draw users add --role supervisor --username sup-li --name 李监督         # asks for the first password',
      'ADMIN_PW=$(expert-draw users add --role admin --username admin --name 管理员 --generate)',
    ))
    .action(async (opts: { username: string; name: string; role: Role; site?: string; generate?: boolean }) => {
      const { password, generated } = await firstPassword(opts.generate === true);
      const [{ loadConfig }, { openContext }, { SQLITE_FILE }] = await Promise.all([import('../config.js'), import('../open-context.js'), import('../store/open-store.js')]);
      const config = loadConfig();
      // A shell in another folder would make a store (and development keys) of its own: say which ones were used.
      const opened = await openContext(config, (files) => console.error(`generated development keys in ${resolve(dirname(files[0]!))}`));
      const store = config.EXPERT_DRAW_STORE === 'sqlite' ? resolve(config.EXPERT_DRAW_DATA_DIR, SQLITE_FILE) : `Redis, prefix ${config.EXPERT_DRAW_REDIS_PREFIX}`;
      try {
        const user = await opened.ctx.users.create({ username: opts.username, displayName: opts.name, role: opts.role, site: opts.site ?? null, password }, 'cli');
        console.error(`created ${user.role} ${user.username} (${user.id}) in ${store}; the first password must be changed at the first login`);
        if (generated) console.log(password);
      } finally {
        await opened.close();
      }
    });
}
