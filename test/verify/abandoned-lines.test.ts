// A draw that fails after its commit, followed by a re-draw of a changed project (the bid opening moved), stays
// checkable (docs/draw-proof.md §11): the successor's reveal does not open it (its commit bound other inputs), so the
// disclosure publishes the lines the failed draw read (draw.lines) and its proof carries them. The pool is made as in
// abandoned-draw.test.ts: whether a draw fills depends on its seed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDrawProof, type DrawProofBundle } from '../../src/verify/draw-proof.js';
import type { Built } from '../helper.js';
import { everyFlipFails, resignedAbandoned, type EditableEntry } from '../helpers/proof-bundle.js';
import { OPERATOR, seedDependent, SUPERVISOR, type SeedDependent } from '../helpers/seed-dependent.js';

const FIRST_OPENING = '2026-12-01T10:00:00+08:00';
const MOVED_OPENING = '2026-12-02T10:00:00+08:00';
let clock = Date.parse('2026-12-01T06:00:00+08:00');

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-abandoned-lines-'));
let t: Built;
let service: SeedDependent;
let bundle: DrawProofBundle;
/** Failed draws before the bid opening moved (other inputs than the final draw's), and after it (the same inputs). */
let before = 0;
let after = 0;

beforeAll(async () => {
  service = await seedDependent(dir, 'abandoned-lines', () => clock);
  t = service.t;
  // The first failure moves the opening a day (the project the next draws hash changes); later ones keep it.
  const drawn = await service.firstThatFails('P-LINES-', FIRST_OPENING, () => MOVED_OPENING, (ms) => (clock = ms));
  before = 1;
  after = drawn.failures - 1;
  bundle = drawn.bundle as DrawProofBundle;
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const verify = (b: unknown) => verifyDrawProof(b, { verifierKey: t.ctx.keys.logVerifier.verifierKey });
const check = (b: unknown) => verify(b).checks.find((c) => c.id === 'abandoned');

describe('a failed draw of a project changed before its re-draw, checked from its successor’s proof', () => {
  it('carries the lines the failed draw read, and it verifies as failed genuinely; the draws after the change need none', () => {
    expect(before).toBe(1);
    expect(bundle.abandoned).toHaveLength(before + after);
    expect(bundle.abandoned!.map((a) => a.lines !== undefined)).toEqual([true, ...Array<boolean>(after).fill(false)]);
    const lines = JSON.parse(bundle.abandoned![0]!.lines!.entry) as { type: string; payload: { drawId: string; disclosedWith: string; project: { bidOpeningAt: string } } };
    expect(lines.type).toBe('draw.lines');
    expect(lines.payload.disclosedWith).toBe(bundle.drawId);
    expect(lines.payload.project.bidOpeningAt).toBe(FIRST_OPENING);
    const report = verify(bundle);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(check(bundle)!.detail.match(/failed genuinely: recomputed from its nonce, group 1 short by 1, as logged/g)).toHaveLength(before + after);
  });

  it('without its lines, the failure is not verifiable (the successor’s reveal does not open it), and neither is the bundle', () => {
    const stripped = structuredClone(bundle);
    delete (stripped.abandoned![0] as { lines?: unknown }).lines;
    const outcome = check(stripped)!;
    expect(outcome.status).toBe('unverifiable');
    expect(outcome.detail).toMatch(/its commit bound another request, policy, pool version or lines than this draw, so this reveal does not open it, and the bundle carries no lines of its own/);
    expect(verify(stripped).ok).toBe(false);
  });

  it('fails lines that are not the log’s (one byte changed)', () => {
    const forged = structuredClone(bundle);
    forged.abandoned![0]!.lines!.entry = forged.abandoned![0]!.lines!.entry.replace('"disclosedWith":"D-', '"disclosedWith":"X-');
    expect(check(forged)).toMatchObject({ status: 'fail' });
  });

  it('fails lines re-signed as the log’s operator could, when they are not the ones its commit bound', () => {
    // The successor's member lines of group 1 in place of the failed draw's own: its commit's digest tells.
    const reveal = JSON.parse(bundle.reveal.entry) as { payload: { groups: Array<{ members: string[] }> } };
    const forged = resignedLines(bundle, (payload) => {
      const groups = payload.groups as Array<{ members: string[] }>;
      groups[1]!.members = [...reveal.payload.groups[1]!.members.slice(0, 3)];
    });
    const outcome = check(forged)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/its lines: reveal\.members: group 1: 3 lines, the commit counts 4/);
    // Lines naming another draw's commit are refused before anything is recomputed.
    const moved = resignedLines(bundle, (payload) => {
      payload.commitIndex = (payload.commitIndex as number) + 1;
    });
    expect(check(moved)!.detail).toMatch(/its lines name commit \d+ and end \d+, its entries are at/);
  });

  it('fails lines not published with this draw’s disclosure: before its result, dated before the opening, or naming another draw', () => {
    const first = bundle.abandoned![0]!;
    const taken = new Set([bundle.commit, bundle.result, bundle.reveal, ...bundle.abandoned!.flatMap((x) => [x.commit, x.end, ...(x.lines ? [x.lines] : [])])].map((p) => p.index));
    // Logged right after the failure, long before the disclosure: re-signed as a key holder could.
    let early = first.end.index + 1;
    while (taken.has(early)) early++;
    expect(early).toBeLessThan(bundle.result.index);
    const moved = structuredClone(bundle);
    moved.abandoned![0]!.lines!.index = early;
    const outcome = check(resignedLines(moved, () => undefined))!;
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/its lines \(entry \d+\) are not between this draw’s result \(\d+\) and reveal \(\d+\): not published with its disclosure/);
    // In its place but dated before the opening: the times check says so.
    const dated = resignedLines(bundle, () => undefined);
    const entry = JSON.parse(dated.abandoned![0]!.lines!.entry) as { time: string };
    const predated = resignedAbandoned(bundle, t.ctx.keys.logSigner, (e) => (e.lines!.time = '2026-12-02T01:00:00.000Z'));
    expect(entry.time >= '2026-12-02T02:00:00.000Z').toBe(true);
    const times = verify(predated).checks.find((c) => c.id === 'times')!;
    expect(times.status).toBe('fail');
    expect(times.detail).toMatch(/the earlier draw 0’s lines is dated 2026-12-02T01:00:00.000Z, before the bid opening/);
    // Naming another draw as the one it was published with.
    const other = check(resignedLines(bundle, (payload) => (payload.disclosedWith = 'D-00000000-0000-0000-0000-000000000000')))!;
    expect(other.status).toBe('fail');
    expect(other.detail).toMatch(/its lines name D-0{8}-0{4}-0{4}-0{4}-0{12} as the draw they were published with/);
  });

  it('fails lines that are not the log’s beside an end that cannot be recomputed', () => {
    // Another failure code leaves the earlier draw not verifiable; its lines must still be the log's.
    const otherCode = resignedAbandoned(bundle, t.ctx.keys.logSigner, (e) => (e.end.payload.code = 'BEACON_UNAVAILABLE'));
    expect(check(otherCode)!.status).toBe('unverifiable');
    otherCode.abandoned![0]!.lines!.entry = otherCode.abandoned![0]!.lines!.entry.replace('"by":"', '"by":"x');
    const outcome = check(otherCode)!;
    expect(outcome.status).toBe('fail');
    expect(outcome.detail).toMatch(/its lines: /);
  });

  it('says a failed draw has no proof of its own: its successor’s proof checks it', async () => {
    const failedId = (JSON.parse(bundle.abandoned![0]!.commit.entry) as { payload: { drawId: string } }).payload.drawId;
    const res = await t.app.inject({ url: `/v1/draws/${failedId}/proof`, headers: t.auth('inspector') });
    expect([res.statusCode, res.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(res.json().error.message).toContain('没有自己的证明包');
  });

  it('fails with a named check when any byte of the lines part changes', () => {
    // The bundle file as saved; the positions drawn fall inside the failed draw's `lines` part.
    const file = Buffer.from(JSON.stringify(bundle), 'utf8');
    const text = JSON.stringify(bundle.abandoned![0]!.lines);
    const from = file.indexOf(Buffer.from(`"lines":${text}`, 'utf8')) + '"lines":'.length;
    expect(from).toBeGreaterThan('"lines":'.length);
    fc.assert(everyFlipFails(file, { from, to: from + Buffer.byteLength(text) }, verify), { numRuns: 300 });
  });

  it('publishes the lines once: disclosing again writes no second draw.lines entry', async () => {
    const size = t.ctx.auditLog.size;
    await t.ctx.disclosure.disclose(bundle.drawId, OPERATOR);
    expect(t.ctx.auditLog.size).toBe(size);
  });

  it('answers disclosures at the same moment alike: one reveal, one lines entry per earlier draw, no conflict', async () => {
    // Another project, failed once and moved, drawn until it fills; then eight disclosures at once.
    let drawId: string | null = null;
    for (let p = 0; drawId === null && p < 24; p++) {
      const id = `P-RACE-${p}`;
      clock = Date.parse('2026-12-01T06:00:00+08:00');
      await service.register(id, FIRST_OPENING);
      let failed = 0;
      for (let n = 0; n < 30; n++) {
        try {
          drawId = (await t.ctx.draws.run(id, 'immediate', OPERATOR)).drawId;
          break;
        } catch {
          failed++;
          await t.ctx.projects.reschedule(id, MOVED_OPENING, '重新抽取', OPERATOR);
        }
      }
      if (failed === 0) drawId = null;
      else {
        clock = Date.parse(MOVED_OPENING) + 300_000;
        for (const who of [OPERATOR, SUPERVISOR]) await t.ctx.roster.approveUnseal(drawId!, id, MOVED_OPENING, who);
      }
    }
    const size = await t.ctx.store.logSize();
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.ctx.disclosure.disclose(drawId!, OPERATOR)));
    expect(new Set(answers.map((d) => d.revealIndex)).size).toBe(1);
    const written = (await t.ctx.store.readEntries(size, await t.ctx.store.logSize())).map((e) => (JSON.parse(e.toString('utf8')) as { type: string }).type);
    expect(written.filter((type) => type === 'draw.reveal')).toHaveLength(1);
    const proof = (await t.app.inject({ url: `/v1/draws/${drawId}/proof`, headers: t.auth('inspector') })).json() as DrawProofBundle;
    expect(written.filter((type) => type === 'draw.lines')).toHaveLength(proof.abandoned!.filter((a) => a.lines).length);
    expect(verify(proof).ok).toBe(true);
  }, 60_000);
});

/** The bundle with its first abandoned draw's lines payload edited, re-signed as the log's operator could. */
const resignedLines = (original: DrawProofBundle, edit: (payload: EditableEntry['payload']) => void) => resignedAbandoned(original, t.ctx.keys.logSigner, (e) => edit(e.lines!.payload));
