// A draw that fails after its commit is opened at once: its failure entry reveals the nonce the commit hashed, so an
// inspector can recompute the seed and see that the ranking genuinely ran short. A draw that fails before any commit
// has no nonce to reveal. (The abort of a dead holder's draw is covered in draw-lease.test.ts.)
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { notingDrawReleases } from '../helpers/leases.js';
import { drawEntriesOf } from '../helpers/log.js';

const ADMIN = { sub: 'pool-desk', role: 'admin', iat: 0, exp: 0 } as const;
const OPERATOR = { sub: 'op', role: 'operator', iat: 0, exp: 0 } as const;
const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Eight holders of the specialty, all working for one employer: enough candidates, one seat's worth of employers. */
const pool = generatePool({ size: 20, seed: 'failed-open', fixed: [{ code: 'C990101', members: 8 }] });
const holders = pool.experts.filter((e) => e.specialties.includes('C990101')).map((e) => e.id);
const EMPLOYER = syntheticUscc(9701);
let t: Built;
let dir: string;
/** The draw leases given back, by name: a failed project may be rescheduled and drawn again at once. */
const released: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'expert-draw-failed-open-'));
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ maxPerEmployerPerPanel: 1 }));
  t = await build({ EXPERT_DRAW_POLICY_FILE: policyFile }, { now: () => Date.parse('2026-12-01T08:00:00+08:00'), wrapStore: (s) => notingDrawReleases(s, released) });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', ADMIN);
  for (const id of holders) await t.ctx.pool.update(id, { employer: EMPLOYER }, ADMIN);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function register(id: string, count: number): Promise<void> {
  const payload = { id, tenderer: syntheticUscc(9702), agency: null, bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106', groups: [{ specialty: 'C990101', count }] };
  const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload });
  expect(res.statusCode, res.body).toBe(201);
}

describe('a draw that fails', () => {
  it('after its commit reveals the nonce its commit hashed, in the failure entry', async () => {
    expect(holders).toHaveLength(8);
    await register('P-FAIL-AFTER', 5);
    await expect(t.ctx.draws.run('P-FAIL-AFTER', 'immediate', OPERATOR)).rejects.toMatchObject({ code: 'INSUFFICIENT_CANDIDATES' });
    const entries = await drawEntriesOf(t.ctx.store, 'P-FAIL-AFTER');
    expect(entries.map((e) => e.type)).toEqual(['draw.commit', 'draw.failed']);
    const [commit, failed] = entries;
    expect(failed!.payload).toMatchObject({ committed: true, code: 'INSUFFICIENT_CANDIDATES' });
    expect(failed!.payload.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256Hex(Buffer.from(failed!.payload.nonce as string, 'hex'))).toBe(commit!.payload.nonceHash);
    expect((await t.ctx.projects.get('P-FAIL-AFTER')).record.state).toBe('failed');
    expect(released).toEqual(['draw:P-FAIL-AFTER']);
  });

  it('before any commit reveals nothing: there is no nonce', async () => {
    await register('P-FAIL-BEFORE', 9);
    await expect(t.ctx.draws.run('P-FAIL-BEFORE', 'immediate', OPERATOR)).rejects.toMatchObject({ code: 'INSUFFICIENT_CANDIDATES' });
    const entries = await drawEntriesOf(t.ctx.store, 'P-FAIL-BEFORE');
    expect(entries.map((e) => e.type)).toEqual(['draw.failed']);
    expect(entries[0]!.payload).toMatchObject({ committed: false });
    expect(entries[0]!.payload).not.toHaveProperty('nonce');
    expect(released).toEqual(['draw:P-FAIL-AFTER', 'draw:P-FAIL-BEFORE']);
  });
});
