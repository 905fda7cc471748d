// Writes test/vectors/*.json and the vector table in docs/draw-proof.md from the cases below (npm run vectors).
// Run it only when the protocol changes on purpose: the committed vectors are what the tests hold the code to.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExpertInput } from '../../src/domain/expert.js';
import { syntheticUscc } from '../../src/pool/generator.js';
import { GENESIS_PREV } from '../../src/log/entry.js';
import { computeExpected, type Vector, type VectorInput } from './vector-format.js';
import { renderVectorTable, replaceVectorTable } from './vector-table.js';

const here = dirname(fileURLToPath(import.meta.url));
const org = (n: number) => syntheticUscc(n);
/** Deterministic bytes for a vector: SHA-256 of a label, truncated or repeated to `len`. */
const bytes = (label: string, len = 32) => {
  let out = Buffer.alloc(0);
  for (let i = 0; out.length < len; i++) out = Buffer.concat([out, createHash('sha256').update(`${label}/${i}`).digest()]);
  return out.subarray(0, len).toString('hex');
};
const sha = (h: string) => createHash('sha256').update(Buffer.from(h, 'hex')).digest('hex');

function ex(n: number, specialties: string[], employer: number, extra: Partial<ExpertInput> = {}): ExpertInput {
  return { id: `X${String(n).padStart(3, '0')}`, specialties, region: '330106', employer: org(employer), status: 'active', ...extra };
}

/** 30 plain experts: A0101 ×12 (employers 101..112), A0102 ×8, B0201 ×6, C0301 ×4. */
function basePool(): ExpertInput[] {
  const out: ExpertInput[] = [];
  let n = 1;
  for (let i = 0; i < 12; i++) out.push(ex(n++, ['A0101'], 101 + i));
  for (let i = 0; i < 8; i++) out.push(ex(n++, ['A0102'], 201 + i));
  for (let i = 0; i < 6; i++) out.push(ex(n++, ['B0201'], 301 + i));
  for (let i = 0; i < 4; i++) out.push(ex(n++, ['C0301'], 401 + i));
  return out;
}

const project = (over: Partial<VectorInput['project']> = {}): VectorInput['project'] => ({
  id: 'P-2026-0001',
  tenderer: org(1),
  agency: org(2),
  bidders: [],
  avoid: [],
  preparedBy: [],
  bidOpeningAt: '2026-12-01T09:00:00+08:00',
  region: '330106',
  ...over,
});

const operator = (label: string): VectorInput['entropy'] => ({
  plan: { beacon: null, witnessCommitments: [] },
  nonce: bytes(`${label}/nonce`),
  beaconRandomness: null,
  witnessReveals: [],
  time: '2026-12-01T00:00:00.000Z',
  prev: GENESIS_PREV,
});

const DRAND_QUICKNET = '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971';

