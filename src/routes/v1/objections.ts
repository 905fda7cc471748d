// Rules and consequences, objections (docs/records.md): the rules in force, the consequences in force across the pool
// and one expert's, an objection lodged on the expert's behalf and a pool manager's decision. Consequences rest only on
// records of disclosed draws; an objection names a record by its log index and is refused alike for a record that is
// not the expert's and one of a draw still sealed.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConsequenceId, ObjectionId } from '../../audit/entries.js';
import { RuleConsequence, RuleMeasure } from '../../domain/policy.js';
import { ExpertId } from '../../domain/primitives.js';
import { negotiateLanguage } from '../../i18n/language.js';
import { REVIEW_OUTCOMES } from '../../records/sanctions.js';
import { authOnlyErrorResponses, errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

const ReviewOutcome = z.enum(REVIEW_OUTCOMES).describe('no-action (复核后不予处理), warning (约谈提醒), sanctioned (另行处理: a status or an exit set through the pool)');

const Consequence = z
  .object({
    id: ConsequenceId,
    expertId: z.string().describe('The expert'),
    ruleId: z.string().describe('The rule that fired'),
    rule: z.string().describe('What the rule says, in the answer’s language'),
    kind: z.enum(['suspend', 'blacklist', 'review']).describe('Suspension, blacklist, or a flag for review'),
    records: z.array(z.object({ index: z.int().describe('Log index of the record'), drawId: z.string().describe('Its draw (disclosed)') })).describe('The records that triggered it'),
    from: z.string().describe('The day it took effect (local date)'),
    until: z.string().nullable().describe('Suspensions: the last day'),
    changedStatus: z.boolean().describe('Whether it changed the expert’s pool status (not when the expert was already suspended longer, blacklisted or retired)'),
    state: z.enum(['in-force', 'expired', 'annulled', 'closed']).describe('In force; expired (a suspension whose last day passed); annulled (an objection upheld, or a record it rests on no longer stands); closed (a review a pool manager ended)'),
    appliedAt: z.string().describe('When it was applied, ISO 8601'),
    appliedIndex: z.int().describe('Log index of its rule.applied entry'),
    endedAt: z.string().nullable().describe('When it ended, ISO 8601'),
    endedWhy: z.enum(['expired', 'objection', 'record-corrected', 'reviewed']).nullable().describe('Why it ended'),
    review: z
      .object({ outcome: ReviewOutcome, reason: z.string().describe('Why, as the pool manager wrote it'), by: z.string().describe('Who closed it (token subject)') })
      .nullable()
      .describe('A closed review: how it ended'),
  })
  .describe('A rule’s consequence for an expert');

const Target = z.union([
  z.object({ record: z.int().min(0).describe('Log index of one of the expert’s records (of a disclosed draw)') }).strict().describe('Against a record'),
  z.object({ consequence: ConsequenceId }).strict().describe('Against a consequence'),
]);

const Objection = z
  .object({
    id: ObjectionId,
    expertId: z.string().describe('The expert'),
    against: Target,
    reason: z.string().describe('What the expert says'),
    state: z.enum(['open', 'upheld', 'rejected']).describe('Open until a pool manager decides'),
    lodgedAt: z.string().describe('When it was lodged, ISO 8601'),
    lodgedBy: z.string().describe('Who lodged it: a pool manager (token subject), or the expert id when the expert lodged it from their own record page'),
    decidedAt: z.string().nullable().describe('When it was decided, ISO 8601'),
    decidedBy: z.string().nullable().describe('Who decided it (token subject)'),
    decision: z.string().nullable().describe('The reason given with the decision'),
  })
  .describe('An objection (申诉) against a record or a consequence');

const Reason = z.string().trim().min(1).max(1000).describe('In a sentence or two');

const routes: FastifyPluginAsyncZod = async (app) => {
  const { rules } = app.ctx;

  app.get(
    '/rules',
    {
      config: { access: 'rules.read' },
      schema: {
        summary: 'The rules that turn records into consequences',
        description: 'From the policy’s sanctions section (the defaults where it sets none), with labels in the request’s language.',
        tags: ['records'],
        response: {
          200: z.object({
            rules: z.array(
              z.object({
                id: z.string().describe('Rule id, cited in the log'),
                label: z.string().describe('What the rule says, in the answer’s language'),
                withinDays: z.int().describe('The records that trigger it lie at most this many days apart'),
                measure: RuleMeasure.describe('What it measures: how many records, or a score with deductions'),
                consequence: RuleConsequence.describe('What it does: suspend, blacklist or flag for review'),
              }),
            ).describe('Each applied on its own'),
          }),
          // From the policy in memory, needing no store; a 503 all the same while the service sheds load (a store
          // health check that failed, a lagging event loop: src/plugins/external/health.ts), as every route does.
          ...authOnlyErrorResponses(403, 503),
        },
      },
    },
    async (request) => {
      const lang = negotiateLanguage(request.headers['accept-language']);
      return { rules: rules.rules.map((r) => ({ id: r.id, label: lang === 'en' ? r.en : r.zh, withinDays: r.withinDays, measure: r.measure, consequence: r.consequence })) };
    },
  );

  app.get(
    '/consequences',
    {
      config: { access: 'consequence.read' },
      schema: {
        summary: 'The consequences in force across the pool',
        description: 'Suspensions, blacklists and review flags set by the rules that have not ended, oldest first.',
        tags: ['records'],
        response: { 200: z.object({ consequences: z.array(Consequence).describe('In force, oldest first') }), ...authOnlyErrorResponses(403, 503) },
      },
    },
    async (request) => ({ consequences: await rules.inForce(negotiateLanguage(request.headers['accept-language'])) }),
  );

  app.get(
    '/experts/:id/consequences',
    {
      config: { access: 'consequence.read' },
      schema: {
        summary: 'An expert’s consequences and objections',
        description: 'Every consequence the rules applied to the expert (in force, expired, annulled) and every objection, oldest first.',
        tags: ['records'],
        params: z.object({ id: ExpertId }),
        response: {
          200: z.object({ expertId: z.string().describe('The expert'), consequences: z.array(Consequence).describe('Oldest first'), objections: z.array(Objection).describe('Oldest first') }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({ expertId: request.params.id, ...(await rules.ofExpert(request.params.id, negotiateLanguage(request.headers['accept-language']))) }),
  );

  app.post(
    '/consequences/:id/review',
    {
      config: { access: 'consequence.close' },
      schema: {
        summary: 'Close a review (结束复核)',
        description:
          'A pool manager, logged in, ends a review in force (the flag a score rule sets) with an outcome and a reason. No status changes: a sanction the review decides on is set through the pool (status, exit). Logged with who closed it; the reason is sealed in the log.',
        tags: ['records'],
        params: z.object({ id: ConsequenceId }),
        body: z.object({ outcome: ReviewOutcome, reason: Reason }).strict(),
        response: { 200: Consequence, ...errorResponses(404, 'NOT_UNDER_REVIEW', 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => rules.closeReview(request.params.id, request.body.outcome, request.body.reason, request.principal, negotiateLanguage(request.headers['accept-language'])),
  );

  app.post(
    '/experts/:id/objections',
    {
      config: { access: 'objection.lodge' },
      schema: {
        summary: 'Lodge an expert’s objection (申诉) against a record or a consequence',
        description:
          'On the expert’s behalf, by a pool manager logged in. A record is named by its log index and must be one of the expert’s records of a disclosed draw that still stands; one objection per record or consequence. Logged with who lodged it.',
        tags: ['records'],
        params: z.object({ id: ExpertId }),
        body: z.object({ against: Target, reason: Reason }).strict(),
        response: { 201: Objection, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => reply.status(201).send(await rules.lodge(request.params.id, request.body.against, request.body.reason, request.principal)),
  );

  app.post(
    '/objections/:id/decision',
    {
      config: { access: 'objection.decide' },
      schema: {
        summary: 'Decide an objection',
        description:
          'Upheld against a record: the record is withdrawn by an appended entry (never overwritten) and every consequence resting on it lifted; against a consequence: it is lifted. Rejected: everything stays. One commit, logged with who decided.',
        tags: ['records'],
        params: z.object({ id: ObjectionId }),
        body: z.object({ upheld: z.boolean().describe('true: the objection is upheld'), reason: Reason }).strict(),
        response: { 200: Objection, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => rules.decide(request.params.id, request.body.upheld, request.body.reason, request.principal),
  );
};

export default routes;
