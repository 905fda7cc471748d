// Draws: the listing, and a draw's life after its result, by draw id: status, the two-person unseal and the opened
// panel, disclosure and its proof for inspectors, and a remote site's copy of its sealed result. No answer names an
// expert before the unseal.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SEALED_EXPORT_FORMAT } from '../../crypto/sealing.js';
import { DrawId } from '../../domain/primitives.js';
import { AppError } from '../../errors.js';
import { msg } from '../../i18n/message.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';
import { DrawView, drawView, failureIn } from '../../schemas/draw.js';
import { answerLanguage } from '../../plugins/app/language.js';
import { checkRange, CursorParam, Limit, Next, pageAnswer, SiteFilter, StateList, TimeRange } from '../../schemas/listing.js';
import { DRAW_STATES } from '../../records/draws.js';
import type { DrawProofPart } from '../../services/disclosure.service.js';
import { progressForSite, seatsByState } from '../../roster/roster.js';

const WrappedKeyView = z.object({
  alg: z.string().describe('Key wrapping algorithm'),
  recipient: z.string().describe('Whose key the data key is wrapped to'),
  ephemeral: z.string().optional().describe('Ephemeral public key (X25519 recipients)'),
  wrapped: z.string().describe('The wrapped data key, base64'),
});
const ProofPart = z.object({
  index: z.int().describe('Log index'),
  entry: z.string().describe('The entry’s exact bytes (RFC 8785 JSON)'),
  inclusion: z
    .object({
      index: z.int().describe('Leaf index'),
      leafHash: z.string().describe('RFC 9162 leaf hash of the entry, hex'),
      checkpoint: z.string().describe('Signed checkpoint (C2SP signed note)'),
      treeSize: z.int().describe('Tree size of the checkpoint'),
      hashes: z.array(z.string()).describe('Inclusion path, hex, leaf to root (RFC 9162 §2.1.3)'),
    })
    .describe('Inclusion proof against the checkpoint'),
});
const SealedExportView = z
  .object({
    format: z.literal(SEALED_EXPORT_FORMAT).describe('Format of this file'),
    drawId: z.string().describe('The draw'),
    projectId: z.string().describe('Its project'),
    recipient: z.string().describe('The site this file is for'),
    resultHash: z.string().optional().describe('The draw.result entry’s commitment; `expert-draw open` checks it'),
    resultIndex: z.int().optional().describe('Log index of the draw.result entry'),
    result: ProofPart.optional().describe('The draw.result entry with its inclusion proof to a signed checkpoint: `expert-draw open --verifier-key log-signer.vkey` checks the file against it'),
    box: z.object({ alg: z.string().describe('Content cipher (AES-256-GCM)'), ciphertext: z.string().describe('Sealed content, base64'), keys: z.array(WrappedKeyView).describe('The data key, wrapped to each recipient') }).describe('AES-256-GCM box; the data key wrapped to each recipient'),
  })
  .describe('Open offline: expert-draw open --key site-key.pem sealed.json');

