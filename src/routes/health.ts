// Health, no token needed: GET /livez (the process serves), GET /readyz (it may take traffic: store writable, log
// self-check passed, keys loaded, room on disk) and GET /health (the older summary, kept for the clients that read it).
// None of them is turned away under pressure: an orchestrator must see the real state, not the load shedding.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Check = z.object({
  ok: z.boolean().describe('Whether this check passed'),
  reason: z.string().optional().describe('Why not, when it did not'),
});

const Readiness = z.object({
  status: z.enum(['ready', 'not-ready']).describe('ready: this instance takes requests and draws'),
  checks: z
    .object({
      store: Check.describe('The store answers and takes a durable write'),
      log: Check.describe('The audit log matched its last checkpoint at start-up'),
      keys: Check.describe('Signing, token and sealing keys are loaded'),
      disk: Check.extend({ freeBytes: z.number().optional().describe('Free bytes on the data volume') }).optional().describe('SQLite only: free space on the data volume (EXPERT_DRAW_MIN_FREE_DISK_MB)'),
    })
    .describe('Each check with its outcome'),
});

const Health = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']).describe('degraded: the audit log failed its self-check, draws are refused; unavailable: see /readyz'),
  store: z.enum(['sqlite', 'redis']).describe('Store in use'),
  logSize: z.int().describe('Entries in the audit log'),
  logBreak: z.object({ index: z.int().describe('First index that does not match'), reason: z.string().describe('What does not match') }).nullable().describe('Where the log stops matching itself, if it does'),
});

/** Under-pressure's load shedding does not apply: an overloaded instance is still alive, and says if it is ready. */
const unshed = { access: 'public' as const, pressureHandler: () => undefined };

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/livez',
    { config: unshed, schema: { summary: 'Liveness: the process serves requests', description: 'Restart the instance when this fails; it reads nothing.', tags: ['service'], response: { 200: z.object({ status: z.literal('alive').describe('Always alive when it answers') }) } } },
    async () => ({ status: 'alive' as const }),
  );

  app.get(
    '/readyz',
    {
      config: unshed,
      schema: {
        summary: 'Readiness: the instance may take traffic',
        description: 'Send traffic only while this answers 200. 503 while the store is unreachable or refuses writes, the audit log failed its self-check, or the data volume is nearly full; it turns back by itself. Probed at most once a second.',
        tags: ['service'],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const report = await app.ctx.readiness.check();
      return reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not-ready', checks: report.checks });
    },
  );

  app.get(
    '/health',
    { config: unshed, schema: { summary: 'Service health (summary; /livez and /readyz are what orchestrators should ask)', description: 'No token. ok; degraded while the audit log failed its self-check (draws refused); unavailable and 503 while the store is unreachable or the data volume is full. Kept for existing clients.', tags: ['service'], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const { store, auditLog, readiness } = app.ctx;
      const { checks } = await readiness.check();
      const logBreak = auditLog.integrity;
      const available = checks.store.ok && (checks.disk?.ok ?? true);
      const status = !available ? 'unavailable' : logBreak ? 'degraded' : 'ok';
      return reply.status(available ? 200 : 503).send({ status, store: store.kind, logSize: auditLog.size, logBreak });
    },
  );
};
export default routes;
