// A scrape while the store does not answer (its Redis frozen): /metrics still answers within a few seconds, with
// expert_draw_ready 0, so that the alert docs/operations.md recommends (expert_draw_ready == 0 for a minute) can fire.
// Found by an outside test: the scrape hung for as long as Redis was down. A private redis-server, stopped with SIGSTOP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-server.js';
import { build, type Built } from '../helper.js';
import { http } from '../helpers/http.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus.js';
import { hasRedisServer, startRedis, type PrivateRedis } from '../helpers/redis-server.js';

describe.skipIf(!hasRedisServer())('/metrics while the store does not answer', () => {
  let redis: PrivateRedis;
  let t: Built;
  let server: MetricsServer;

  beforeAll(async () => {
    redis = await startRedis({ aof: true });
    t = await build({ EXPERT_DRAW_STORE: 'redis', REDIS_URL: redis.url });
    server = await startMetricsServer(t.ctx.metrics, { host: '127.0.0.1', port: 0 });
  }, 60_000);
  afterAll(async () => {
    redis?.process.kill('SIGCONT');
    await server?.close();
    await t?.close();
    await redis?.stop();
  });

  it('answers ready 1 with Redis up, and ready 0 within seconds with Redis frozen', async () => {
    const up = parsePrometheusText((await http(server.url)).body);
    expect(sampleValue(up, 'expert_draw_ready')).toBe(1);
    redis.process.kill('SIGSTOP');
    try {
      // Readiness is probed at most once a second: the first scrapes may still say what the last probe found. Each
      // scrape answers within seconds all the same, and one says not ready.
      let ready: number | undefined = 1;
      for (let i = 0; i < 4 && ready !== 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const started = Date.now();
        const res = await http(server.url);
        expect(res.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(8000);
        ready = sampleValue(parsePrometheusText(res.body), 'expert_draw_ready');
      }
      expect(ready).toBe(0);
    } finally {
      redis.process.kill('SIGCONT');
    }
  }, 30_000);
});
