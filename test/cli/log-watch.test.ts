// `expert-draw log watch` and `proof verify --kept`, run as processes against real services on SQLite. Two services
// share one log key but hold different logs (a split view): the watcher keeps the first one's checkpoints, proves each
// new one consistent, and catches the fork when the second is served — once, and in its interval loop. A doctored
// checkpoint of a kept size is a fork too; one signed by another key is refused and kept nowhere.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { openCheckpoint } from '../../src/log/checkpoint.js';
import { generateNoteKeys, NoteSigner } from '../../src/log/note.js';
import { CheckpointSigner } from '../../src/log/checkpoint.js';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { installedCli } from '../helpers/installed-cli.js';
import { registerProject } from '../helpers/projects.js';
import { freePort } from '../helpers/redis-server.js';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'expert-draw-log-watch-'));
const pool = generatePool({ size: 90, seed: 'log-watch', fixed: [{ code: 'C990101', members: 40 }] });
const seed: TokenClaims = { sub: 'seed', role: 'admin', iat: 0, exp: 0 };
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };
let clock = Date.parse('2026-12-01T06:00:00+08:00');

let a: Built;
let b: Built;
let urlA = '';
let urlB = '';
let token = '';
/** The installed CLI's entry point. */
let cliPath = '';
let vkeyFile = '';
/** What the proxy serves: a base URL to forward to, or a handler of its own. */
let target: string | ((path: string) => { status: number; body: unknown }) = '';
let proxy: Server;
let proxyUrl = '';
/** Counts the latest-checkpoint requests the proxy served. */
let checkpointRequests = 0;

const importExperts = (t: Built, from: number, to: number) =>
  t.ctx.pool.import(pool.experts.slice(from, to).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(from + i) })), [], 'all', seed);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a process without blocking this one (the services answer it from here). */
