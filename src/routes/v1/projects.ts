// Projects, for the trading centre's draw terminal and remote sites: register, list, move, cancel, record bidders,
// draw now, and a project's story from the log. Each route declares its action (src/auth/policy.ts). A draw's later
// life is in draws.ts.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AssuranceMinimum } from '../../domain/policy.js';
import { Project, refineParties } from '../../domain/project.js';
import { DrawRequest } from '../../domain/request.js';
import { IsoDateTimeWithOffset, LoggedText, NewProjectId, PersonText, ProjectId, Uscc, Venue } from '../../domain/primitives.js';
import { idempotencyWrite } from '../../plugins/app/idempotency.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';
import { checkRange, CursorParam, Limit, Next, pageAnswer, SiteFilter, StateList, TimeRange } from '../../schemas/listing.js';
import type { DrawRecord } from '../../records/draws.js';
import { DrawView, drawView } from '../../schemas/draw.js';
import { PROJECT_STATES, type ProjectRecord } from '../../records/projects.js';
import { WitnessSecretHex } from '../../draw/entries.js';
import { planView } from '../../services/project.service.js';
import { timelineForSite } from '../../services/timeline.service.js';

const Register = Project.extend({
  id: NewProjectId,
  name: PersonText({ max: 200, description: 'Project name' }).optional(),
  venue: Venue.optional(),
  groups: DrawRequest.shape.groups,
  tendererRepresentatives: DrawRequest.shape.tendererRepresentatives,
  leadTimeMinutes: z.int().min(0).max(2880).optional().describe('Draw this long before bid opening (default: the policy, 60)'),
  assurance: AssuranceMinimum.optional().describe('Assurance the draw must reach, above the policy’s minimum: beacon (a drand round after the commit; refused with ASSURANCE_UNAVAILABLE when no beacon is configured), witnessed (the draw planned now, witnesses deposit secrets before it: docs/draw-proof.md §6.2) or operator'),
})
  .superRefine(refineParties)
  .describe('A project and the experts it needs');

const PlanView = z
  .object({
    drawId: z.string().describe('The draw id the planned draw will use'),
    planIndex: z.int().describe('Log index of the draw.planned entry'),
    nonceHash: z.string().describe('SHA-256 of the nonce the draw’s commit will name'),
    depositsCloseAt: z.string().describe('Deposits logged at or after this instant (the draw’s due time, UTC) do not count'),
    witnesses: z
      .object({ required: z.int().describe('Deposits the draw needs'), onShort: z.enum(['fail', 'operator']).describe('With fewer: fail the draw, or draw with those there are') })
      .describe('What the policy asks of the witnesses'),
    deposits: z
      .array(
        z.object({
          index: z.int().describe('Log index of the witness.deposited entry'),
          witness: z.object({ user: z.string().describe('The witness’s account'), role: z.string().describe('Its role') }).describe('Who deposited'),
          commitment: z.string().describe('SHA-256 of the deposited secret, hex'),
        }),
      )
      .describe('Deposits so far, in log order: commitments only, never a secret'),
  })
  .describe('A witnessed project’s planned draw (docs/draw-proof.md §6.2)');

const DepositBody = z.object({ secret: WitnessSecretHex }).strict().describe('A witness’s secret for the project’s planned draw');

const DepositReceiptView = z
  .object({
    projectId: ProjectId,
    drawId: z.string().describe('The planned draw the deposit is for'),
    index: z.int().describe('Log index of the witness.deposited entry'),
    commitment: z.string().describe('SHA-256 of the secret’s bytes, hex: the draw’s commit lists it among its witnessCommitments'),
    depositsCloseAt: z.string().describe('When deposits close (the draw’s due time, UTC)'),
  })
  .describe('The receipt of a deposit: where its commitment is in the log; never the secret');

