// GET /metrics on its own listener: after an immediate draw, a scheduled one, calls delivered and a few refusals, the
// answer parses as Prometheus text and counts each of them; no id, name, phone, ID number or token appears in it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { http } from '../helpers/http.js';
import { parsePrometheusText, sampleValue, type Family } from '../helpers/prometheus.js';

let t: Built;
let server: MetricsServer;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 60, seed: 'metrics', fixed: [{ code: 'C990101', members: 40 }] });
let text: string;
let families: Map<string, Family>;
let contentType: string | undefined;
let messages: Awaited<ReturnType<typeof readFileMessages>>;

const project = (id: string, bidOpeningAt: string) => ({ id, tenderer: syntheticUscc(9101), agency: syntheticUscc(9102), bidOpeningAt, region: '330106', venue: '1号评标室', groups: [{ specialty: 'C990101', count: 5 }] });

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  server = await startMetricsServer(t.ctx.metrics, { host: '127.0.0.1', port: 0 });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const op = t.auth('operator');
  for (const [id, opening] of [['P-M-1', '2026-12-01T10:00:00+08:00'], ['P-M-2', '2026-12-01T07:30:00+08:00']] as const) {
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: op, payload: project(id, opening) })).statusCode).toBe(201);
  }
  // An immediate draw, then the same again (refused: already drawn).
  expect((await t.app.inject({ method: 'POST', url: '/v1/projects/P-M-1/draw', headers: op })).statusCode).toBe(201);
  expect((await t.app.inject({ method: 'POST', url: '/v1/projects/P-M-1/draw', headers: op })).statusCode).toBe(409);
  // The other is due at 06:30; the scheduler runs it a minute late.
  clock = Date.parse('2026-12-01T06:31:00+08:00');
  expect((await t.ctx.scheduler.tick()).drawn).toEqual(['P-M-2']);
  await t.ctx.calls.tick();
  await t.ctx.auditLog.checkpoint();
  // Refusals: no token, an unknown route.
  expect((await t.app.inject({ method: 'GET', url: '/v1/session' })).statusCode).toBe(401);
  expect((await t.app.inject({ method: 'GET', url: '/v1/nothing' })).statusCode).toBe(404);
  const res = await http(server.url);
  expect(res.status).toBe(200);
  contentType = res.headers['content-type'] as string | undefined;
  text = res.body;
  families = parsePrometheusText(text);
  messages = await readFileMessages(join(t.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
});