function cli(args: string[], options: { onStdout?: (text: string) => void } = {}): Promise<Run> {
  return new Promise((done, failed) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: root, env: { ...process.env, EXPERT_DRAW_TOKEN: token } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', failed);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
const watch = (dir: string, ...more: string[]) => cli(['log', 'watch', '--url', proxyUrl, '--keep', dir, '--verifier-key', vkeyFile, ...more]);
const kept = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.note')).sort((x, y) => parseInt(x) - parseInt(y)) : []);
const latestOf = async (t: Built) => (await t.ctx.auditLog.checkpoint());

beforeAll(async () => {
  cliPath = await installedCli();
  a = await build({}, { now: () => clock });
  // The second service holds the same keys (the log key too), and a log of its own.
  b = await build({ EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR }, { now: () => clock });
  await importExperts(a, 0, 20);
  await importExperts(b, 40, 90);
  await Promise.all([latestOf(a), latestOf(b)]);
  [urlA, urlB] = [await a.listen(), await b.listen()];
  token = a.token('inspector', { ttlSeconds: 3600 });
  vkeyFile = join(work, 'log-signer.vkey');
  writeFileSync(vkeyFile, `${a.ctx.keys.logVerifier.verifierKey}\n`);
  proxy = createServer((req, res) => {
    void (async () => {
      if (req.url === '/v1/log/checkpoint') checkpointRequests++;
      if (typeof target === 'function') {
        const answer = target(req.url!);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      const upstream = await fetch(`${target}${req.url}`, { headers: { authorization: req.headers.authorization ?? '' } });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
    })().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 240_000);
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await a?.close();
  await b?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('expert-draw log watch --once', () => {
  const dir = join(work, 'kept-once');

  it('keeps the first checkpoint, then proves and keeps each new one, and says when nothing changed', async () => {
    target = urlA;
    const first = await latestOf(a);
    const one = await watch(dir, '--once');
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`kept checkpoint ${first.size} \\(root [0-9a-f]{64}\\): the first kept`));
    expect(kept(dir)).toEqual([`${first.size}.note`]);
    expect(readFileSync(join(dir, `${first.size}.note`), 'utf8')).toBe(first.note);

    await importExperts(a, 20, 30);
    const second = await latestOf(a);
    expect(second.size).toBeGreaterThan(first.size);
    const two = await watch(dir, '--once');
    expect(two.code, two.stdout + two.stderr).toBe(0);
    expect(two.stdout).toContain(`kept checkpoint ${second.size}`);
    expect(two.stdout).toContain(`consistent with kept checkpoint ${first.size}`);
    expect(kept(dir)).toEqual([`${first.size}.note`, `${second.size}.note`]);

    const three = await watch(dir, '--once');
    expect(three.code).toBe(0);
    expect(three.stdout).toContain(`unchanged: the latest checkpoint is kept checkpoint ${second.size}`);
  }, 60_000);

  it('another log signed by the same key: FORK with both notes, exit 1, the served one kept apart as evidence', async () => {
    target = urlB;
    const before = kept(dir);
    const mine = readFileSync(join(dir, before.at(-1)!), 'utf8');
    const theirs = await latestOf(b);
    expect(theirs.size).toBeGreaterThan(parseInt(before.at(-1)!));
    const run = await watch(dir, '--once');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/FORK: the consistency proof from tree size \d+ to \d+ does not verify/);
    expect(run.stdout).toContain(mine.trimEnd());
    expect(run.stdout).toContain(theirs.note.trimEnd());
    expect(kept(dir)).toEqual(before);
    const evidence = readdirSync(join(dir, 'forks'));
    expect(evidence).toHaveLength(1);
    expect(readFileSync(join(dir, 'forks', evidence[0]!), 'utf8')).toBe(theirs.note);
  }, 60_000);

  it('a doctored checkpoint of a kept size, signed by the log key: two roots, a fork', async () => {
    const size = parseInt(kept(dir).at(-1)!);
    const doctored = a.ctx.keys.logSigner.sign({ origin: a.ctx.auditLog.origin, size, rootHash: randomBytes(32), extensions: [] });
    target = (path) => (path === '/v1/log/checkpoint' ? { status: 200, body: { size, note: doctored } } : { status: 404, body: {} });
    const run = await watch(dir, '--once');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain(`FORK: two roots for tree size ${size}`);
    expect(run.stdout).toContain(doctored.trimEnd());
  }, 60_000);

  it('the log showing an older checkpoint than one kept: it went back, exit 1, though both are one history', async () => {
    const [older, newer] = kept(dir).map((f) => parseInt(f));
    const { note } = (await a.ctx.store.listCheckpoints(older!, 1))[0]!;
    target = (path) => {
      if (path === '/v1/log/checkpoint') return { status: 200, body: { size: older, note } };
      return { status: 404, body: {} };
    };
    const run = await watch(dir, '--once');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain(`FORK: the log's latest checkpoint (tree size ${older}) is older than kept checkpoint ${newer}: the log went back`);
  }, 60_000);

  it('a checkpoint signed by another key is refused (exit 2) and kept nowhere', async () => {
    const before = kept(dir);
    const other = new CheckpointSigner(NoteSigner.fromKey(generateNoteKeys(a.ctx.auditLog.origin).signerKey));
    const note = other.sign({ origin: other.origin, size: 999, rootHash: randomBytes(32), extensions: [] });
    target = () => ({ status: 200, body: { size: 999, note } });
    const run = await watch(dir, '--once');
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toContain('ERROR: ');
    expect(kept(dir)).toEqual(before);
    expect(readdirSync(join(dir, 'forks'))).toHaveLength(3);
  }, 60_000);
});

describe('expert-draw log watch in its loop', () => {
  it('keeps watching until the log it is shown forks, then exits 1 by itself', async () => {
    const dir = join(work, 'kept-loop');
    target = urlA;
    checkpointRequests = 0;
    let switched = false;
    const run = await cli(['log', 'watch', '--url', proxyUrl, '--keep', dir, '--verifier-key', vkeyFile, '--interval', '0.2'], {
      onStdout: (out) => {
        // After two passes over the honest log, the other one is shown.
        if (!switched && (out.match(/kept checkpoint|unchanged/g) ?? []).length >= 2) {
          switched = true;
          target = urlB;
        }
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(switched).toBe(true);
    expect(run.stdout).toMatch(/FORK: /);
    expect(checkpointRequests).toBeGreaterThanOrEqual(3);
    expect(kept(dir)).toHaveLength(1);
  }, 60_000);
});

describe('expert-draw proof verify --kept', () => {
  it('proves a disclosed draw’s checkpoint consistent with the kept ones through the log API; without the API it is not verified', async () => {
    const dir = join(work, 'kept-proof');
    target = urlA;
    expect((await watch(dir, '--once')).code).toBe(0);
    // A draw after the inspector kept a checkpoint, disclosed.
    await importExperts(a, 30, 90);
    await registerProject(a, op, { id: 'P-WATCH', bidOpeningAt: '2026-12-01T10:00:00+08:00' });
    const { drawId } = await a.ctx.draws.run('P-WATCH', 'immediate', op);
    clock = Date.parse('2026-12-01T10:05:00+08:00');
    for (const who of [op, sup]) await a.ctx.roster.approveUnseal(drawId, 'P-WATCH', '2026-12-01T10:00:00+08:00', who);
    await a.ctx.disclosure.disclose(drawId, op);
    const res = await a.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: a.auth('inspector') });
    expect(res.statusCode, res.body).toBe(200);
    const bundleFile = join(work, 'proof.json');
    writeFileSync(bundleFile, res.body);
    const bundleSize = openCheckpoint(res.json().reveal.inclusion.checkpoint, a.ctx.keys.logVerifier, a.ctx.auditLog.origin).checkpoint.size;
    const keptSize = parseInt(kept(dir)[0]!);
    expect(bundleSize).toBeGreaterThan(keptSize);

    const proved = await cli(['proof', 'verify', bundleFile, '--verifier-key', vkeyFile, '--kept', dir, '--url', proxyUrl]);
    expect(proved.code, proved.stdout + proved.stderr).toBe(0);
    expect(proved.stdout).toMatch(new RegExp(`✓ checkpoint\\.kept +the bundle’s checkpoint and the checkpoints you kept are one history`));
    expect(proved.stdout).toContain(`tree size ${bundleSize} extends kept ${keptSize}`);
    // Tied to the kept history: the verdict does not add that the log key alone vouches for it.
    expect(proved.stdout.trimEnd().split('\n').at(-1)).toMatch(/^OK: all \d+ checks passed$/);

    const offline = await cli(['proof', 'verify', bundleFile, '--verifier-key', vkeyFile, '--kept', dir]);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toMatch(/\? checkpoint\.kept/);
    expect(offline.stdout).toContain('NOT VERIFIED: not verifiable checkpoint.kept');

    // A log that does not answer: the report says the proofs were asked for and not given; stderr says why, with the
    // address; a malformed --url is refused in words.
    const closed = await freePort();
    const down = await cli(['proof', 'verify', bundleFile, '--verifier-key', vkeyFile, '--kept', dir, '--url', `http://127.0.0.1:${closed}`]);
    expect(down.code).toBe(1);
    expect(down.stdout).toContain('the log did not give them');
    expect(down.stderr).toContain(`cannot reach http://127.0.0.1:${closed} (network ECONNREFUSED)`);
    const notUrl = await cli(['proof', 'verify', bundleFile, '--verifier-key', vkeyFile, '--kept', dir, '--url', 'not-a-url']);
    expect(notUrl.code).toBe(1);
    expect(notUrl.stderr).toContain('--url not-a-url: not a URL');

    // A mistyped folder is refused, never read as "nothing kept"; a file in its place is named as not a folder.
    const mistyped = await cli(['proof', 'verify', bundleFile, '--verifier-key', vkeyFile, '--kept', `${dir}-typo`]);
    expect(mistyped.code).toBe(1);
    expect(mistyped.stderr).toContain(`--kept ${dir}-typo: no such folder`);
    const aFile = await cli(['proof', 'verify', bundleFile, '--verifier-key', vkeyFile, '--kept', bundleFile]);
    expect(aFile.code).toBe(1);
    expect(aFile.stderr).toContain(`${bundleFile} is not a folder`);

    // The other log's API cannot prove the bundle consistent with what was kept from this one.
    target = urlB;
    const other = await cli(['proof', 'verify', bundleFile, '--verifier-key', vkeyFile, '--kept', dir, '--url', proxyUrl]);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/[✗?] checkpoint\.kept/);
  }, 90_000);
});

describe('expert-draw log watch, the checkpoints signed between two passes', () => {
  it('one of them not extending the last kept checkpoint is a fork: exit 1, nothing of the pass kept', async () => {
    const dir = join(work, 'kept-between');
    target = urlA;
    expect((await watch(dir, '--once')).code).toBe(0);
    const last = parseInt(kept(dir).at(-1)!);
    for (const id of ['P-BETWEEN-1', 'P-BETWEEN-2']) await registerProject(a, op, { id, bidOpeningAt: '2026-12-03T10:00:00+08:00' });
    const latest = await latestOf(a);
    const mid = last + 1;
    expect(latest.size).toBeGreaterThan(mid);
    // The log lists, between the two, a checkpoint the log key signed over another tree.
    const doctored = a.ctx.keys.logSigner.sign({ origin: a.ctx.auditLog.origin, size: mid, rootHash: randomBytes(32), extensions: [] });
    const proofs = new Map<string, unknown>();
    for (const to of [mid, latest.size]) proofs.set(`/v1/log/consistency?from=${last}&to=${to}`, await a.ctx.logReader.consistency(last, to));
    target = (path) => {
      if (path === '/v1/log/checkpoint') return { status: 200, body: latest };
      if (path.startsWith('/v1/log/checkpoints?')) return { status: 200, body: { items: [{ size: mid, note: doctored }, latest], next: null } };
      const proof = proofs.get(path);
      return proof ? { status: 200, body: proof } : { status: 404, body: {} };
    };
    const run = await watch(dir, '--once');
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain(`FORK: the consistency proof from tree size ${last} to ${mid} does not verify`);
    expect(run.stdout).toContain(doctored.trimEnd());
    expect(kept(dir)).toEqual([`${last}.note`]);
    expect(readdirSync(join(dir, 'forks'))).toHaveLength(1);
  }, 60_000);
});

describe('a service that is gone: its bundles against the kept folder alone', () => {
  // Its own service, keys and clock: it is stopped and its store deleted in the middle of the test.
  let g: Built | undefined;
  let gClock = Date.parse('2026-12-02T06:00:00+08:00');
  afterAll(async () => {
    await g?.close();
  });

  it('the watcher keeps what links every checkpoint the log signed, so each bundle verifies offline after the service is gone', async () => {
    g = await build({}, { now: () => gClock });
    const url = await g.listen();
    const gToken = g.token('inspector', { ttlSeconds: 3600 });
    const gKey = join(work, 'gone.vkey');
    writeFileSync(gKey, `${g.ctx.keys.logVerifier.verifierKey}\n`);
    const dir = join(work, 'kept-gone');
    const pass = async () => {
      const run = await cli(['log', 'watch', '--url', url, '--keep', dir, '--verifier-key', gKey, '--token', gToken, '--once']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      return run;
    };
    await importExperts(g, 0, 60);
    await latestOf(g);
    await pass();

    // Two projects drawn, between passes of the watcher.
    const opening = '2026-12-02T10:00:00+08:00';
    const drawn: string[] = [];
    for (const id of ['P-GONE-1', 'P-GONE-2']) {
      await registerProject(g, op, { id, bidOpeningAt: opening });
      drawn.push((await g.ctx.draws.run(id, 'immediate', op)).drawId);
      await latestOf(g);
      await pass();
    }
    // After the opening: each disclosed and its bundle exported, more entries after each (so that a bundle's checkpoint
    // is never the latest a pass sees), the watcher passing in between.
    gClock = Date.parse('2026-12-02T10:05:00+08:00');
    const files: string[] = [];
    for (const [k, drawId] of drawn.entries()) {
      const projectId = `P-GONE-${k + 1}`;
      for (const who of [op, sup]) await g.ctx.roster.approveUnseal(drawId, projectId, opening, who);
      await g.ctx.disclosure.disclose(drawId, op);
      const res = await g.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: g.auth('inspector') });
      expect(res.statusCode, res.body).toBe(200);
      const file = join(work, `gone-${k + 1}.json`);
      writeFileSync(file, res.body);
      files.push(file);
      await importExperts(g, 60 + 10 * k, 70 + 10 * k);
      await latestOf(g);
      await pass();
    }
    const sizes = files.map((f) => JSON.parse(readFileSync(f, 'utf8')).reveal.inclusion.treeSize as number);

    // The log key, to sign a note over another tree below (as a fork's note, copied from forks/, would be).
    const [logSigner, logOrigin] = [g.ctx.keys.logSigner, g.ctx.auditLog.origin];
    // The service stops and its store is deleted: nothing is left to ask.
    await g.close();
    g = undefined;

    // Each kept checkpoint but the first has its record: the fetch time and the proof from the one kept before it.
    const notes = kept(dir).map((f) => parseInt(f));
    for (const size of sizes) expect(notes).toContain(size);
    for (const [i, size] of notes.entries()) {
      const record = JSON.parse(readFileSync(join(dir, `${size}.json`), 'utf8'));
      expect(record).toEqual({ size, fetchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), consistency: i === 0 ? null : { fromSize: notes[i - 1], toSize: size, hashes: expect.any(Array) } });
    }

    const offline = await cli(['proof', 'verify', ...files, '--verifier-key', gKey, '--kept', dir]);
    expect(offline.code, offline.stdout + offline.stderr).toBe(0);
    for (const size of sizes) expect(offline.stdout).toContain(`tree size ${size} is a kept checkpoint`);
    expect(offline.stdout).toContain('OK: all 2 bundles verified');

    // A kept proof changed afterwards (one hash flipped): the folder is refused, naming the file.
    const tampered = join(work, 'kept-gone-tampered');
    cpSync(dir, tampered, { recursive: true });
    const size = notes.find((n, i) => i > 0 && JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')).consistency.hashes.length > 0)!;
    const record = JSON.parse(readFileSync(join(tampered, `${size}.json`), 'utf8'));
    const h = record.consistency.hashes[0] as string;
    record.consistency.hashes[0] = h.slice(0, -1) + (h.endsWith('0') ? '1' : '0');
    writeFileSync(join(tampered, `${size}.json`), `${JSON.stringify(record)}\n`);
    const caught = await cli(['proof', 'verify', ...files, '--verifier-key', gKey, '--kept', tampered]);
    expect(caught.code, caught.stdout + caught.stderr).toBe(1);
    expect(caught.stderr).toContain(`kept record ${join(tampered, `${size}.json`)} holds a consistency proof from tree size ${record.consistency.fromSize} to ${size} that does not verify against the two kept checkpoints`);
    expect(caught.stdout).not.toContain('OK');
    // The watcher refuses it too, before it asks the log anything.
    const watcher = await cli(['log', 'watch', '--url', url, '--keep', tampered, '--verifier-key', gKey, '--token', gToken, '--once']);
    expect(watcher.code, watcher.stdout + watcher.stderr).toBe(2);
    expect(watcher.stdout).toContain(`ERROR: kept record ${join(tampered, `${size}.json`)} holds a consistency proof`);

    // A signed note of another tree dropped in without a record, of a size between two kept ones where there is one
    // (else after the newest): not the watcher's, refused, naming the file, in both languages.
    const dropped = join(work, 'kept-gone-dropped');
    cpSync(dir, dropped, { recursive: true });
    const gap = notes.findIndex((n, i) => i > 0 && n > notes[i - 1]! + 1);
    const forged = gap > 0 ? notes[gap]! - 1 : notes.at(-1)! + 7;
    writeFileSync(join(dropped, `${forged}.note`), logSigner.sign({ origin: logOrigin, size: forged, rootHash: randomBytes(32), extensions: [] }));
    for (const [lang, said] of [['en', `kept checkpoint ${join(dropped, `${forged}.note`)} has no record`], ['zh-CN', `保存的检查点 ${join(dropped, `${forged}.note`)} 没有记录`]] as const) {
      const refused = await cli(['proof', 'verify', ...files, '--verifier-key', gKey, '--kept', dropped, '--lang', lang]);
      expect(refused.code, refused.stdout + refused.stderr).toBe(1);
      expect(refused.stderr).toContain(said);
    }
  }, 120_000);
});
