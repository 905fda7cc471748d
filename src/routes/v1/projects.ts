// Projects and their draws, for the trading centre's draw terminal. Roles are declared on each route. No answer names
// a drawn expert: draw status is state, counts, log indices and commitment hashes.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Project } from '../../domain/project.js';
import { DrawRequest } from '../../domain/request.js';
import { DrawId, IsoDateTimeWithOffset, PersonText, ProjectId, Uscc } from '../../domain/primitives.js';
import { AppError } from '../../errors.js';
import { idempotencyWrite } from '../../plugins/app/idempotency.js';
import { errorResponses } from '../../schemas/common.js';
import { DRAW_STATES, type DrawRecord } from '../../records/draws.js';
import { PROJECT_STATES, type ProjectRecord } from '../../records/projects.js';

const Register = Project.extend({
  name: PersonText({ max: 200, description: 'Project name' }).optional(),
  venue: PersonText({ max: 200, description: 'Evaluation venue (told to the experts called)' }).optional(),
  groups: DrawRequest.shape.groups,
  tendererRepresentatives: DrawRequest.shape.tendererRepresentatives,
  leadTimeMinutes: z.int().min(0).max(2880).optional().describe('Draw this long before bid opening (default: the policy, 60)'),
}).describe('A project and the experts it needs');

const ProjectView = z
  .object({
    project: Project,
    request: DrawRequest,
    name: z.string().nullable(),
    venue: z.string().nullable(),
    leadTimeMinutes: z.int(),
    drawAt: z.string().describe('When the scheduled draw is due, UTC'),
    state: z.enum(PROJECT_STATES).describe('scheduled → drawing → drawn; or missed, failed, cancelled'),
    drawId: z.string().nullable().describe('Latest draw of the project'),
    revision: z.int(),
    updatedAt: z.string(),
    site: z.string().nullable().optional().describe('Remote evaluation site the project belongs to (its draw is sealed to the site too)'),
    knownBidders: z.array(z.string()).optional().describe('Bidders recorded after registration'),
  })
  .describe('A project and its draw schedule');

const DrawView = z
  .object({
    drawId: z.string(),
    projectId: ProjectId,
    kind: z.enum(['scheduled', 'immediate']),
    state: z.enum(DRAW_STATES),
    poolVersion: z.int().describe('Pool version the candidates came from'),
    assurance: z.enum(['beacon', 'witnessed', 'operator']).describe('What made the seed (docs/draw-proof.md §11)'),
    commitIndex: z.int().describe('Log index of the commit entry'),
    commitLeafHash: z.string().describe('Its RFC 9162 leaf hash'),
    resultIndex: z.int().nullable().describe('Log index of the result entry'),
    resultHash: z.string().nullable().describe('SHA-256(salt ‖ JCS(result)): the sealed result’s commitment'),
    revealIndex: z.int().optional().describe('Log index of the reveal entry, once disclosed'),
    groups: z.array(z.object({ specialty: z.string(), count: z.int(), alternates: z.int(), eligibleCount: z.int() })),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    calls: z
      .record(z.string(), z.int())
      .nullable()
      .optional()
      .describe('Seats by the state of their current call (calling, accepted, declined, timeout, refused, checked-in); counts only'),
    supersedes: z.string().nullable().describe('Earlier draw of the project this one follows'),
    site: z.string().optional().describe('Remote site the result is sealed to as well'),
    siteFingerprint: z.string().optional().describe('SHA-256 fingerprint of the site certificate the result was sealed to'),
    createdAt: z.string(),
  })
  .describe('Draw status: never an expert identity');

const Reason = PersonText({ min: 2, max: 500, description: 'Why: kept in the audit log' });
const Params = z.object({ id: ProjectId });
const drawView = (d: DrawRecord) => {
  const { sealed: _sealed, by: _by, ...rest } = d;
  return { ...rest, groups: [...rest.groups] };
};
const projectView = (p: ProjectRecord) => p;

