// GET /health: the store answers and the audit log matched itself at start-up. No token needed.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Health = z.object({
  status: z.enum(['ok', 'degraded']).describe('degraded: the audit log failed its self-check, draws are refused'),
  store: z.enum(['sqlite', 'redis']).describe('Store in use'),
  logSize: z.int().describe('Entries in the audit log'),
  logBreak: z.object({ index: z.int(), reason: z.string() }).nullable().describe('Where the log stops matching itself, if it does'),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', { config: { access: 'public' }, schema: { summary: 'Service health', tags: ['service'], response: { 200: Health } } }, async () => {
    const { store, auditLog } = app.ctx;
    await store.ping();
    const logBreak = auditLog.integrity;
    return { status: logBreak ? ('degraded' as const) : ('ok' as const), store: store.kind, logSize: auditLog.size, logBreak };
  });
};
export default routes;
