// Organisations by unified social credit code. Pool managers and admins.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Organisation } from '../../domain/expert.js';
import { PersonText, Uscc } from '../../domain/primitives.js';
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
        body: z.object({ name: PersonText({ max: 200, description: 'Registered name' }) }).strict(),
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
