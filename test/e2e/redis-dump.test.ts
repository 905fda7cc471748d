// On Redis: after draws, calls, answers and check-ins, the whole keyspace of the instance (every key under its
// prefix, every type read out in full) holds no drawn expert's name, phone or ID number.
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 150, seed: 'redis-dump', fixed: [{ code: 'C990101', members: 60 }] });
const personalOf = new Map(pool.experts.map((e, i) => [e.id, syntheticPersonal(i)]));

beforeAll(async () => {
  t = await build({ EXPERT_DRAW_STORE: 'redis' }, { now: () => clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
});
afterAll(async () => {
  await t.close();
});

async function dumpKeyspace(prefix: string): Promise<Buffer> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const parts: Buffer[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scanBuffer(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next.toString();
      for (const key of keys) {
        parts.push(key);
        const type = await redis.type(key);
        if (type === 'string') parts.push((await redis.getBuffer(key)) ?? Buffer.alloc(0));
        else if (type === 'hash') for (const [k, v] of Object.entries(await redis.hgetallBuffer(key))) parts.push(Buffer.from(k), v);
        else if (type === 'list') parts.push(...(await redis.lrangeBuffer(key, 0, -1)));
        else if (type === 'set') parts.push(...(await redis.smembersBuffer(key)));
        else if (type === 'zset') parts.push(...(await redis.zrangeBuffer(key, '0', '-1')));
        else if (type === 'stream') for (const [id, fields] of await redis.xrangeBuffer(key, '-', '+')) parts.push(id, ...fields);
        else throw new Error(`unexpected key type ${type}`);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return Buffer.concat(parts);
}

describe('Redis keyspace after a full run', () => {
  it('holds no drawn expert’s personal data', async () => {
    const op = t.auth('operator');
    for (const id of ['P-RD-1', 'P-RD-2']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: op, payload: { id, tenderer: syntheticUscc(9201), agency: null, bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106', venue: '1号评标室', groups: [{ specialty: 'C990101', count: 5 }] } });
      expect(res.statusCode, res.body).toBe(201);
    }
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    expect((await t.ctx.scheduler.tick()).drawn.sort()).toEqual(['P-RD-1', 'P-RD-2']);
    await t.ctx.calls.tick();
    const messages = await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'));
    expect(messages).toHaveLength(10);
    await t.app.inject({ method: 'POST', url: `/v1/responses/${messages[0]!.responseUrl!.split('/').pop()}`, payload: { answer: 'decline' } });
    for (const m of messages.slice(1)) await t.app.inject({ method: 'POST', url: `/v1/responses/${m.responseUrl!.split('/').pop()}`, payload: { answer: 'accept' } });
    clock = Date.parse('2026-12-01T08:40:00+08:00');
    const drawn: string[] = [];
    for (const id of ['P-RD-1', 'P-RD-2']) {
      const { roster } = await t.ctx.roster.read((await t.ctx.projects.get(id)).record.drawId!);
      for (const c of roster.calls) drawn.push(c.expertId);
      const accepted = roster.calls.filter((c) => c.state === 'accepted');
      for (const c of accepted) {
        const res = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: id, idNumber: personalOf.get(c.expertId)!.idNumber } });
        expect(res.statusCode, res.body).toBe(200);
      }
    }
    expect(drawn.length).toBeGreaterThanOrEqual(11);
    const dump = await dumpKeyspace(t.config.EXPERT_DRAW_REDIS_PREFIX);
    expect(dump.length).toBeGreaterThan(10_000);
    for (const id of drawn) {
      const p = personalOf.get(id)!;
      for (const secret of [p.name, p.phone, p.idNumber]) expect(dump.includes(Buffer.from(secret, 'utf8')), `keyspace holds ${secret}`).toBe(false);
    }
  });
});
