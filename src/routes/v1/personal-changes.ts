// Held changes of an expert's name, phone or ID number (docs/security.md T6): a revised pool file's change of a known
// expert's personal data waits, sealed, until a pool manager or supervisor other than the importer approves it (then
// applied, the expert told) or rejects it. The listing says which fields and who, never a value.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChangeId } from '../../audit/entries.js';
import { PersonalField } from '../../domain/expert.js';
import { ExpertId, LoggedText } from '../../domain/primitives.js';
import { authOnlyErrorResponses, errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

const HeldChange = z
  .object({
    id: ExpertId,
    changeId: ChangeId,
    fields: z.array(PersonalField).describe('Which personal data the change replaces'),
    proposedBy: z.string().describe('Who imported the file (token subject: a user id for a person): they cannot decide it'),
    proposedAt: z.string().describe('When the file was imported, ISO 8601'),
  })
  .describe('A personal data change held for approval: never a name, phone or ID number');

const Params = z.object({ id: ExpertId, changeId: ChangeId });
const DECIDE_ERRORS = errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS);

const routes: FastifyPluginAsyncZod = async (app) => {
  const pool = app.ctx.pool;

  app.get(
    '/personal-changes',
    {
      config: { access: 'pool.held' },
      schema: {
        summary: 'Personal data changes waiting for approval',
        description: 'Changes of known experts’ names, phones or ID numbers from revised pool files, held until a second person approves them; one per expert (a later file replaces it). Until then calls, record links and check-in use the data the pool holds.',
        tags: ['pool'],
        response: { 200: z.object({ items: z.array(HeldChange).describe('By expert id') }), ...authOnlyErrorResponses(403, 503) },
      },
    },
    async () => ({ items: await pool.heldChanges() }),
  );

  app.post(
    '/experts/:id/personal-change/:changeId/approve',
    {
      config: { access: 'pool.approve' },
      schema: {
        summary: 'Approve a held personal data change',
        description:
          'By a pool manager or supervisor, logged in, other than whoever imported it (409 CONFLICT). Applied in one commit: the sealed data and the ID number’s lookup, `expert.updated` with a new pool version, a notice to the number the expert had (and the one their phone was changed from within the month), and `expert.personal-change-approved`. 409 CONFLICT too when `changeId` is not the held change any more (a later file replaced it) or its ID number now belongs to another expert; 409 PHONE_IN_USE when its phone number now belongs to another expert in the pool.',
        tags: ['pool'],
        params: Params,
        response: { 200: HeldChange, ...errorResponses(404, 'CONFLICT', 'PHONE_IN_USE', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => pool.approvePersonalChange(request.params.id, request.params.changeId, request.principal),
  );

  app.post(
    '/experts/:id/personal-change/:changeId/reject',
    {
      config: { access: 'pool.approve' },
      schema: {
        summary: 'Reject a held personal data change',
        description: 'By a pool manager or supervisor, logged in, other than whoever imported it (409 CONFLICT). The change is dropped, the expert’s data as it was; logged with the reason (`expert.personal-change-rejected`).',
        tags: ['pool'],
        params: Params,
        body: z.object({ reason: LoggedText({ min: 2, max: 500, description: 'Why: kept in the audit log (no phone or ID number, not the expert’s name)' }) }).strict(),
        response: { 200: HeldChange, ...DECIDE_ERRORS },
      },
    },
    async (request) => pool.rejectPersonalChange(request.params.id, request.params.changeId, request.body.reason, request.principal),
  );
};
export default routes;
