// The command line speaks the reader's language: in a Chinese shell (LANG=zh_CN.UTF-8) every command's and group's
// --help, commander's own words, the refusals and the reports are Chinese; in another shell English; `--lang` overrides
// the shell anywhere on the line. What scripts read (JSON, key lines, exit statuses) is the same in both. (Run as a
// pipe, the help is 80 columns wide.)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columns } from '../../src/cli/columns.js';
import { installedCli } from '../helpers/installed-cli.js';

const HAN = /\p{Script=Han}/u;
const dir = mkdtempSync(join(tmpdir(), 'expert-draw-cli-language-'));
let cliPath = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  cliPath = await installedCli();
}, 240_000);

/** The environment of a shell in `lang` that set none of the service's settings. */
function shell(lang: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EXPERT_DRAW_') && !k.startsWith('LC_') && k !== 'NODE_ENV'));
  return { ...env, LANG: lang };
}

const ZH = 'zh_CN.UTF-8';
const EN = 'en_US.UTF-8';

function cli(lang: string, args: readonly string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd: mkdtempSync(join(dir, 'shell-')), env: shell(lang), encoding: 'utf8', timeout: 60_000 });
}

/** The subcommand names a help text lists, under its "Commands:" heading in either language. */
function commandsIn(help: string): string[] {
  const section = (help.split(/^(?:Commands:|命令：)$/m)[1] ?? '').split(/\n\s*\n/)[0]!;
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** As `cli`, without blocking: the help of ~50 commands in two languages is read four processes at a time. */
function cliAsync(lang: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: mkdtempSync(join(dir, 'shell-')), env: shell(lang) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `work` over `items`, `limit` at a time, keeping their order. */
async function inTurns<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Every command path, groups included, with its help in an English shell and in a Chinese one. */
async function allCommands(): Promise<Array<{ path: string[]; en: Run; zh: Run }>> {
  const found: Array<{ path: string[]; en: Run; zh: Run }> = [];
  for (let level: string[][] = [[]]; level.length > 0; ) {
    const helps = await inTurns(level, 4, async (path) => ({ path, en: await cliAsync(EN, [...path, '--help']), zh: await cliAsync(ZH, [...path, '--help']) }));
    found.push(...helps);
    level = helps.flatMap(({ path, en }) => commandsIn(en.stdout).map((sub) => [...path, sub]));
  }
  return found;
}

/** The help's text before its examples (which hold Chinese names in either language). */
const beforeExamples = (help: string) => help.split(/^(?:Examples:|示例：)$/m)[0]!;

describe('--help', () => {
  it('is Chinese in a Chinese shell and English in another, for every command and group, each ending with examples', async () => {
    const commands = await allCommands();
    expect(commands.map(({ path }) => path.join(' '))).toEqual(expect.arrayContaining(['', 'log', 'users', 'keys', 'ca', 'token', 'proof', 'pool', 'exchange', 'backup', 'log watch', 'proof verify']));
    for (const { path, en, zh } of commands) {
      const name = `expert-draw ${path.join(' ')} --help`;
      expect(zh.status, `${name}: ${zh.stderr}`).toBe(0);
      expect(en.status, `${name}: ${en.stderr}`).toBe(0);

      // Chinese: commander's headings and words too, and every option and command described in Chinese.
      expect(zh.stdout, name).toMatch(/^用法：expert-draw/);
      expect(zh.stdout, name).toMatch(/\n示例：\n {2}\S/);
      for (const english of ['Usage:', 'Options:', 'Commands:', 'Arguments:', 'Examples:', 'display help for command', '(default:']) expect(zh.stdout, `${name}: ${english}`).not.toContain(english);
      const described = beforeExamples(zh.stdout).split('\n').filter((l) => /^ {2}(-|[a-z])/.test(l));
      for (const line of described) expect(line, name).toMatch(HAN);
      // Wrapped to the terminal's 80 columns, a Chinese character taking two.
      for (const line of beforeExamples(zh.stdout).split('\n')) expect(columns(line), `${name}: ${line}`).toBeLessThanOrEqual(80);

      // English: no Chinese before the examples.
      expect(en.stdout, name).toMatch(/^Usage: expert-draw/);
      expect(en.stdout, name).toMatch(/\nExamples:\n {2}\S/);
      expect(beforeExamples(en.stdout), name).not.toMatch(HAN);

      // The examples are the help's last section, and show the command itself.
      for (const help of [zh.stdout, en.stdout]) {
        const examples = help.split(/^(?:Examples:|示例：)$/m);
        expect(examples, name).toHaveLength(2);
        if (path.length > 0) expect(examples[1], name).toContain(`expert-draw ${path.join(' ')}`);
      }
    }
  }, 600_000);

  it('follows --lang before the shell, wherever it is on the line', () => {
    expect(cli(ZH, ['--lang', 'en', 'log', 'verify', '--help']).stdout).toMatch(/^Usage: expert-draw log verify/);
    expect(cli(EN, ['log', 'verify', '--help', '--lang', 'zh-CN']).stdout).toMatch(/^用法：expert-draw log verify/);
    expect(cli(EN, ['users', '--lang=zh-CN', '--help']).stdout).toContain('工作人员账号');
    // A language it does not speak is refused, in the shell's.
    const fr = cli(ZH, ['--lang', 'fr', 'log', 'verify']);
    expect(fr.status).toBe(1);
    expect(fr.stderr).toContain('错误：选项 --lang <lang> 的取值“fr”无效：应为 zh-CN 或 en');
  });
});

describe('errors', () => {
  it('says commander\'s refusals in the reader\'s language, with what to do next', () => {
    const zh = cli(ZH, ['log', 'verify', '--quite']);
    expect(zh.status).toBe(1);
    expect(zh.stderr).toBe('错误：未知选项 --quite\n（是否是指 --quiet？）\n（加 --help 查看用法和示例）\n');
    const en = cli(EN, ['log', 'verify', '--quite']);
    expect(en.status).toBe(1);
    expect(en.stderr).toBe("error: unknown option '--quite'\n(Did you mean --quiet?)\n(add --help for usage and examples)\n");

    expect(cli(ZH, ['proof', 'verify', 'a.json']).stderr).toContain('错误：未给出必需的选项 --verifier-key <key>');
    expect(cli(EN, ['proof', 'verify', 'a.json']).stderr).toContain("error: required option '--verifier-key <key>' not specified");
    expect(cli(ZH, ['demo', '--size', 'many']).stderr).toContain('错误：选项 --size <n> 的取值“many”无效：应为正整数');
    expect(cli(EN, ['demo', '--size', 'many']).stderr).toContain("error: option '--size <n>' argument 'many' is invalid. expected a positive whole number");
    expect(cli(ZH, ['nope']).stderr).toContain('错误：未知命令 nope');
  });

  it('says the command\'s own refusals in the reader\'s language', () => {
    const zh = cli(ZH, ['log', 'verify', '--quiet', '--verifier-key', 'missing.vkey']);
    expect(zh.status).toBe(1);
    expect(zh.stderr).toMatch(/^expert-draw: 验证公钥文件 \S+missing\.vkey 不存在：请给出日志的公钥文件（log-signer\.vkey）或公钥本身/);
    const en = cli(EN, ['log', 'verify', '--quiet', '--verifier-key', 'missing.vkey']);
    expect(en.status).toBe(1);
    expect(en.stderr).toMatch(/^expert-draw: the verifier key file \S+missing\.vkey does not exist/);
    expect(cli(ZH, ['open', '--key', 'site-key.pem', 'sealed.json']).stderr).toMatch(/^expert-draw: 请用 --verifier-key 给出交易中心的日志验证公钥/);
  });
});

describe('reports', () => {
  it('reports what a command did in the reader\'s language; the key lines a script reads are the same', () => {
    const zh = cli(ZH, ['keys', 'generate', '--dir', join(dir, 'keys-zh')]);
    expect(zh.status, zh.stderr).toBe(0);
    expect(zh.stdout).toContain(`已写入 ${join(dir, 'keys-zh')}`);
    expect(zh.stdout).toContain('私钥文件只有其所有者可读');
    const en = cli(EN, ['keys', 'generate', '--dir', join(dir, 'keys-en')]);
    expect(en.stdout).toContain(`wrote ${join(dir, 'keys-en')}`);
    expect(en.stdout).not.toMatch(HAN);

    const pool = join(dir, 'pool.jsonl');
    expect(cli(ZH, ['pool', 'generate', '--size', '3', '--out', pool]).stderr).toBe(`已将 3 名专家写入 ${pool}\n`);
    expect(cli(EN, ['pool', 'generate', '--size', '3', '--out', pool]).stderr).toBe(`wrote 3 experts to ${pool}\n`);

    for (const lang of [ZH, EN]) {
      const keygen = cli(lang, ['exchange', 'keygen', '--name', 'ggzy.example-city.gov.cn/exchange']);
      expect(keygen.stdout).toMatch(/^EXPERT_DRAW_EXCHANGE_SIGNER_KEY=PRIVATE\+KEY\+ggzy\.example-city\.gov\.cn\/exchange\+/);
    }
  });

  it('prints the demo\'s protocol steps in the reader\'s language', () => {
    const args = ['demo', '--size', '2000', '--nonce', 'ab'.repeat(32)];
    const zh = cli(ZH, args);
    expect(zh.status, zh.stderr).toBe(0);
    expect(zh.stdout).toMatch(/^合成专家库：专家 2000 名/);
    expect(zh.stdout).toContain('（来自 --nonce：每次都是同样的抽取）');
    expect(zh.stdout).toMatch(/\n2\. 种子（保证级别：服务随机数）：[0-9a-f]{64}\n/);
    const en = cli(EN, args);
    expect(en.stdout).toMatch(/^synthetic pool: 2000 experts/);
    expect(en.stdout).toMatch(/\n2\. seed \(operator assurance\): [0-9a-f]{64}\n/);
    // The same draw, told in two languages.
    expect(zh.stdout.match(/[0-9a-f]{64}/g)).toEqual(en.stdout.match(/[0-9a-f]{64}/g));
  });
});
