// The inspector screen names each check of the proof verifier in Chinese by its id (src/i18n/check-titles.ts): every
// check the verifier runs has a title there, the table names no check the verifier does not run, and its words are the
// glossary's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECK_TITLES_ZH, TRUST_ZH } from '../../src/i18n/check-titles.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { generatePool, syntheticUscc } from '../../src/pool/generator.js';
import { BEACON_CHECK, BEACON_KEPT_CHECK } from '../../src/verify/beacon-proof.js';
import { ABANDONED_CHECK, NOT_CHECKED, NOT_CHECKED_PLANNED, NOT_CHECKED_UNPLANNED_WITNESSES, NOT_CHECKED_WITHOUT_KEPT, PLANNED_CHECKS, verifyDrawProof } from '../../src/verify/draw-proof.js';
import { RUN_CHECKS } from '../../src/verify/run-checks.js';
import { forbiddenWords, violations } from '../helpers/glossary.js';
import { testKeys } from '../helpers/log.js';
import { memoryBundle } from '../helpers/proof-bundle.js';

describe('the Chinese titles of the verifier’s checks', () => {
  const keys = testKeys();
  const pool = generatePool({ size: 40, seed: 'check-titles', fixed: [{ code: 'C990101', members: 20 }] });
  const bundle = memoryBundle({
    drawId: 'D-TITLES-1',
    pool: new PoolIndex(pool.experts, 1),
    project: { id: 'P-TITLES-1', tenderer: syntheticUscc(9910), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' },
    request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
    policy: DEFAULT_POLICY,
    signer: keys.signer,
  });
  // With kept checkpoints the report has every check an operator draw can have; a beacon draw adds two more, and a
  // bundle carrying the project's earlier draws that ended after their commit another, a planned draw's three more.
  const report = verifyDrawProof(bundle, { verifierKey: keys.verifierKey, kept: { notes: [bundle.reveal.inclusion.checkpoint] } });
  // Over several bundles, the checks across the run are added to each report.
  const run = [...report.checks.map((c) => c.id), BEACON_CHECK.id, BEACON_KEPT_CHECK.id, ABANDONED_CHECK, ...Object.values(PLANNED_CHECKS), ...Object.values(RUN_CHECKS)];

  it('has a title for every check the verifier runs', () => {
    expect(report.ok, JSON.stringify(report.checks.filter((c) => c.status !== 'pass'))).toBe(true);
    for (const id of run) expect(CHECK_TITLES_ZH[id], id).toMatch(/\p{Script=Han}/u);
  });

  it('names no other check', () => {
    expect(Object.keys(CHECK_TITLES_ZH).sort()).toEqual([...new Set(run)].sort());
  });

  it('uses no word the glossary says not to use', () => {
    const words = forbiddenWords(readFileSync(new URL('../../docs/glossary.md', import.meta.url), 'utf8'));
    expect(violations(Object.values(CHECK_TITLES_ZH), words)).toEqual([]);
    expect(violations(Object.values(TRUST_ZH).flatMap((t) => [t.what, t.why]), words)).toEqual([]);
  });

  it('says in Chinese every item the verifier takes on trust, and no other', () => {
    const trusted = [...NOT_CHECKED, ...NOT_CHECKED_PLANNED, ...NOT_CHECKED_UNPLANNED_WITNESSES, NOT_CHECKED_WITHOUT_KEPT].map((t) => t.id);
    for (const id of trusted) {
      expect(TRUST_ZH[id]?.what, id).toMatch(/\p{Script=Han}/u);
      expect(TRUST_ZH[id]?.why, id).toMatch(/\p{Script=Han}/u);
    }
    expect(Object.keys(TRUST_ZH).sort()).toEqual([...new Set(trusted)].sort());
  });
});