function cases(): Array<{ name: string; description: string; input: VectorInput }> {
  const list: Array<{ name: string; description: string; input: VectorInput }> = [];
  const add = (name: string, description: string, input: Omit<VectorInput, 'poolVersion' | 'history'> & Partial<VectorInput>) =>
    list.push({ name, description, input: { poolVersion: 1, history: [], ...input } });

  add('01-operator-single-group', 'One group of 5 from 12 A0101 experts, default policy, operator entropy only.', {
    drawId: 'D-0001',
    experts: basePool(),
    project: project(),
    request: { groups: [{ specialty: 'A0101', count: 5 }] },
    policy: {},
    entropy: operator('v01'),
  });

  const reveals = [bytes('v03/witness/a', 32), bytes('v03/witness/b', 16)];
  add('02-beacon-three-groups', 'Three groups (A01 prefix, B0201, C0301) with a drand round as entropy; 7 drawn + 2 tenderer representatives.', {
    drawId: 'D-0002',
    experts: basePool(),
    project: project({ id: 'P-2026-0002' }),
    request: { groups: [{ specialty: 'A01', count: 4 }, { specialty: 'B0201', count: 2 }, { specialty: 'C0301', count: 1 }], tendererRepresentatives: 2 },
    policy: {},
    entropy: { ...operator('v02'), plan: { beacon: { chain: DRAND_QUICKNET, round: 24_000_000 }, witnessCommitments: [] }, beaconRandomness: bytes('v02/beacon') },
  });

  add('03-witnessed', 'Two witnesses commit to reveals (32 and 16 bytes) before the draw; their reveals enter the seed in order.', {
    drawId: 'D-0003',
    experts: basePool(),
    project: project({ id: 'P-2026-0003' }),
    request: { groups: [{ specialty: 'A0101', count: 5 }] },
    policy: {},
    entropy: { ...operator('v03'), plan: { beacon: null, witnessCommitments: reveals.map(sha) }, witnessReveals: reveals },
  });

  // Recusal rules 1–6, each hit by at least one A0101 expert.
  const recusal = basePool();
  const a = (i: number, extra: Partial<ExpertInput>) => Object.assign(recusal[i]!, extra);
  a(0, { employer: org(1) }); // employer is the tenderer
  a(1, { employer: org(2) }); // employer is the agency
  a(2, { employer: org(3) }); // employer is a bidder
  a(3, { employer: org(4) }); // employer on the avoid list
  a(4, { relations: [{ kind: 'org', holder: 'self', role: 'director', org: org(1), until: '2024-01-15' }] });
  a(5, { relations: [{ kind: 'org', holder: 'self', role: 'employee', org: org(1), until: '2023-11-30' }] }); // ended before the window: eligible
  a(6, { relations: [{ kind: 'org', holder: 'relative', role: 'controlling-shareholder', org: org(3), until: null }] });
  a(7, { status: 'suspended', suspendedUntil: '2026-12-01' });
  a(8, { status: 'suspended', suspendedUntil: '2026-11-30' }); // suspension over: eligible
  a(9, { unavailable: ['2026-12-01'] });
  const at = (d: string) => `${d}T10:00:00+08:00`;
  const history = [
    ...['2026-11-05', '2026-11-12', '2026-11-19', '2026-11-20', '2026-11-25', '2026-11-28'].map((d) => ({ expertId: 'X011', at: at(d), tenderer: org(9) })),
    ...['2026-01-10', '2026-05-10', '2026-10-01'].map((d) => ({ expertId: 'X012', at: at(d), tenderer: org(1) })),
    ...['2026-11-10', '2026-11-20'].map((d) => ({ expertId: 'X031', at: at(d), tenderer: org(1) })), // below both caps
  ];
  recusal.push(ex(31, ['A0101'], 131), ex(32, ['A0101'], 132), ex(33, ['A0101'], 133, { status: 'blacklisted' }), ex(34, ['A0101'], 134, { status: 'retired' }));
  for (let n = 35; n <= 39; n++) recusal.push(ex(n, ['A0101'], 100 + n));
  add('04-recusal-rules', 'Every recusal rule 1–6 excludes at least one expert: employer is a party, positions within the 3-year window (held by the expert or a relative), prepared the project, suspension, blacklist, retirement, unavailability, both frequency caps. Ended positions and suspensions do not exclude.', {
    drawId: 'D-0004',
    experts: recusal,
    history,
    project: project({ id: 'P-2026-0004', bidders: [org(3)], avoid: [org(4)], preparedBy: ['X032'] }),
    request: { groups: [{ specialty: 'A0101', count: 5 }] },
    policy: {},
    entropy: operator('v04'),
  });

  // Panel rules: four experts share employer 500, two pairs of relatives (declared once, in either direction).
  // At most 1 + 1 + 1 + 4 = 7 of the 12 can sit together: exactly the 5 + 2 needed, so skips are unavoidable.
  const panel = basePool();
  for (const i of [0, 1, 2, 3]) panel[i]!.employer = org(500);
  panel[4]!.relations = [{ kind: 'relative', expertId: 'X006' }];
  panel[7]!.relations = [{ kind: 'relative', expertId: 'X007' }];
  add('05-panel-conflicts', 'Rule 7 during ranking: at most one expert per employer and no close relatives on one panel (declared in one direction only); conflicting positions are skipped with their reason.', {
    drawId: 'D-0005',
    experts: panel,
    project: project({ id: 'P-2026-0005' }),
    request: { groups: [{ specialty: 'A0101', count: 5 }], tendererRepresentatives: 2 },
    policy: {},
    entropy: operator('v05b'),
  });

  add('06-overlapping-groups', 'Group 0 asks for the A01 prefix (A0101 and A0102), group 1 for A0101: experts ranked in group 0 are skipped as ALREADY_RANKED in group 1.', {
    drawId: 'D-0006',
    experts: basePool(),
    project: project({ id: 'P-2026-0006' }),
    request: { groups: [{ specialty: 'A01', count: 5 }, { specialty: 'A0101', count: 2 }], tendererRepresentatives: 0 },
    policy: { maxPerEmployerPerPanel: 2 },
    entropy: operator('v06'),
  });

  const regional = basePool().map((e, i) => ({ ...e, region: ['330106', '330206', '320102', '110105', '330108'][i % 5]! }));
  add('07-regions', 'Region filters: group 0 only from Zhejiang (33) but outside the project city 3301 (异地, city level); group 1 excludes Beijing (11).', {
    drawId: 'D-0007',
    experts: regional,
    project: project({ id: 'P-2026-0007' }),
    request: { groups: [{ specialty: 'A01', count: 3, regions: { include: ['33'], outsideProjectRegion: true } }, { specialty: 'B0201', count: 2, regions: { exclude: ['11'] } }] },
    policy: { alternatesPerGroup: 1 },
    entropy: operator('v07'),
  });

  add('08-top-up', 'After ranking 4 + 2 of 8 A0102 experts, a top-up of 1 extends the same stream (a 补抽 continues the draw, it is not a new one); a second top-up asks for 5 and gets the only one left.', {
    drawId: 'D-0008',
    experts: basePool(),
    project: project({ id: 'P-2026-0008' }),
    request: { groups: [{ specialty: 'A0102', count: 4 }], tendererRepresentatives: 1 },
    policy: {},
    entropy: operator('v08'),
    extend: [{ group: 0, count: 1 }, { group: 0, count: 5 }],
  });

  add('09-shortfall', 'MUST FAIL: C0301 has 4 experts for 3 + 2 ranked places and B0201 has 6 for 5 + 2; the error names both groups and their shortfall before any commit.', {
    drawId: 'D-0009',
    experts: basePool(),
    project: project({ id: 'P-2026-0009' }),
    request: { groups: [{ specialty: 'A0101', count: 1 }, { specialty: 'C0301', count: 3 }, { specialty: 'B0201', count: 5 }] },
    policy: {},
    entropy: operator('v09'),
  });

  const wrong = [bytes('v10/witness/a', 32), bytes('v10/witness/b', 32)];
  add('10-witness-mismatch', 'MUST FAIL: the second witness reveal does not match its commitment, so no seed may be derived.', {
    drawId: 'D-0010',
    experts: basePool(),
    project: project({ id: 'P-2026-0010' }),
    request: { groups: [{ specialty: 'A0101', count: 5 }] },
    policy: {},
    entropy: { ...operator('v10'), plan: { beacon: null, witnessCommitments: [sha(wrong[0]!), sha(bytes('v10/witness/other', 32))] }, witnessReveals: wrong },
  });

  const oneEmployer = basePool().map((e, i) => (i < 12 ? { ...e, employer: org(600 + (i % 4)) } : e));
  add('11-panel-shortfall', 'MUST FAIL: 12 eligible A0101 experts but only 4 employers with one expert each allowed per panel, so ranking 5 + 2 runs out during sampling (after the commit).', {
    drawId: 'D-0011',
    experts: oneEmployer,
    project: project({ id: 'P-2026-0011' }),
    request: { groups: [{ specialty: 'A0101', count: 5 }] },
    policy: {},
    entropy: operator('v11'),
  });
  add('12-multi-group-top-up', 'Top-ups of two overlapping groups (A01 holds A0101) share one panel: 20 A experts of 10 employers, one per employer on a panel, so ranking 4 + 3 uses 7 employers and the top-ups, alternating between the groups and each continuing its own stream, share the 3 left: group 0 gets 2, group 1 gets 1 of the 2 it asks for, then both groups are exhausted and return nothing. Skips met during a top-up are in no list.', {
    drawId: 'D-0012',
    experts: basePool().map((e, i) => (i < 20 ? { ...e, employer: org(700 + (i % 10)) } : e)),
    project: project({ id: 'P-2026-0012' }),
    request: { groups: [{ specialty: 'A01', count: 3 }, { specialty: 'A0101', count: 2 }], tendererRepresentatives: 0 },
    policy: { alternatesPerGroup: 1 },
    entropy: operator('v12'),
    extend: [{ group: 0, count: 2 }, { group: 1, count: 2 }, { group: 0, count: 1 }, { group: 1, count: 3 }],
  });

  // A planned witnessed draw (§6.2): plan at entry 4, three deposits after it; the seed binds the commit payload's hash.
  const deposits = [bytes('v13/witness/a', 32), bytes('v13/witness/b', 64), bytes('v13/witness/c', 16)];
  add('13-planned-witnessed', 'A planned draw: nonce and draw id fixed by the draw.planned entry at index 4, three witness deposits (32, 64 and 16 bytes) in log order; the seed binds SHA-256(JCS(commit payload)) under the tag expert-draw/v1/seed-planned, not the commit leaf hash.', {
    drawId: 'D-0013',
    experts: basePool(),
    project: project({ id: 'P-2026-0013' }),
    request: { groups: [{ specialty: 'A0101', count: 5 }] },
    policy: {},
    entropy: { ...operator('v13'), plan: { beacon: null, witnessCommitments: deposits.map(sha), planIndex: 4 }, witnessReveals: deposits, time: '2026-12-01T00:00:00.417Z', prev: bytes('v13/prev') },
  });
  // A re-draw (§5, §11): the project's two earlier draws ended after their commit; its commit names them.
  add('14-redraw-follows', 'A re-draw: the project\'s earlier draws D-0014-A (failed after its commit) and D-0014-B (aborted) are named in the commit\'s follows, oldest first; the commit leaf hash, and so the seed, covers them.', {
    drawId: 'D-0014',
    experts: basePool(),
    project: project({ id: 'P-2026-0014' }),
    request: { groups: [{ specialty: 'A0101', count: 5 }] },
    policy: {},
    entropy: { ...operator('v14'), time: '2026-12-01T00:20:00.000Z', prev: bytes('v14/prev'), follows: ['D-0014-A', 'D-0014-B'] },
  });
  return list;
}

function main(): void {
  const vectors: Vector[] = cases().map((c) => ({ ...c, expected: computeExpected(c.input) }));
  for (const v of vectors) writeFileSync(join(here, `${v.name}.json`), `${JSON.stringify(v, null, 2)}\n`);
  const docPath = join(here, '../../docs/draw-proof.md');
  writeFileSync(docPath, replaceVectorTable(readFileSync(docPath, 'utf8'), renderVectorTable(vectors)));
  console.log(`wrote ${vectors.length} vectors and the table in docs/draw-proof.md`);
}

main();
