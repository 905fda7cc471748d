// `expert-draw fairness` over proof bundles: each is verified first and only verified draws count (a tampered one is
// left out and said); the report lists experts most surprising first, writes the chart, and an honest history flags
// nobody (exit 0). Rigged histories are in test/verify/fairness.test.ts, where they can be planted.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { generatePool, syntheticUscc } from '../../src/pool/generator.js';
import { verifyDrawProof } from '../../src/verify/draw-proof.js';
import { testKeys } from '../helpers/log.js';
import { installedCli } from '../helpers/installed-cli.js';
import { memoryBundle } from '../helpers/proof-bundle.js';

const root = resolve(import.meta.dirname, '../..');
const keys = testKeys();
const pool = generatePool({ size: 80, seed: 'fairness-cli', fixed: [{ code: 'C990101', members: 40 }] });
const index = new PoolIndex(pool.experts, 1);
const project = (i: number) => ({ id: `P-FAIR-${i}`, tenderer: syntheticUscc(9800 + i), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' });
const request = { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 };
// Fixed nonces: an honest history flags somebody by chance about once in a hundred (alpha 0.01), so a random one would
// make this test fail that often. This history is honest and fixed, and flags nobody.
const nonce = (i: number) => createHash('sha256').update(`fairness-cli-nonce-${i}`).digest();
// Each at its own place in the log (a tree of its own size): memoryBundle's trees are not one log, and two of one size
// with different roots would be a fork, which the run's checks refuse.
const bundles = Array.from({ length: 30 }, (_, i) => memoryBundle({ drawId: `D-FAIR-${i}`, pool: index, project: project(i), request, policy: DEFAULT_POLICY, signer: keys.signer, nonce: nonce(i), commitIndex: 5 + 4 * i }));
let dir: string;
let cliPath = '';
/** The command in an English shell (the report follows LANG, as proof verify's does), or in the given one. */
const cli = (...args: string[]) => cliIn('C.UTF-8', ...args);
const cliIn = (lang: string, ...args: string[]) => spawnSync(process.execPath, [cliPath, 'fairness', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '' } });

beforeAll(async () => {
  cliPath = await installedCli();
  dir = mkdtempSync(join(tmpdir(), 'expert-draw-fairness-'));
  mkdirSync(join(dir, 'proofs'));
  bundles.forEach((b, i) => writeFileSync(join(dir, 'proofs', `${String(i).padStart(2, '0')}.json`), JSON.stringify(b)));
  writeFileSync(join(dir, 'log-signer.vkey'), `${keys.verifierKey}\n`);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expert-draw fairness', () => {
  it('answers each verified draw’s eligible and selected ids through the verifier', () => {
    const report = verifyDrawProof(bundles[0], { verifierKey: keys.verifierKey, panels: true });
    expect(report.ok).toBe(true);
    const [group] = report.panels!;
    expect(group!.selected).toHaveLength(5);
    for (const id of group!.selected) expect(group!.eligible).toContain(id);
    expect(new Set(group!.eligible).size).toBe(group!.eligible.length);
    // Without the option the report carries no panels.
    expect(verifyDrawProof(bundles[0], { verifierKey: keys.verifierKey }).panels).toBeUndefined();
  });

  it('counts the verified draws of a folder, lists the experts, writes the chart, flags nobody in an honest history', () => {
    const svg = join(dir, 'fairness.svg');
    const out = cli(join(dir, 'proofs'), '--verifier-key', join(dir, 'log-signer.vkey'), '--svg', svg, '--top', '3');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^30 verified draws, \d+ experts eligible at least once; threshold 0\.01/m);
    expect(out.stdout.match(/^ {2}\S+ {2}selected \d+, expected [\d.]+ over \d+ eligible groups/gm)).toHaveLength(3);
    expect(out.stdout).toContain('nobody is selected more often than chance allows');
    const chart = readFileSync(svg, 'utf8');
    expect(chart.startsWith('<svg')).toBe(true);
    expect(chart).toContain('专家抽中次数与期望次数');
  });

  it('leaves out a bundle that does not verify, says which check failed, and exits 1: the history is incomplete', () => {
    const tampered = structuredClone(bundles[1]!) as { reveal: { entry: string } };
    tampered.reveal.entry = tampered.reveal.entry.replace(/"salt":"([0-9a-f])/, (_, c: string) => `"salt":"${c === '0' ? '1' : '0'}`);
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered));
    const out = cli(join(dir, 'proofs', '00.json'), join(dir, 'tampered.json'), '--verifier-key', join(dir, 'log-signer.vkey'), '--json');
    expect(out.status, out.stderr).toBe(1);
    const report = JSON.parse(out.stdout) as { draws: number; refused: string[]; flagged: unknown[] };
    expect(report.draws).toBe(1);
    expect(report.flagged).toEqual([]);
    expect(report.refused).toEqual([expect.stringMatching(/tampered\.json: does not verify \(.+\)$/)]);
    const text = cli(join(dir, 'proofs', '00.json'), join(dir, 'tampered.json'), '--verifier-key', join(dir, 'log-signer.vkey'));
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('INCOMPLETE: 1 of 2 bundles left out');
    // Nothing verified: nothing is said to be fair.
    const none = cli(join(dir, 'tampered.json'), '--verifier-key', join(dir, 'log-signer.vkey'));
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('NOTHING ASSESSED: no bundle verified');
    expect(none.stdout).not.toContain('nobody is selected');
  });

  it('leaves out both bundles of one draw told two ways under the log key (a fork), naming the run’s checks', () => {
    // The same draw with another panel, re-signed by a key holder at the same tree size: each verifies alone.
    const forged = memoryBundle({ drawId: 'D-FAIR-0', pool: index, project: project(0), request, policy: DEFAULT_POLICY, signer: keys.signer, nonce: nonce(1000), commitIndex: 5 });
    expect(verifyDrawProof(forged, { verifierKey: keys.verifierKey }).ok).toBe(true);
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
    const out = cli(join(dir, 'proofs', '00.json'), join(dir, 'proofs', '01.json'), join(dir, 'forged.json'), '--verifier-key', join(dir, 'log-signer.vkey'), '--json');
    expect(out.status, out.stderr).toBe(1);
    const report = JSON.parse(out.stdout) as { draws: number; refused: string[] };
    expect(report.draws).toBe(1);
    expect(report.refused).toEqual([
      `${join(dir, 'proofs', '00.json')}: does not verify (checkpoints.agree, draws.agree)`,
      `${join(dir, 'forged.json')}: does not verify (checkpoints.agree, draws.agree)`,
    ]);
  });

  it('prints its report in Chinese with --lang zh-CN or in a Chinese shell, as proof verify does; --json stays as it is', () => {
    const tampered = join(dir, 'tampered-zh.json');
    const b = structuredClone(bundles[2]!) as { reveal: { entry: string } };
    b.reveal.entry = b.reveal.entry.replace(/"salt":"([0-9a-f])/, (_, c: string) => `"salt":"${c === '0' ? '1' : '0'}`);
    writeFileSync(tampered, JSON.stringify(b));
    const args = [join(dir, 'proofs', '00.json'), tampered, '--verifier-key', join(dir, 'log-signer.vkey'), '--top', '2'];
    for (const out of [cli(...args, '--lang', 'zh-CN'), cliIn('zh_CN.UTF-8', ...args)]) {
      expect(out.status, out.stderr).toBe(1);
      expect(out.stdout).toMatch(/^已核验的抽取 1 次，至少一次可被抽取的专家 \d+ 名；全体合计阈值 0\.01（Šidák 校正）$/m);
      expect(out.stdout).toMatch(/^ {2}\S+ {2}抽中 \d+ 次，期望 [\d.]+ 次（可被抽取的组 \d+ 个）；p /m);
      expect(out.stdout).toContain('没有专家的抽中次数超出随机所允许的范围');
      expect(out.stdout).toContain('不完整：2 个证明包中 1 个未计入（见上）');
      expect(out.stderr).toContain(`未计入：${tampered}：未通过核验（`);
      expect(out.stdout).not.toMatch(/verified draws|INCOMPLETE/);
    }
    const json = JSON.parse(cli(...args, '--lang', 'zh-CN', '--json').stdout) as { refused: string[] };
    expect(json.refused).toEqual([expect.stringMatching(/tampered-zh\.json: does not verify \(.+\)$/)]);
    // An English shell, or --lang en in a Chinese one: English.
    expect(cliIn('zh_CN.UTF-8', ...args, '--lang', 'en').stdout).toContain('INCOMPLETE: 1 of 2 bundles left out');
  });

  it('says in words when the chart cannot be written', () => {
    const out = cli(join(dir, 'proofs'), '--verifier-key', join(dir, 'log-signer.vkey'), '--svg', join(dir, 'nowhere', 'chart.svg'));
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(`cannot write the chart to ${join(dir, 'nowhere', 'chart.svg')}: no such folder`);
    expect(out.stderr).not.toContain('ENOENT');
  });

  it('refuses a bad threshold and a missing folder with a clear message', () => {
    const bad = cli(join(dir, 'proofs'), '--verifier-key', join(dir, 'log-signer.vkey'), '--alpha', '2');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--alpha must be between 0 and 1');
    const missing = cli(join(dir, 'nowhere'), '--verifier-key', join(dir, 'log-signer.vkey'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(`cannot read ${join(dir, 'nowhere')}`);
  });
});
