// The inspector's log API: signed checkpoints, inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) for any tree
// size the log holds, entries by range, and the entries about one project. What `expert-draw log watch` and
// `proof verify --kept` read; docs/inspectors.md says how to check it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProjectId } from '../../domain/primitives.js';
import { schemaMessage } from '../../i18n/zod-issues.js';
import { authOnlyErrorResponses, errorResponses } from '../../schemas/common.js';
import { MAX_ENTRIES_PER_PAGE, MAX_PAGE_BYTES } from '../../services/log-reader.js';

/** A size or an index in a query: decimal digits only (no sign, exponent, hex, spaces or leading zeros), as documented. */
const Size = (what: string) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, schemaMessage('decimal'))
    .transform(Number)
    .pipe(z.int().max(Number.MAX_SAFE_INTEGER))
    .describe(what);
const PageLimit = z.coerce.number().int().min(1).max(MAX_ENTRIES_PER_PAGE).default(100).describe(`Most entries in one answer (at most ${MAX_ENTRIES_PER_PAGE})`);
const Hash = z.string().describe('32 bytes, lower-case hex');
const Note = z.string().describe('C2SP signed note around a tlog-checkpoint body: origin, tree size, base64 root, then the log key’s signature');

const CheckpointView = z.object({ size: z.int().describe('Tree size: the entries it covers'), note: Note });
const EntryView = z.object({
  index: z.int().describe('Log index'),
  leafHash: Hash.describe('RFC 9162 leaf hash, SHA-256(0x00 ‖ entry), as the tree holds it'),
  entry: z.string().describe('The entry’s exact bytes: RFC 8785 canonical JSON of {payload, prev, time, type}'),
});
const EntryPageView = z.object({
  items: z.array(EntryView).describe('The entries, in log order'),
  next: z.int().nullable().describe('Where the next page starts (pass it as the start), or null when this page reached the end asked for'),
});
const PAGE_NOTE = `A page ends after ${MAX_ENTRIES_PER_PAGE} entries at most, and after the entry that takes it past ${MAX_PAGE_BYTES / 1024 / 1024} MiB (a disclosed draw's reveal carries every member line); \`next\` says where to go on.`;

const routes: FastifyPluginAsyncZod = async (app) => {
  const { logReader, projects } = app.ctx;

  app.get(
    '/log/checkpoint',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'The latest signed checkpoint',
        description: 'A log that has signed none yet (its first second) signs one now. Verify it against the pinned log verifier key (keys/log-signer.vkey), keep it, and ask for a consistency proof from the last one you kept. `expert-draw log watch` does all three.',
        tags: ['log'],
        response: { 200: CheckpointView, ...authOnlyErrorResponses(403, 503) },
      },
    },
    async () => logReader.latestCheckpoint(),
  );

  app.get(
    '/log/checkpoints',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'Signed checkpoints by tree size',
        description: 'Every checkpoint the log signed of tree size ≥ `from`, smallest first. Pages follow `next`.',
        tags: ['log'],
        querystring: z.object({
          from: Size('Smallest tree size to list').default(0),
          limit: z.coerce.number().int().min(1).max(MAX_ENTRIES_PER_PAGE).default(100).describe(`Page size (at most ${MAX_ENTRIES_PER_PAGE})`),
        }),
        response: { 200: z.object({ items: z.array(CheckpointView).describe('Signed checkpoints, by tree size'), next: z.int().nullable().describe('The `from` of the next page, or null after the last') }), ...errorResponses() },
      },
    },
    async (request) => {
      const { from, limit } = request.query;
      const items = await logReader.checkpoints(from, limit + 1);
      const page = items.slice(0, limit);
      return { items: page, next: items.length > limit ? items[limit]!.size : null };
    },
  );

  app.get(
    '/log/checkpoints/:size',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'The checkpoint signed for one tree size',
        tags: ['log'],
        params: z.object({ size: Size('Tree size') }),
        response: { 200: CheckpointView, ...errorResponses(404) },
      },
    },
    async (request) => logReader.checkpoint(request.params.size),
  );

  app.get(
    '/log/inclusion',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'Inclusion proof of one entry in the tree of a given size (RFC 9162 §2.1.3)',
        description: 'The audit path from entry `index` to the root of the tree of `treeSize` entries (default: the latest checkpoint’s size), leaf to root. `checkpoint` is the signed checkpoint of that size when the log signed one; verify with `verifyInclusion` (src/log/merkle.ts) or any RFC 9162 client.',
        tags: ['log'],
        querystring: z.object({ index: Size('Log index of the entry'), treeSize: Size('Tree size (default: the latest checkpoint’s)').optional() }),
        response: {
          200: z.object({
            index: z.int().describe('Log index of the entry proved'),
            treeSize: z.int().describe('Size of the tree the proof is to'),
            leafHash: Hash.describe('The entry’s leaf hash'),
            hashes: z.array(Hash).describe('The audit path, leaf to root'),
            checkpoint: Note.nullable(),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => logReader.inclusion(request.query.index, request.query.treeSize),
  );

  app.get(
    '/log/consistency',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4)',
        description: 'PROOF(from, D[to]): shows that the tree of `to` entries (default: the latest checkpoint’s size) extends the tree of `from` entries. Empty when `from` is 0 or equal to `to`. The signed checkpoints of both sizes come along when the log signed them.',
        tags: ['log'],
        querystring: z.object({ from: Size('The older tree size'), to: Size('The newer tree size (default: the latest checkpoint’s)').optional() }),
        response: {
          200: z.object({
            fromSize: z.int().describe('The older tree size'),
            toSize: z.int().describe('The newer tree size'),
            hashes: z.array(Hash).describe('The proof, in RFC 9162 order'),
            fromCheckpoint: Note.nullable(),
            toCheckpoint: Note.nullable(),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => logReader.consistency(request.query.from, request.query.to),
  );

  app.get(
    '/log/entries',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'Entries by index range',
        description: `Entries [start, end) as stored, with their leaf hashes (default end: the log's size). ${PAGE_NOTE} Entries never hold personal data; expert ids appear in pool entries and, for a draw, only in its reveal at disclosure.`,
        tags: ['log'],
        querystring: z.object({ start: Size('First index'), end: Size('Index after the last').optional(), limit: PageLimit }),
        response: { 200: EntryPageView, ...errorResponses(404) },
      },
    },
    async (request) => logReader.entries(request.query.start, request.query.end, request.query.limit),
  );

  app.get(
    '/log/projects/:id/entries',
    {
      config: { access: 'log.read' },
      schema: {
        summary: 'The entries about one project and its draws',
        description: `Registration, changes, every draw's commit, result, failure and reveal, calls and check-ins, in log order from index \`from\` on: an inspector sees how many draws a project had and checks each entry's inclusion. ${PAGE_NOTE}`,
        tags: ['log'],
        params: z.object({ id: ProjectId }),
        querystring: z.object({ from: Size('Smallest log index to include').default(0), limit: PageLimit }),
        response: { 200: EntryPageView.extend({ projectId: ProjectId }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { record } = await projects.get(request.params.id);
      const page = await logReader.projectEntries(record.project.id, request.query.from, request.query.limit);
      return { projectId: record.project.id, ...page };
    },
  );
};
export default routes;
