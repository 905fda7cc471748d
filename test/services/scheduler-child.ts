// Child process for the kill test: one service instance on Redis whose scheduler ticks on a fixed clock until it is
// killed; the draws of some projects hang between commit and result. Usage: scheduler-child.ts <keysDir> <redisPrefix> <nowIso> <leaseMs> <policyFile>
import { loadConfig } from '../../src/config.js';
import { openContext } from '../../src/open-context.js';
import type { LogBatch, Store } from '../../src/store/store.js';

const [keysDir, prefix, nowIso, leaseMs, policyFile] = process.argv.slice(2);
const now = Date.parse(nowIso!);
const config = loadConfig({
  EXPERT_DRAW_STORE: 'redis',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  EXPERT_DRAW_KEYS_DIR: keysDir!,
  EXPERT_DRAW_REDIS_PREFIX: prefix!,
  EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'true',
  EXPERT_DRAW_DRAW_LEASE_MS: leaseMs!,
  EXPERT_DRAW_POLICY_FILE: policyFile!,
});
// Draws of projects whose id ends in 7 never get their result: any append that would write one hangs (with whatever
// else shares its group commit), so some draws stay committed without a result — half-done — until the parent kills
// this process, however fast or slow the machine is.
const VICTIM = /"projectId":"P-\d*7"/;
const hangOnVictims = (store: Store): Store =>
  new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'appendLog') return Reflect.get(target, prop, receiver) as unknown;
      return async (batch: LogBatch) => {
        const hangs = batch.entries.some((e) => e.includes('"type":"draw.result"') && VICTIM.test(e.toString('utf8')));
        if (hangs) return new Promise<void>(() => undefined);
        await target.appendLog(batch);
      };
    },
  });
const { ctx } = await openContext(config, { now: () => now, wrapStore: hangOnVictims });
process.stdout.write(`ready ${ctx.pool.size()}\n`);
for (;;) {
  const report = await ctx.scheduler.tick();
  process.stdout.write(`tick drawn=${report.drawn.length}\n`);
  await new Promise((r) => setTimeout(r, 5));
}
