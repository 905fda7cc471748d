// Check-in at the venue (签到): the terminal sends the ID number of the person at the desk and learns that one
// expert's assignment, or why they may not evaluate. A site-scoped terminal checks in only its own site's projects.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ProjectId, ResidentId } from '../../domain/primitives.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

const Assignment = z
  .object({
    expertId: z.string().describe('Expert id'),
    name: z.string().describe('Name, for the desk to compare with the ID card'),
    specialty: z.string().describe('Group the expert evaluates in'),
    group: z.int().describe('Group index, in request order'),
    seat: z.int().describe('Seat within the group'),
    venue: z.string().nullable().describe('Evaluation venue'),
    bidOpeningAt: z.string().describe('Bid opening time of the project'),
  })
  .describe('One expert’s assignment: the only identity a check-in reveals');

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/checkins',
    {
      config: { access: 'checkin' },
      schema: {
        summary: 'Check an expert in by ID number',
        description: 'Unmatched or repeated ID numbers are logged; a terminal that sends too many unmatched numbers is refused for a while (429). A terminal token that names a site checks in only that site’s projects; one without a site only the centre’s.',
        tags: ['check-in'],
        body: z.object({ projectId: ProjectId, idNumber: z
            .string()
            .max(64)
            // A card reader or a clerk may write the check character x in lower case (the pool holds it as X), and a
            // reader may pad the number with spaces or end it with a line break.
            .transform((s) => s.trim().toUpperCase())
            .pipe(ResidentId)
            .describe('Resident ID number read from the card (a final x may be in either case; spaces around it are ignored)') }).strict(),
        response: { 200: Assignment, ...errorResponses(404, 'CONFLICT', 'CHECKIN_REFUSED', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => app.ctx.roster.checkIn(request.body.projectId, request.body.idNumber, request.principal),
  );
};
export default routes;