const routes: FastifyPluginAsyncZod = async (app) => {
  const { projects, draws, disclosure, roster, listings } = app.ctx;
  const DrawParams = z.object({ id: DrawId });
  app.get(
    '/draws',
    {
      config: { access: 'draw.read', list: true },
      schema: {
        summary: 'List draws by the time they ran',
        description: 'Sorted by `createdAt` (the commit, or the failure before one), then draw id. Filters: `state`, `from` ≤ `createdAt` < `to`, `site`. Pages follow `next`. Counts, indices and commitments only, as for one draw; the calls’ states are on the draw itself.',
        tags: ['draws'],
        querystring: z
          .object({ state: StateList(DRAW_STATES), ...TimeRange, site: SiteFilter, limit: Limit, cursor: CursorParam('draws') })
          .strict()
          .superRefine(checkRange),
        response: { 200: z.object({ items: z.array(DrawView).describe('This page of draws'), next: Next }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { state, cursor, ...q } = request.query;
      const page = await listings.listDraws({ ...q, states: state, after: cursor ?? null }, request.reach);
      const unsealOf = new Map((await roster.unsealViews(page.items.map((d) => d.drawId))).map((u, i) => [page.items[i]!.drawId, u]));
      const lang = answerLanguage(request, reply);
      return pageAnswer('draws', page, (d) => ({ ...d, groups: [...d.groups], failure: failureIn(d.failure, lang), unseal: unsealOf.get(d.drawId)! }));
    },
  );

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
            approvals: z
              .array(z.object({ by: z.string().describe('User id of the approver'), role: z.string().describe('operator or supervisor'), at: z.string().describe('When, ISO 8601') }))
              .describe('Approvals given so far, within the approval window'),
          }),
          ...errorResponses(404, 'CONFLICT', 'SEALED', ...LOG_WRITE_ERRORS),
        },
      },
    },
    async (request) => {
      const draw = await draws.get(request.params.id);
      const { record } = await projects.get(draw.projectId);
      if (draw.state !== 'drawn') throw new AppError('CONFLICT', msg('draw.wrongState', { id: draw.drawId, state: msg(`drawState.${draw.state}`) }));
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
            drawId: z.string().describe('The draw'),
            seats: z
              .array(
                z.object({
                  group: z.int().describe('Group index, in request order'),
                  specialty: z.string().describe('Specialty code of the group'),
                  seat: z.int().describe('Seat within the group'),
                  rank: z.int().describe('Rank in the group’s draw order of the expert holding the seat (beyond count: an alternate promoted)'),
                  expertId: z.string().describe('Expert id'),
                  name: z.string().describe('Expert name'),
                  state: z.string().describe('The seat’s call: calling, accepted, checked-in, …'),
                }),
              )
              .describe('Every seat with the expert holding it now'),
          }),
          ...errorResponses(404, 'SEALED'),
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
        response: { 200: DrawView, ...errorResponses(404, 'CONFLICT', 'SEALED', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request, reply) => drawView(await disclosure.disclose(request.params.id, request.principal), answerLanguage(request, reply)),
  );

  app.get(
    '/draws/:id/proof',
    {
      config: { access: 'draw.proof' },
      schema: {
        summary: 'The proof of a disclosed draw, to verify offline (docs/draw-proof.md)',
        tags: ['draws'],
        params: DrawParams,
        response: { 200: z.object({ drawId: z.string().describe('The draw'), commit: ProofPart.describe('The draw.commit entry'), result: ProofPart.describe('The draw.result entry'), reveal: ProofPart.describe('The draw.reveal entry'), abandoned: z.array(z.object({ commit: ProofPart.describe('Its draw.commit entry'), end: ProofPart.describe('Its draw.failed or draw.aborted entry, which reveals its nonce'), lines: ProofPart.optional().describe('Its draw.lines entry: the lines it read, where its commit bound other inputs than this draw’s (§11); absent otherwise') })).optional().describe('The project’s earlier draws that ended after their commit, oldest first (docs/draw-proof.md §11); absent when there were none'), planned: z.object({ plan: ProofPart.describe('The draw.planned entry, logged at scheduling'), deposits: z.array(ProofPart).describe('The witness.deposited entries the commit took, in log order') }).optional().describe('A planned (witnessed) draw: its plan and the deposits its commit took (docs/draw-proof.md §6.2); absent otherwise') }), ...errorResponses(404, 'CONFLICT', 'SEALED') },
      },
    },
    async (request) => {
      const p = await disclosure.proof(request.params.id);
      const part = (x: DrawProofPart) => ({ ...x, inclusion: { ...x.inclusion, hashes: [...x.inclusion.hashes] } });
      return { drawId: p.drawId, commit: part(p.commit), result: part(p.result), reveal: part(p.reveal), ...(p.abandoned ? { abandoned: p.abandoned.map((a) => ({ commit: part(a.commit), end: part(a.end), ...(a.lines ? { lines: part(a.lines) } : {}) })) } : {}), ...(p.planned ? { planned: { plan: part(p.planned.plan), deposits: p.planned.deposits.map(part) } } : {}) };
    },
  );

  app.get('/draws/:id', { config: { access: 'draw.read' }, schema: { summary: 'Draw status', tags: ['draws'], params: DrawParams, response: { 200: DrawView, ...errorResponses(404) } } }, async (request, reply) => {
    const draw = await draws.get(request.params.id);
    const [progress, [unseal]] = await Promise.all([roster.progress(draw.drawId), roster.unsealViews([draw.drawId])]);
    // A site is not told which of its experts sit on other panels that day (progressForSite).
    const callsByGroup = progress && (request.principal.site === undefined ? progress : progressForSite(progress));
    return { ...drawView(draw, answerLanguage(request, reply)), calls: callsByGroup && seatsByState(callsByGroup), callsByGroup, unseal: unseal! };
  });

  app.get(
    '/draws/:id/sealed',
    {
      config: { access: 'draw.export' },
      schema: {
        summary: 'The sealed result of the site’s own draw, to open offline with the site key',
        description: 'Every download is a log entry. Only the site’s private key opens the box, and the centre’s log verifier key checks it against the logged result: `expert-draw open --key site-key.pem --verifier-key log-signer.vkey sealed.json`.',
        tags: ['sites'],
        params: z.object({ id: DrawId }),
        response: { 200: SealedExportView, ...errorResponses(404, 'CONFLICT', 'FORBIDDEN') },
      },
    },
    async (request) => {
      const file = await disclosure.sealedExport(request.params.id, request.principal);
      return { ...file, box: { ...file.box, keys: [...file.box.keys] } };
    },
  );
};
export default routes;
