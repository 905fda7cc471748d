// Exchange of performance and credit records with other centres (docs/exchange.md): export this centre's signed
// document, import another centre's. Neither answer nor log names a person or an expert.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ExchangeDocument, ExchangeFile } from '../../exchange/format.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

/** A province's documents can be much larger than ordinary requests: 100,000 people are about 30 MB. */
export const EXCHANGE_BODY_FACTOR = 32;

const SignedFile = ExchangeFile.extend({ document: ExchangeDocument.describe('The exchange document: format, issuer, time, person key id, people') }).describe('An exchange document and its signature (docs/exchange.md)');

const routes: FastifyPluginAsyncZod = async (app) => {
  const { exchange } = app.ctx;

  app.post(
    '/exchange/export',
    {
      config: { access: 'exchange.export' },
      schema: {
        summary: 'Export this centre’s records of disclosed draws and consequences in force, signed',
        description: 'One entry per person (a keyed hash of the ID number shared by the province’s centres) with a record or a consequence; counts and conduct codes only. Logged with the document hash.',
        tags: ['exchange'],
        response: { 200: SignedFile, ...errorResponses('EXCHANGE_UNCONFIGURED', ...LOG_WRITE_ERRORS) },
      },
    },
    async (request) => exchange.export(request.principal),
  );

  app.post(
    '/exchange/import',
    {
      bodyLimit: app.ctx.config.EXPERT_DRAW_BODY_LIMIT * EXCHANGE_BODY_FACTOR,
      config: { access: 'exchange.import' },
      schema: {
        summary: 'Import another centre’s signed document',
        description: 'Checked against the pinned keys of EXPERT_DRAW_EXCHANGE_TRUSTED; stored as foreign records of the people of this pool and its pending applications, never mixed with this centre’s. A refused file stores and logs nothing.',
        tags: ['exchange'],
        body: ExchangeFile.describe('The file another centre exported, as it was exported'),
        response: {
          200: z.object({
            issuer: z.string().describe('The centre that signed it'),
            issuedAt: z.string().describe('When it issued the document'),
            documentHash: z.string().describe('SHA-256 of the signed message (both centres log it)'),
            experts: z.int().describe('People in the document'),
            matched: z.int().describe('Of them, people of this pool or its pending applications: the only ones stored'),
          }),
          ...errorResponses('CONFLICT', 'EXCHANGE_MALFORMED', 'EXCHANGE_UNTRUSTED_KEY', 'EXCHANGE_BAD_SIGNATURE', 'EXCHANGE_PERSON_KEY', 'EXCHANGE_UNCONFIGURED', ...LOG_WRITE_ERRORS),
        },
      },
    },
    async (request) => exchange.import(request.body, request.principal),
  );
};
export default routes;
