// An expert's answer to a call, through the single-use link in the message. No bearer token: the link is the
// credential. The answer says nothing about the project or the other experts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicErrorResponses } from '../../schemas/common.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/responses/:token',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Accept or decline a call (the link sent to the expert)',
        tags: ['calls'],
        // No bearer token: the link is the credential.
        security: [],
        params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{32}$/).describe('The response token from the message') }),
        body: z.object({ answer: z.enum(['accept', 'decline']).describe('accept (接受) or decline (拒绝)') }).strict(),
        response: {
          200: z.object({ answer: z.enum(['accept', 'decline']), state: z.string().describe('The call as it is now: accepted or declined') }),
          ...publicErrorResponses(404, 409, 410),
        },
      },
    },
    async (request) => app.ctx.roster.respond(request.params.token, request.body.answer === 'accept'),
  );
};
export default routes;
