// Child process for the kill test: one service instance on Redis whose scheduler ticks on a fixed clock until it is
// killed. Usage: scheduler-child.ts <keysDir> <redisPrefix> <nowIso> <leaseMs> <policyFile>
import { loadConfig } from '../../src/config.js';
import { openContext } from '../../src/open-context.js';

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
const { ctx } = await openContext(config, { now: () => now });
process.stdout.write(`ready ${ctx.pool.size()}\n`);
for (;;) {
  const report = await ctx.scheduler.tick();
  process.stdout.write(`tick drawn=${report.drawn.length}\n`);
  await new Promise((r) => setTimeout(r, 5));
}