describe('GET /metrics', () => {
  it('is Prometheus text, version 0.0.4, and serves nothing else', async () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await http(server.url.replace('/metrics', '/'))).status).toBe(404);
    expect((await http(server.url, { method: 'POST' })).status).toBe(405);
    for (const name of ['expert_draw_draw_duration_seconds', 'expert_draw_scheduler_lag_seconds']) expect(families.get(name)?.type, name).toBe('histogram');
    for (const name of ['expert_draw_draws_total', 'expert_draw_call_deliveries_total', 'expert_draw_rejected_requests_total']) expect(families.get(name)?.type, name).toBe('counter');
  });

  it('counts draws by kind and outcome, with their latency and the scheduler lag', () => {
    expect(sampleValue(families, 'expert_draw_draws_total', { kind: 'immediate', outcome: 'drawn' })).toBe(1);
    expect(sampleValue(families, 'expert_draw_draws_total', { kind: 'immediate', outcome: 'CONFLICT' })).toBe(1);
    expect(sampleValue(families, 'expert_draw_draws_total', { kind: 'scheduled', outcome: 'drawn' })).toBe(1);
    expect(sampleValue(families, 'expert_draw_draw_duration_seconds_count', { kind: 'immediate' })).toBe(2);
    expect(sampleValue(families, 'expert_draw_draw_duration_seconds_count', { kind: 'scheduled' })).toBe(1);
    expect(sampleValue(families, 'expert_draw_scheduler_lag_seconds_count')).toBe(1);
    expect(sampleValue(families, 'expert_draw_scheduler_lag_seconds_sum')).toBe(60);
    expect(sampleValue(families, 'expert_draw_draw_leases_held')).toBe(0);
  });

  it('reports calls delivered, the outbox, refusals by code, the log and its checkpoint', () => {
    // The first panel's five calls were never sent before their 06:15 deadline: at 06:31 they end as undelivered and
    // their messages are stopped; its five alternates and the second panel are called, each message delivered once.
    expect(sampleValue(families, 'expert_draw_call_deliveries_total', { outcome: 'sent' })).toBe(messages.length);
    expect(messages).toHaveLength(10);
    expect(sampleValue(families, 'expert_draw_outbox_batches', { state: 'pending' })).toBe(0);
    expect(sampleValue(families, 'expert_draw_outbox_batches', { state: 'due' })).toBe(0);
    expect(sampleValue(families, 'expert_draw_rejected_requests_total', { code: 'UNAUTHENTICATED' })).toBe(1);
    expect(sampleValue(families, 'expert_draw_rejected_requests_total', { code: 'NOT_FOUND' })).toBe(1);
    expect(sampleValue(families, 'expert_draw_rejected_requests_total', { code: 'CONFLICT' })).toBe(1);
    expect(sampleValue(families, 'expert_draw_log_entries')).toBe(t.ctx.auditLog.size);
    expect(sampleValue(families, 'expert_draw_log_unsigned_entries')).toBe(0);
    const age = sampleValue(families, 'expert_draw_checkpoint_age_seconds')!;
    expect(Number.isFinite(age) && age >= 0).toBe(true);
    expect(sampleValue(families, 'expert_draw_log_self_check_ok')).toBe(1);
    expect(sampleValue(families, 'expert_draw_ready')).toBe(1);
  });

  it('includes the event-loop delay and the process figures', () => {
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(families.get('nodejs_eventloop_lag_p99_seconds')?.type).toBe('gauge');
    expect(families.get('process_resident_memory_bytes')?.type).toBe('gauge');
  });

  it('names no expert, project, draw, phone, ID number or response token', async () => {
    const draws = (await t.ctx.store.listRecords('draws')).map((r) => r.key);
    const secrets = [
      ...pool.experts.flatMap((e, i) => [e.id, syntheticPersonal(i).name, syntheticPersonal(i).phone, syntheticPersonal(i).idNumber]),
      'P-M-1',
      'P-M-2',
      ...draws,
      ...messages.map((m) => m.responseUrl!.split('/').pop()!),
    ];
    expect(secrets.filter((s) => text.includes(s))).toEqual([]);
  });

  it('counts the projects waiting for an operator: one missed while the service was down (an outside audit, stop 43)', async () => {
    const before = parsePrometheusText((await http(server.url)).body);
    expect(sampleValue(before, 'expert_draw_projects_awaiting_decision', { reason: 'missed' })).toBe(0);
    expect(sampleValue(before, 'expert_draw_projects_awaiting_decision', { reason: 'failed' })).toBe(0);
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: project('P-M-3', '2026-12-01T08:00:00+08:00') })).statusCode).toBe(201);
    // Nothing ran until after its opening.
    clock = Date.parse('2026-12-01T08:01:00+08:00');
    expect((await t.ctx.scheduler.tick()).missed).toEqual(['P-M-3']);
    const after = parsePrometheusText((await http(server.url)).body);
    expect(sampleValue(after, 'expert_draw_projects_awaiting_decision', { reason: 'missed' })).toBe(1);
    expect(sampleValue(after, 'expert_draw_projects_awaiting_decision', { reason: 'failed' })).toBe(0);
  });
});

describe('the Prometheus text reader the tests use', () => {
  it('refuses what a Prometheus server would refuse', () => {
    expect(() => parsePrometheusText('a_total 1\n')).toThrow(/without a TYPE/);
    expect(() => parsePrometheusText('# TYPE a counter\na{x="\\q"} 1\n')).toThrow(/bad escape/);
    expect(() => parsePrometheusText('# TYPE a counter\na{x="1"} one\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/not cumulative/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n')).toThrow(/\+Inf bucket/);
    expect(parsePrometheusText('# HELP a A "thing"\n# TYPE a gauge\na{x="q\\"\\n"} NaN\n').get('a')!.samples[0]).toEqual({ name: 'a', labels: { x: 'q"\n' }, value: Number.NaN });
  });
});
