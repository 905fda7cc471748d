// An expert's answer to a call, through the single-use link in the message. No bearer token: the link is the
// credential. The answer says nothing about the project or the other experts.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NEVER_SHED } from '../../plugins/external/health.js';
import { publicErrorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/responses/:token',
    {
      config: { access: 'public', ...NEVER_SHED },
      schema: {
        summary: 'Accept or decline a call (the link sent to the expert)',
        description:
          'For SMS gateways that collect answers by reply; the page at /r/{token} does the same for a person. Public: the token of the message is the credential, single use; no bearer token. 404: no such link; 409: the call was answered already or is no longer open; 410: past its deadline (the seat went to the next expert). The answer names neither the project nor the expert.',
        tags: ['calls'],
        // No bearer token: the link is the credential.
        security: [],
        params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{32}$/).describe('The response token from the message') }),
        body: z.object({ answer: z.enum(['accept', 'decline']).describe('accept (接受) or decline (拒绝)') }).strict(),
        response: {
          200: z.object({ answer: z.enum(['accept', 'decline']).describe('The answer taken'), state: z.string().describe('The call as it is now: accepted or declined; busy when the expert accepted but holds a seat of another evaluation that day (the seat passes on, counted against nobody)') }),
          ...publicErrorResponses(404, 'CONFLICT', 410, ...LOG_WRITE_ERRORS),
        },
      },
    },
    async (request) => app.ctx.roster.respond(request.params.token, request.body.answer === 'accept'),
  );
};
export default routes;
