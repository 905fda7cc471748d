// Recusal rule 6 in service draws: an expert selected by one instance's draw is excluded by the frequency cap from the
// next draw on the other instance (the selections travel sealed through the store), the disclosure rebuilds the same
// exclusions from the history the draw recorded, and the proof verifies offline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { SealedContent } from '../../src/services/draw.service.js';
import { verifyDrawProof, type DrawProofBundle } from '../../src/verify/draw-proof.js';
import { build, waitForPool, type Built } from '../helper.js';

let a: Built;
let b: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
const dir = mkdtempSync(join(tmpdir(), 'expert-draw-caps-'));
const pool = generatePool({ size: 60, seed: 'frequency-caps', fixed: [{ code: 'C990101', members: 20 }] });
// Approvals of an unseal come from people's login sessions (sid).
const op: TokenClaims = { sub: 'op', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

beforeAll(async () => {
  // At most one selection in 30 days: whoever one draw selects, the next one must skip.
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ frequency: { maxDraws: 1 } }));
  const env = { EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') };
  a = await build(env, { now: () => clock });
  b = await build({ ...env, EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
  await a.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  for (const [i, id] of ['P-CAP-1', 'P-CAP-2'].entries()) {
    await a.ctx.projects.register(
      {
        project: { id, tenderer: syntheticUscc(9500 + i), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' },
        request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
        name: null,
        venue: null,
        leadTimeMinutes: undefined,
      },
      op,
    );
  }
  await waitForPool(b, 60);
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('frequency caps in service draws', () => {
  it("excludes the experts one instance's draw selected from the next draw on the other, and the disclosure and the proof agree", async () => {
    const first = await a.ctx.draws.run('P-CAP-1', 'immediate', op);
    const selected = (a.ctx.draws.openSealed(first) as SealedContent).result.groups[0]!.selected;
    expect(first.historyUpTo).toBe(-1);

    clock += 60_000;
    const second = await b.ctx.draws.run('P-CAP-2', 'immediate', op);
    // The second draw read the first's result, and ranked none of its selected experts.
    expect(second.historyUpTo).toBe(first.resultIndex);
    const content = b.ctx.draws.openSealed(second) as SealedContent;
    const ranked = [...content.result.groups[0]!.selected, ...content.result.groups[0]!.alternates, ...content.extension[0]!];
    for (const id of selected) expect(ranked).not.toContain(id);
    expect(second.groups[0]!.eligibleCount).toBe(first.groups[0]!.eligibleCount - 5);
    // Nothing in the store names who was selected: the history is sealed.
    for (const { value } of await b.ctx.store.listRecords('selections')) for (const id of selected) expect(value.toString()).not.toContain(id);

    // Disclosure rebuilds the draw with the same history and publishes the cap exclusions.
    clock = Date.parse('2026-12-01T10:05:00+08:00');
    for (const who of [op, sup]) await b.ctx.roster.approveUnseal(second.drawId, 'P-CAP-2', '2026-12-01T10:00:00+08:00', who);
    const disclosed = await b.ctx.disclosure.disclose(second.drawId, op);
    const reveal = JSON.parse((await b.ctx.auditLog.entry(disclosed.revealIndex!)).toString()).payload;
    const capped = (reveal.groups[0].exclusions as string[]).filter((line) => line.includes('FREQUENCY_CAP')).map((line) => line.split('\t')[0]);
    expect(capped.sort()).toEqual([...selected].sort());

    // The first draw is not disclosed yet: its selections are not published (that would open its list early), so the
    // caps it caused are not verifiable from this bundle; everything else is.
    expect(JSON.stringify(reveal.facts)).not.toContain(first.drawId);
    for (const id of selected) expect((reveal.facts.selections as string[]).some((line) => line.startsWith(`${id}\t`))).toBe(false);
    const proof = await b.app.inject({ url: `/v1/draws/${second.drawId}/proof`, headers: b.auth('inspector') });
    const report = verifyDrawProof(proof.json<DrawProofBundle>(), { verifierKey: b.ctx.keys.logVerifier.verifierKey });
    expect(report.checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['recusal.frequency']);
    const frequency = report.checks.find((c) => c.id === 'recusal.frequency')!;
    expect(frequency.status).toBe('unverifiable');
    expect(frequency.detail).toMatch(/^5 frequency exclusion\(s\) rest on selections this reveal does not publish/);
  });

  it('loads the history on start: a new instance sees both draws', async () => {
    const c = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
    try {
      const draws = await Promise.all(['P-CAP-1', 'P-CAP-2'].map(async (id) => c.ctx.draws.get((await c.ctx.projects.get(id)).record.drawId!)));
      // Its history view holds every result so far (white box: the view the next draw reads).
      const view = (c.ctx.draws as unknown as { history: { current(): { upTo: number; index: { size: number } } } }).history.current();
      expect(view.upTo).toBe(Math.max(...draws.map((d) => d.resultIndex!)));
      expect(view.index.size).toBe(10);
    } finally {
      await c.close();
    }
  });
});