const routes: FastifyPluginAsyncZod = async (app) => {
  const { projects, draws, vault, roster } = app.ctx;
  // Who may call each route is the authorization policy's (src/auth/policy.ts): a site's token reaches only its own
  // site's projects and draws.

  app.post('/projects', { config: { access: 'project.register' }, schema: { summary: 'Register a project; its draw is scheduled', tags: ['projects'], body: Register, response: { 201: ProjectView, ...errorResponses(409, 422) } } }, async (request, reply) => {
    const { name, venue, groups, tendererRepresentatives, leadTimeMinutes, ...project } = request.body;
    const site = request.principal.site;
    const record = await projects.register({ project, request: { groups, tendererRepresentatives }, name: name ?? null, venue: venue ?? null, leadTimeMinutes, site }, request.principal);
    return reply.status(201).send(projectView(record));
  });

  app.get('/projects/:id', { config: { access: 'project.read' }, schema: { summary: 'A project and its draw state', tags: ['projects'], params: Params, response: { 200: ProjectView, ...errorResponses(404) } } }, async (request) => {
    return projectView((await projects.get(request.params.id)).record);
  });

  app.patch(
    '/projects/:id/bid-opening',
    {
      config: { access: 'project.manage' },
      schema: { summary: 'Move the bid opening (the draw moves with it); a missed or failed project is scheduled again', tags: ['projects'], params: Params, body: z.object({ bidOpeningAt: IsoDateTimeWithOffset, reason: Reason }).strict(), response: { 200: ProjectView, ...errorResponses(404, 409, 422) } },
    },
    async (request) => {
      return projectView(await projects.reschedule(request.params.id, request.body.bidOpeningAt, request.body.reason, request.principal));
    },
  );

  app.post(
    '/projects/:id/cancel',
    { config: { access: 'project.manage' }, schema: { summary: 'Cancel a project', tags: ['projects'], params: Params, body: z.object({ reason: Reason }).strict(), response: { 200: ProjectView, ...errorResponses(404, 409) } } },
    async (request) => {
      return projectView(await projects.cancel(request.params.id, request.body.reason, request.principal));
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
        response: { 201: DrawView, ...errorResponses(404, 409, 422) },
      },
    },
    async (request, reply) => {
      // The saved answer for an Idempotency-Key is written with the result, so a crash cannot draw twice.
      const pending = request.idempotency;
      // The calls are placed just after the answer: the expert calls are not what the draw terminal waits for.
      const draw = await draws.run(request.params.id, 'immediate', request.principal, {
        callsAfterResult: true,
        // The saved answer is the reply as the route's schema serializes it, so that a replay answers byte for byte the same.
        ...(pending ? { idempotency: (d: DrawRecord) => idempotencyWrite(vault, pending, 201, JSON.stringify(DrawView.parse(drawView(d)))) } : {}),
      });
      return reply.status(201).send(drawView(draw));
    },
  );

  app.post(
    '/projects/:id/bidders',
    {
      config: { access: 'project.manage' },
      schema: {
        summary: 'Record bidders made known at bid opening (check-in re-checks experts against them)',
        tags: ['projects'],
        params: Params,
        body: z.object({ bidders: z.array(Uscc).min(1).max(500).describe('Bidders’ unified social credit codes') }).strict(),
        response: { 200: ProjectView, ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      return projectView(await projects.addBidders(request.params.id, request.body.bidders, request.principal));
    },
  );

  const DrawParams = z.object({ id: DrawId });
  app.post(
    '/draws/:id/unseal',
    {
      config: { access: 'draw.unseal' },
      schema: {
        summary: 'Approve opening the whole list (two people: an operator and a supervisor, after bid opening)',
        tags: ['draws'],
        params: DrawParams,
        response: {
          200: z.object({
            unsealed: z.boolean().describe('True once both approvals are in'),
            approvals: z.array(z.object({ by: z.string(), role: z.string(), at: z.string() })),
          }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => {
      const draw = await draws.get(request.params.id);
      const { record } = await projects.get(draw.projectId);
      if (draw.state !== 'drawn') throw new AppError('CONFLICT', `draw ${draw.drawId} is ${draw.state}`);
      const u = await roster.approveUnseal(draw.drawId, draw.projectId, record.project.bidOpeningAt, request.principal);
      return { unsealed: u.unsealedAt !== null, approvals: u.approvals.map((a) => ({ by: a.sub, role: a.role, at: a.at })) };
    },
  );

  app.get(
    '/draws/:id/panel',
    {
      config: { access: 'draw.panel' },
      schema: {
        summary: 'The whole panel with names, once unsealed',
        tags: ['draws'],
        params: DrawParams,
        response: {
          200: z.object({
            drawId: z.string(),
            seats: z.array(z.object({ group: z.int(), specialty: z.string(), seat: z.int(), rank: z.int(), expertId: z.string(), name: z.string(), state: z.string() })),
          }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request) => {
      const draw = await draws.get(request.params.id);
      return { drawId: draw.drawId, seats: await roster.panel(draw.drawId, request.principal) };
    },
  );

  app.post(
    '/draws/:id/disclose',
    {
      config: { access: 'draw.disclose' },
      schema: {
        summary: 'Disclose the draw after the award: the reveal entry goes into the log and the proof becomes available',
        tags: ['draws'],
        params: DrawParams,
        response: { 200: DrawView, ...errorResponses(404, 409, 503) },
      },
    },
    async (request) => drawView(await draws.disclose(request.params.id, request.principal)),
  );

  const ProofPart = z.object({
    index: z.int().describe('Log index'),
    entry: z.string().describe('The entry’s exact bytes (RFC 8785 JSON)'),
    inclusion: z.object({ index: z.int(), leafHash: z.string(), checkpoint: z.string().describe('Signed checkpoint (C2SP signed note)'), treeSize: z.int(), hashes: z.array(z.string()) }),
  });
  app.get(
    '/draws/:id/proof',
    {
      config: { access: 'draw.proof' },
      schema: {
        summary: 'The proof of a disclosed draw, to verify offline (docs/draw-proof.md)',
        tags: ['draws'],
        params: DrawParams,
        response: { 200: z.object({ drawId: z.string(), commit: ProofPart, result: ProofPart, reveal: ProofPart }), ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      const p = await draws.proof(request.params.id);
      return { drawId: p.drawId, commit: { ...p.commit, inclusion: { ...p.commit.inclusion } }, result: { ...p.result, inclusion: { ...p.result.inclusion } }, reveal: { ...p.reveal, inclusion: { ...p.reveal.inclusion } } };
    },
  );

  app.get('/draws/:id', { config: { access: 'draw.read' }, schema: { summary: 'Draw status', tags: ['draws'], params: DrawParams, response: { 200: DrawView, ...errorResponses(404) } } }, async (request) => {
    const draw = await draws.get(request.params.id);
    return { ...drawView(draw), calls: await roster.summary(draw.drawId) };
  });
};
export default routes;
