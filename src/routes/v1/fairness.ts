// Fairness for inspectors and supervisors: is any expert selected more often than chance allows, over the disclosed
// draws? The report `expert-draw fairness` makes from downloaded bundles, made here from the same bundles, each
// verified first; and its chart as SVG.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FAIRNESS_LABELS } from '../../i18n/fairness-labels.js';
import { answerLanguage } from '../../plugins/app/language.js';
import { errorResponses } from '../../schemas/common.js';
import { checkRange, TimeRange } from '../../schemas/listing.js';
import { DEFAULT_FAIRNESS_ALPHA, fairnessSvg } from '../../verify/fairness.js';

const Query = z
  .object({
    ...TimeRange,
    alpha: z.coerce.number().gt(0).lt(1).default(DEFAULT_FAIRNESS_ALPHA).describe('Family-wise threshold: the chance that an honest history flags anybody at all (default 0.01)'),
  })
  .strict()
  .superRefine(checkRange);

const ExpertView = z.object({
  expertId: z.string().describe('Pool id of the expert (public in the disclosed draws’ proofs; never a name)'),
  trials: z.int().describe('Groups of the draws in which the expert was eligible'),
  selected: z.int().describe('Times selected in those groups'),
  expected: z.number().describe('Selections expected of a fair draw: the sum over those groups of seats ÷ eligible'),
  pValue: z.number().describe('Chance of being selected this often or more in a fair draw (exact Poisson-binomial tail)'),
  adjusted: z.number().describe('That chance corrected for the number of experts tested (Šidák): 1 − (1 − p)^experts'),
  flagged: z.boolean().describe('Whether `adjusted` is below `alpha`'),
});

const Report = z.object({
  draws: z.int().describe('Disclosed draws whose proof verified and that count'),
  experts: z.int().describe('Experts eligible in at least one of them'),
  alpha: z.number().describe('The threshold used'),
  flagged: z.array(ExpertView).describe('The experts selected more often than chance allows, most surprising first'),
  results: z.array(ExpertView).max(50).describe('The 50 most surprising experts (flagged or not), most surprising first'),
  unverified: z.array(z.string()).describe('Disclosed draws left out because their proof did not verify (should be none)'),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  const { fairness } = app.ctx;
  const description =
    'Over the disclosed draws committed in [`from`, `to`): each one’s proof bundle is verified as `expert-draw proof verify` does, then each expert’s selections are set against chance given the groups they were eligible for (docs/inspectors.md). Only disclosed draws count: a draw still sealed names nobody.';

  app.get(
    '/fairness',
    {
      config: { access: 'log.read' },
      schema: { summary: 'Experts selected more often than chance allows, over the disclosed draws', description, tags: ['log'], querystring: Query, response: { 200: Report, ...errorResponses('LOG_MISMATCH') } },
    },
    async (request) => {
      const r = await fairness.report(request.query);
      return { draws: r.draws, experts: r.experts, alpha: r.alpha, flagged: [...r.flagged], results: r.results.slice(0, 50), unverified: [...r.unverified] };
    },
  );

  app.get(
    '/fairness/chart',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'The fairness report as a chart (SVG): each expert at (expected, selected), flagged ones named',
        description: `${description} The chart's words follow Accept-Language (zh-CN unless English).`,
        tags: ['log'],
        querystring: Query,
        produces: ['image/svg+xml'],
        response: { 200: z.string().describe('An SVG image'), ...errorResponses('LOG_MISMATCH') },
      },
    },
    async (request, reply) => {
      const r = await fairness.report(request.query);
      const svg = fairnessSvg(r, FAIRNESS_LABELS[answerLanguage(request, reply)]);
      return reply.type('image/svg+xml; charset=utf-8').serializer((s) => s as string).send(svg);
    },
  );
};
export default routes;
