// ProjectService.register checks the project and its request as the route's schema does: a caller inside the process
// cannot log a registration the entry catalogue refuses, and nothing is stored when it tries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { DrawRequest } from '../../src/domain/request.js';
import { AppError } from '../../src/errors.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';

let t: Built;
const op: TokenClaims = { sub: 'op', role: 'operator', iat: 0, exp: 0 };
const pool = generatePool({ size: 60, seed: 'register-shape', fixed: [{ code: 'C990101', members: 40 }] });

const registration = (id: string, request: DrawRequest, tenderer = syntheticUscc(9601)) => ({
  project: { id, tenderer, agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T15:00:00+08:00', region: '330106' },
  request,
  name: null,
  venue: null,
  leadTimeMinutes: undefined,
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

beforeAll(async () => {
  t = await build({}, { now: () => Date.parse('2026-12-01T06:00:00+08:00') });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t.close();
});

describe('ProjectService.register', () => {
  it('refuses a group larger than the schema allows (199 > 50) with INVALID_INPUT, and logs and stores nothing', async () => {
    const size = t.ctx.auditLog.size;
    const err = await refusal(t.ctx.projects.register(registration('P-SHAPE-199', { groups: [{ specialty: 'C990101', count: 199 }], tendererRepresentatives: 0 }), op));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details).toEqual({ issues: [expect.objectContaining({ in: 'request', path: '/groups/0/count' })] });
    expect(t.ctx.auditLog.size).toBe(size);
    await expect(t.ctx.projects.get('P-SHAPE-199')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a project whose tenderer is not a credit code, naming the field', async () => {
    const size = t.ctx.auditLog.size;
    const err = await refusal(t.ctx.projects.register(registration('P-SHAPE-USCC', { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 }, 'not-a-code'), op));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details).toEqual({ issues: [expect.objectContaining({ in: 'project', path: '/tenderer' })] });
    expect(t.ctx.auditLog.size).toBe(size);
  });

  it('registers the same project once its group is within bounds', async () => {
    const record = await t.ctx.projects.register(registration('P-SHAPE-199', { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 }), op);
    expect(record.state).toBe('scheduled');
  });
});
