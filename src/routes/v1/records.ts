// Performance records (docs/records.md): a seated expert's conduct entered after an evaluation (by draw and seat,
// since staff do not know names before the unseal), a draw's records by seat, and an expert's record over the draws
// disclosed so far. No answer names the expert of a draw that is not disclosed.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ObjectionId, RecordId } from '../../audit/entries.js';
import { recordsPolicy } from '../../domain/policy.js';
import { DrawId, ExpertId } from '../../domain/primitives.js';
import { negotiateLanguage } from '../../i18n/language.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';
import { ForeignSnapshotView } from '../../exchange/format.js';
import { CALL_OUTCOMES, CHECKIN_OUTCOMES, REPLACEMENTS } from '../../roster/performance.js';

const RecordView = z
  .object({
    index: z.int().describe('Log index of the record’s entry'),
    time: z.string().describe('When it was logged, ISO 8601'),
    kind: z.enum(['call', 'checkin', 'no-show', 'entered']).describe('A call’s outcome, a check-in, a no-show, or conduct entered by staff'),
    group: z.int().describe('Group index, in request order'),
    seat: z.int().describe('Seat within the group'),
    rank: z.int().describe('Rank in the group’s draw order of the expert the record is about'),
    outcome: z.enum([...CALL_OUTCOMES, ...CHECKIN_OUTCOMES]).optional().describe('Calls: accepted, declined or timeout; check-ins: on-time, late or refused'),
    seconds: z.int().optional().describe('Calls: seconds from the call to its answer or timeout'),
    minutesAfterOpening: z.int().optional().describe('Check-ins: whole minutes after bid opening (negative: before)'),
    codes: z.array(z.string()).optional().describe('Check-ins refused: the conflicts found'),
    replaced: z.enum(REPLACEMENTS).nullable().optional().describe('The seat passed to the next rank (promoted) or nobody was left (unfilled) because this call ended'),
    dueAt: z.string().optional().describe('No-shows: the time by which the expert had not checked in'),
    recordId: RecordId.optional(),
    code: z.string().nullable().optional().describe('Entered: the conduct code; null: a withdrawal of the record it corrects'),
    label: z.string().nullable().optional().describe('Entered: the code’s label in the answer’s language'),
    note: z.string().nullable().optional().describe('Entered: the note'),
    corrects: RecordId.nullable().optional().describe('Entered: the record this one corrects'),
    by: z.string().optional().describe('Entered: who entered it (token subject: a user id)'),
    role: z.string().optional().describe('Entered: their role'),
    standing: z.boolean().optional().describe('Entered: false once a later record corrects it or an objection withdraws it (and always for a withdrawal)'),
    withdrawnBy: ObjectionId.optional().describe('The upheld objection that withdrew this record: it counts no more'),
  })
  .describe('One performance record, by seat and rank; never the expert');

const Tally = z
  .object({
    calls: z.int().describe('Calls answered or not'),
    accepted: z.int().describe('Calls accepted'),
    declined: z.int().describe('Calls declined'),
    timedOut: z.int().describe('Calls not answered in time'),
    refused: z.int().describe('Refused at check-in for a conflict found then'),
    checkedIn: z.int().describe('Check-ins'),
    late: z.int().describe('Check-ins after the policy’s time'),
    noShows: z.int().describe('Accepted and never checked in'),
    replacementsCaused: z.int().describe('Seats passed on (or left unfilled) because this expert’s call ended'),
  })
  .describe('The automatic records in numbers');

