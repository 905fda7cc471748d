// Organisations by unified social credit code. Pool managers and admins.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Organisation } from '../../domain/expert.js';
import { LoggedText, Uscc } from '../../domain/primitives.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.put(
    '/organisations/:code',
    {
      config: { access: 'pool.write' },
      schema: {
        summary: 'Register or rename an organisation',
        tags: ['pool'],
        params: z.object({ code: Uscc }),
        // Logged in the clear (organisation.upserted): no phone or ID number, as every text kept in the log.
        body: z.object({ name: LoggedText({ max: 200, description: 'Registered name (kept in the audit log: no phone or ID number)' }) }).strict(),
        response: { 200: Organisation, ...errorResponses('CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => app.ctx.pool.upsertOrganisation({ code: request.params.code, name: request.body.name }, request.principal),
  );
  app.get(
    '/organisations/:code',
    { config: { access: 'pool.read' }, schema: { summary: 'One organisation', tags: ['pool'], params: z.object({ code: Uscc }), response: { 200: Organisation, ...errorResponses(404) } } },
    async (request) => app.ctx.pool.getOrganisation(request.params.code),
  );
};
export default routes;