const ProjectView = z
  .object({
    project: Project.describe('The project as registered'),
    request: DrawRequest.describe('The experts it needs'),
    name: z.string().nullable().describe('Project name'),
    venue: z.string().nullable().describe('Evaluation venue'),
    leadTimeMinutes: z.int().describe('Minutes before bid opening the draw runs'),
    drawAt: z.string().describe('When the scheduled draw is due, UTC'),
    state: z.enum(PROJECT_STATES).describe('scheduled → drawing → drawn; or missed, failed, cancelled'),
    drawId: z.string().nullable().describe('Latest draw of the project'),
    revision: z.int().describe('Revision of the project, raised by every change'),
    updatedAt: z.string().describe('When it last changed'),
    site: z.string().nullable().optional().describe('Remote evaluation site the project belongs to (its draw is sealed to the site too)'),
    knownBidders: z.array(z.string()).optional().describe('Bidders recorded after registration'),
    assurance: AssuranceMinimum.optional().describe('Assurance the project asked for at registration (the policy’s minimum applies as well)'),
    plan: PlanView.optional().describe('A witnessed project: its planned draw, until the draw starts'),
  })
  .describe('A project and its draw schedule');

const ProjectSummaryView = z
  .object({
    id: ProjectId,
    name: z.string().nullable().describe('Project name'),
    venue: z.string().nullable().describe('Evaluation venue'),
    site: z.string().nullable().describe('Remote evaluation site the project belongs to; null: the centre’s own'),
    tenderer: z.string().describe('Tenderer (招标人), unified social credit code'),
    agency: z.string().nullable().describe('Tendering agency (招标代理), unified social credit code'),
    region: z.string().describe('Region code of the project'),
    bidOpeningAt: z.string().describe('Bid opening time'),
    drawAt: z.string().describe('When the scheduled draw is due, UTC: the listing’s order'),
    leadTimeMinutes: z.int().describe('Minutes before bid opening the draw runs'),
    state: z.enum(PROJECT_STATES).describe('scheduled → drawing → drawn; or missed, failed, cancelled'),
    drawId: z.string().nullable().describe('Latest draw of the project'),
    groups: z.array(z.object({ specialty: z.string().describe('Specialty code'), count: z.int().describe('Experts to select') })).describe('The groups requested'),
    unfilledSeats: z.int().describe('A drawn project: seats left unfilled because its ranking and top-ups were used up (seat.unfilled); 0 otherwise'),
    revision: z.int().describe('Revision of the project'),
    updatedAt: z.string().describe('When it last changed'),
  })
  .describe('A project as a listing shows it: no bidders, avoided organisations or experts who prepared it');

const ListQuery = z
  .object({
    state: StateList(PROJECT_STATES),
    needs: z.literal('decision').optional().describe('`decision`: what waits for an operator: missed and failed projects, and drawn ones whose seats went unfilled (ranking and top-ups used up) before their opening (with `state`: those of them in it)'),
    ...TimeRange,
    site: SiteFilter,
    tenderer: Uscc.optional().describe('Tenderer’s unified social credit code'),
    limit: Limit,
    cursor: CursorParam('projects'),
  })
  // A filter misspelt (`statee`) is refused, never ignored: ignored, it would answer every project as if filtered.
  .strict()
  .superRefine(checkRange);

const TimelineEventView = z
  .object({
    index: z.int().describe('Log index of the entry (an entry for a batch gives several events)'),
    time: z.string().describe('When the entry was appended, UTC'),
    type: z.string().describe('The entry’s type, e.g. draw.commit, calls.placed, seat.promoted'),
    drawId: z.string().optional().describe('The draw the entry is about, if any'),
    group: z.int().optional().describe('Group of the request, from 0'),
    seat: z.int().optional().describe('Seat within the group, from 0'),
    rank: z.int().optional().describe('Rank of the expert holding or offered the seat (after a promotion: the new rank)'),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])).optional().describe('Facts of this type of event: counts, times, codes, roles'),
  })
  .describe('One step of the story: seats and ranks, never an expert');

const Reason = LoggedText({ min: 2, max: 500, description: 'Why: kept in the audit log (no phone or ID number)' });
const Params = z.object({ id: ProjectId });
/** A project as answered: its plan without the sealed nonce and secrets. */
const projectView = (p: ProjectRecord) => {
  const { plan, ...rest } = p;
  return { ...rest, ...(plan ? { plan: planView(plan) } : {}) };
};

