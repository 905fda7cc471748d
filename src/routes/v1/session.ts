// GET /v1/session: who the token says the caller is. Any role (a revoked site's token: nothing).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Role } from '../../auth/roles.js';
import { authOnlyErrorResponses } from '../../schemas/common.js';

const Session = z.object({
  subject: z.string().describe('Token subject'),
  role: Role,
  site: z.string().nullable().describe('Site the token is scoped to'),
  expiresAt: z.string().describe('Expiry, ISO 8601'),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/session', { config: { access: 'session.read' }, schema: { summary: 'The caller, as the token says', tags: ['session'], response: { 200: Session, ...authOnlyErrorResponses() } } }, async (request) => {
    const p = request.principal;
    return { subject: p.sub, role: p.role, site: p.site ?? null, expiresAt: new Date(p.exp * 1000).toISOString() };
  });
};
export default routes;