const Conduct = z.object({ code: z.string().describe('Conduct code'), label: z.string().describe('Its label in the answer’s language') });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { performance, draws, pool } = app.ctx;
  const codes = recordsPolicy(app.ctx.projects.policy).conduct.map((c) => c.code) as [string, ...string[]];
  const Code = z.enum(codes).describe('A conduct code of the policy’s list');
  const Note = z.string().trim().max(500).describe('What happened, in a sentence or two');
  const DrawParams = z.object({ id: DrawId });

  app.post(
    '/draws/:id/records',
    {
      config: { access: 'record.enter' },
      schema: {
        summary: 'Record a seated expert’s conduct after an evaluation, or correct such a record',
        description:
          'By group and seat (the expert who accepted or checked in for it), after bid opening. A correction names the record it corrects and appends; nothing is overwritten. Logged with who entered it.',
        tags: ['records'],
        params: DrawParams,
        body: z.union([
          z.object({ group: z.int().min(0).max(99).describe('Group index'), seat: z.int().min(0).max(999).describe('Seat within the group'), code: Code, note: Note.optional() }).strict().describe('A new record'),
          z.object({ corrects: RecordId.describe('The record to correct (the latest of its corrections)'), code: Code.nullable().describe('The right code; null withdraws the record'), note: Note.min(1).describe('Why it is corrected') }).strict().describe('A correction'),
        ]),
        response: {
          201: z.object({ recordId: RecordId, index: z.int().describe('Log index of its entry') }).describe('The record, logged'),
          ...errorResponses(404, 'CONFLICT', ...LOG_WRITE_ERRORS),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await performance.enter(request.params.id, request.body, request.principal)),
  );

  app.get(
    '/draws/:id/records',
    {
      config: { access: 'record.read' },
      schema: {
        summary: 'A draw’s performance records, by seat',
        description: 'Automatic records (calls, check-ins, no-shows) and entered conduct, by seat and rank: never the expert.',
        tags: ['records'],
        params: DrawParams,
        response: {
          200: z.object({
            drawId: z.string().describe('The draw'),
            conduct: z.array(Conduct).describe('The conduct codes that may be entered'),
            seats: z.array(z.object({ group: z.int().describe('Group index'), seat: z.int().describe('Seat within the group'), records: z.array(RecordView).describe('In log order') })).describe('Seats with records'),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const lang = negotiateLanguage(request.headers['accept-language']);
      const draw = await draws.get(request.params.id);
      const bySeat = new Map<string, { group: number; seat: number; records: z.infer<typeof RecordView>[] }>();
      for (const r of await performance.ofDraw(draw.drawId, lang)) {
        const key = `${r.group}/${r.seat}`;
        const s = bySeat.get(key) ?? bySeat.set(key, { group: r.group, seat: r.seat, records: [] }).get(key)!;
        s.records.push(r);
      }
      const seats = [...bySeat.values()].sort((a, b) => a.group - b.group || a.seat - b.seat);
      return { drawId: draw.drawId, conduct: performance.conduct(lang), seats };
    },
  );

  app.get(
    '/experts/:id/record',
    {
      config: { access: 'record.expert' },
      schema: {
        summary: 'An expert’s performance record over the draws disclosed so far',
        description: 'Draws not yet disclosed are left out entirely (not even counted): their panels are still secret.',
        tags: ['records'],
        params: z.object({ id: ExpertId }),
        response: {
          200: z.object({
            expertId: z.string().describe('The expert'),
            tally: Tally,
            conduct: z.array(Conduct.extend({ count: z.int().describe('Records that stand') })).describe('Entered conduct that stands, by code'),
            draws: z.array(z.object({ drawId: z.string().describe('A disclosed draw'), projectId: z.string().describe('Its project'), records: z.array(RecordView).describe('This expert’s records there') })).describe('Disclosed draws with records about the expert'),
            foreign: z.array(ForeignSnapshotView).describe('Records other centres sent (docs/exchange.md), oldest first: kept apart, never in the counts above'),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const expert = pool.get(request.params.id);
      return { expertId: expert.id, ...(await performance.ofExpert(expert.id, negotiateLanguage(request.headers['accept-language']))), foreign: (await app.ctx.exchange.foreignOf(expert.id)).map((s) => ({ ...s, consequences: [...s.consequences] })) };
    },
  );

  app.post(
    '/experts/:id/record-link',
    {
      config: { access: 'record.link' },
      schema: {
        summary: 'Send the expert a link to their own record page',
        description:
          'A pool manager, logged in, has the service send the expert a message (the call channel, to the phone the pool holds) with a link `/m/{token}` to their own record page, where they see their records of disclosed draws, consequences and objections and can object themselves. The link works 48 hours and replaces any earlier one; at most five links a day go to one expert (429 `RATE_LIMITED` says when the next can). The answer never holds the link: only the expert’s phone receives it. Logged (`record-link.sent`).',
        tags: ['records'],
        params: z.object({ id: ExpertId }),
        response: {
          202: z
            .object({
              expertId: z.string().describe('The expert'),
              messageId: z.string().describe('The message that carries the link (delivery is logged under it)'),
              expiresAt: z.string().describe('When the link stops working, ISO 8601'),
            })
            .describe('The message is queued for delivery'),
          ...errorResponses(404, 'CONFLICT', 'RATE_LIMITED', ...LOG_WRITE_ERRORS),
        },
      },
    },
    async (request, reply) => reply.status(202).send(await app.ctx.recordLinks.send(request.params.id, request.principal)),
  );
};

export default routes;