const routes: FastifyPluginAsyncZod = async (app) => {
  const { projects, draws, roster, vault, listings, timeline } = app.ctx;
  // Who may call each route is the authorization policy's (src/auth/policy.ts): a site's token reaches only its own
  // site's projects and draws.

  app.post('/projects', { config: { access: 'project.register' }, schema: { summary: 'Register a project; its draw is scheduled', tags: ['projects'], body: Register, response: { 201: ProjectView, ...errorResponses('CONFLICT', 'POLICY_RULES', 'SCHEDULE_RULES', 'UNKNOWN_SPECIALTY', 'ASSURANCE_UNAVAILABLE', ...LOG_WRITE_ERRORS) } } }, async (request, reply) => {
    const { name, venue, groups, tendererRepresentatives, leadTimeMinutes, assurance, ...project } = request.body;
    const site = request.principal.site;
    const record = await projects.register({ project, request: { groups, tendererRepresentatives }, name: name ?? null, venue: venue ?? null, leadTimeMinutes, site, ...(assurance ? { assurance } : {}) }, request.principal);
    return reply.status(201).send(projectView(record));
  });

  app.get(
    '/projects',
    {
      config: { access: 'project.read', list: true },
      schema: {
        summary: 'List projects by draw time',
        description:
          'Sorted by `drawAt`, then id. Filters: `state`, `needs=decision` (missed and failed projects, and drawn ones with unfilled seats before their opening: what waits for an operator), `from` ≤ `drawAt` < `to`, `site`, `tenderer`. Pages follow `next`; a project added or changed meanwhile never makes another appear twice or go missing.',
        tags: ['projects'],
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(ProjectSummaryView).describe('This page of projects'), next: Next }), ...errorResponses() },
      },
    },
    async (request) => {
      const { state, needs, cursor, ...q } = request.query;
      const page = await listings.listProjects({ ...q, states: state, needsDecision: needs === 'decision', after: cursor ?? null }, request.reach);
      return pageAnswer('projects', page, (p) => ({ ...p, groups: [...p.groups] }));
    },
  );

  app.get(
    '/projects/:id/timeline',
    {
      config: { access: 'project.read' },
      schema: {
        summary: 'A project’s story from the audit log',
        description: 'Registered, rescheduled, committed, drawn, calls placed and answered, promotions, check-ins, unseal approvals, disclosure: one event per log entry (or per call of a batch entry), in log order, by seat and rank, never naming an expert.',
        tags: ['projects'],
        params: Params,
        response: { 200: z.object({ projectId: ProjectId, events: z.array(TimelineEventView).describe('Every log entry about the project, in log order') }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { record } = await projects.get(request.params.id);
      const events = await timeline.of(record.project.id);
      // A site reads its own projects' stories; who of its experts is seated elsewhere that day is not in them.
      return { projectId: record.project.id, events: request.principal.site === undefined ? events : timelineForSite(events) };
    },
  );

  app.get('/projects/:id', { config: { access: 'project.read' }, schema: { summary: 'A project and its draw state', tags: ['projects'], params: Params, response: { 200: ProjectView, ...errorResponses(404) } } }, async (request) => {
    return projectView((await projects.get(request.params.id)).record);
  });

  app.patch(
    '/projects/:id/bid-opening',
    {
      config: { access: 'project.manage' },
      schema: { summary: 'Move the bid opening (the draw moves with it); a missed or failed project is scheduled again', tags: ['projects'], params: Params, body: z.object({ bidOpeningAt: IsoDateTimeWithOffset, reason: Reason }).strict(), response: { 200: ProjectView, ...errorResponses(404, 'CONFLICT', 'SCHEDULE_RULES', ...LOG_WRITE_ERRORS) } },
    },
    async (request) => {
      return projectView(await projects.reschedule(request.params.id, request.body.bidOpeningAt, request.body.reason, request.principal));
    },
  );

  app.post(
    '/projects/:id/cancel',
    { config: { access: 'project.manage' }, schema: { summary: 'Cancel a project', description: 'A project not drawn yet, or a drawn one before its bid opening: every call still open or accepted is then withdrawn and its expert sent a notice naming the time and place it withdraws (docs/calls.md). After bid opening a drawn project is not cancelled here (409).', tags: ['projects'], params: Params, body: z.object({ reason: Reason }).strict(), response: { 200: ProjectView, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) } } },
    async (request) => {
      // A drawn project's calls are withdrawn with it (its experts told): the roster service cancels it.
      return projectView(await roster.cancelProject(request.params.id, request.body.reason, request.principal));
    },
  );

  app.post(
    '/projects/:id/draw',
    {
      config: { access: 'draw.run' },
      schema: {
        summary: 'Draw now (immediate draw), instead of waiting for the schedule',
        tags: ['projects'],
        params: Params,
        response: { 201: DrawView, ...errorResponses(404, 'CONFLICT', 'DRAW_IN_PROGRESS', 'SITE_UNAVAILABLE', 'INSUFFICIENT_CANDIDATES', 'POLICY_RULES', 'ASSURANCE_UNAVAILABLE', 'WITNESS_MISSING', 'BEACON_INVALID', 'BEACON_UNAVAILABLE', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      // The saved answer for an Idempotency-Key is written with the result, so a crash cannot draw twice.
      const pending = request.idempotency;
      // The saved answer is the reply as the route's schema serializes it. It is made once: this reply sends the very
      // bytes saved for the draw as committed, so a replay answers byte for byte the same.
      const saved: { draw?: DrawRecord; body?: string } = {};
      // The expert calls are placed in the result's own transaction: one durable write for both.
      const draw = await draws.run(request.params.id, 'immediate', request.principal, {
        ...(pending ? { idempotency: (d: DrawRecord) => idempotencyWrite(vault, pending, 201, (saved.body = JSON.stringify(DrawView.parse(drawView((saved.draw = d)))))) } : {}),
      });
      // Already serialized: sent as it is (the untyped reply takes a string as the body it is).
      if (saved.body !== undefined && sameResult(saved.draw!, draw)) return (reply as FastifyReply).status(201).type('application/json; charset=utf-8').send(saved.body);
      return reply.status(201).send(drawView(draw));
    },
  );

  app.post(
    '/projects/:id/witness-deposits',
    {
      config: { access: 'witness.deposit' },
      schema: {
        summary: 'Deposit a witness secret for the project’s planned draw (witnessed assurance)',
        description:
          'A supervisor, logged in, deposits a secret of 16–64 bytes (hex) before the plan closes (the draw’s due time); once per witness per plan. The log gets its SHA-256 (witness.deposited); the secret stays sealed until the draw, enters its seed, and is published at disclosure (docs/draw-proof.md §6.2). The receipt names the log entry, so the witness can find the commitment in the draw’s commit.',
        tags: ['projects'],
        params: Params,
        body: DepositBody,
        response: { 201: DepositReceiptView, ...errorResponses(404, 'NOT_PLANNED', 'DEPOSITS_CLOSED', 'ALREADY_DEPOSITED', 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await projects.deposit(request.params.id, request.body.secret, request.principal));
    },
  );

  app.post(
    '/projects/:id/bidders',
    {
      config: { access: 'project.manage' },
      schema: {
        summary: 'Record bidders made known after registration (the draw, or the check-in, excludes their people)',
        description:
          'The answer lists them in `knownBidders`. Before the project is drawn (scheduled, or failed or missed), they also join `project.bidders`, so that the draw excludes their people and commits to them. Once a draw is running or done, `project.bidders` stays as that draw committed to it (its request hash), and the check-in desk re-checks each expert against `knownBidders`.',
        tags: ['projects'],
        params: Params,
        body: z.object({ bidders: z.array(Uscc).min(1).max(500).describe('Bidders’ unified social credit codes') }).strict(),
        response: { 200: ProjectView, ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => {
      return projectView(await projects.addBidders(request.params.id, request.body.bidders, request.principal));
    },
  );

};
export default routes;

/** The record the saved answer was made from is the one the draw committed: the same entries, at the same places. */
function sameResult(a: DrawRecord, b: DrawRecord): boolean {
  return a.drawId === b.drawId && a.commitIndex === b.commitIndex && a.commitLeafHash === b.commitLeafHash && a.resultIndex === b.resultIndex && a.resultHash === b.resultHash && a.state === b.state;
}
