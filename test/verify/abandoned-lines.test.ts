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
import { resignedAbandoned, type EditableEntry } from '../helpers/proof-bundle.js';
import { OPERATOR, seedDependent } from '../helpers/seed-dependent.js';

const FIRST_OPENING = '2026-12-01T10:00:00+08:00';
const MOVED_OPENING = '2026-12-02T10:00:00+08:00';
let clock = Date.parse('2026-12-01T06:00:00+08:00');

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-abandoned-lines-'));
let t: Built;
let bundle: DrawProofBundle;
/** Failed draws before the bid opening moved (other inputs than the final draw's), and after it (the same inputs). */
let before = 0;
let after = 0;

beforeAll(async () => {
  const service = await seedDependent(dir, 'abandoned-lines', () => clock);
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

  it('fails with a named check when any byte of the lines part changes', () => {
    // The bundle file as saved; the positions drawn fall inside the failed draw's `lines` part.
    const file = Buffer.from(JSON.stringify(bundle), 'utf8');
    const text = JSON.stringify(bundle.abandoned![0]!.lines);
    const from = file.indexOf(Buffer.from(`"lines":${text}`, 'utf8')) + '"lines":'.length;
    expect(from).toBeGreaterThan('"lines":'.length);
    const decoder = new TextDecoder('utf-8');
    fc.assert(
      fc.property(fc.integer({ min: from, max: from + Buffer.byteLength(text) - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const changed = Buffer.from(file);
        changed[at] = changed[at]! ^ mask;
        let parsed: unknown;
        try {
          parsed = JSON.parse(decoder.decode(changed));
        } catch {
          return true;
        }
        const report = verify(parsed);
        return !report.ok && report.checks.some((c) => c.status === 'fail');
      }),
      { numRuns: 300 },
    );
  });

  it('publishes the lines once: disclosing again writes no second draw.lines entry', async () => {
    const size = t.ctx.auditLog.size;
    await t.ctx.disclosure.disclose(bundle.drawId, OPERATOR);
    expect(t.ctx.auditLog.size).toBe(size);
  });
});

/** The bundle with its first abandoned draw's lines payload edited, re-signed as the log's operator could. */
const resignedLines = (original: DrawProofBundle, edit: (payload: EditableEntry['payload']) => void) => resignedAbandoned(original, t.ctx.keys.logSigner, (e) => edit(e.lines!.payload));
