// Bulk import of experts: UTF-8 (or declared GB18030/GBK) CSV (with or without BOM, English or Chinese headers) or
// JSON lines. Every bad row is reported with its line number; nothing is stored unless ?mode=valid asks for the valid
// rows alone. ?mode=upsert takes a revised pool file (known experts changed, new ones added, left-out ones retired on
// request), with a dry run.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PersonalField } from '../../domain/expert.js';
import { AppError } from '../../errors.js';
import { localize, msg } from '../../i18n/message.js';
import { schemaMessage } from '../../i18n/zod-issues.js';
import { detectFormat, IMPORT_ERROR_CODES, importCharset, listedErrors, parseImportInTurns, POOL_ROW_ERROR_CODES, type ImportErrorCode } from '../../pool/import-parser.js';
import { charsetOf } from '../../plugins/app/body-parsers.js';
import { answerLanguage } from '../../plugins/app/language.js';
import type { DocumentedBody } from '../../plugins/external/swagger.js';
import { errorResponses, LOG_WRITE_ERRORS } from '../../schemas/common.js';

const ImportErrorSchema = z.object({
  line: z.int().describe('1-based line of the file (for CSV, where the record starts)'),
  field: z.string().optional().describe('Field at fault'),
  code: z.enum(Object.keys({ ...IMPORT_ERROR_CODES, ...POOL_ROW_ERROR_CODES }) as [ImportErrorCode]).describe('Stable reason code'),
  message: z.string().describe('Reason; never the personal values themselves'),
});

const IMPORT_TYPES = ['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines'];
/** Imports may be much larger than ordinary requests: 100,000 rows of JSON lines are about 30 MB. */
const IMPORT_BODY_FACTOR = 32;

const routes: FastifyPluginAsyncZod = async (app) => {
  const bodyLimit = app.ctx.config.EXPERT_DRAW_BODY_LIMIT * IMPORT_BODY_FACTOR;
  // UTF-8, or GB18030 (GBK, GB2312) when declared: what Excel on a Chinese Windows saves. The parser checks the bytes
  // line by line, so that a bad line is reported with its number.
  app.addContentTypeParser(IMPORT_TYPES, { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
    if (importCharset(charsetOf(req.headers['content-type'])) === undefined) done(new AppError('UNSUPPORTED_MEDIA_TYPE', msg('pool.importCharset')), undefined);
    else done(null, body);
  });

  app.post(
    '/experts/import',
    {
      bodyLimit,
      config: { access: 'pool.write' },
      schema: {
        summary: 'Import experts from CSV or JSON lines',
        description:
          'Content-Type text/csv or application/x-ndjson. CSV columns (English or Chinese headers): id/专家编号, name/姓名, phone/手机, idNumber/身份证号, specialties/专业代码 (; separated), region/地区代码, employer/统一社会信用代码, status/状态, suspendedUntil/暂停至, unavailable/不可用日期. mode=all (default) stores nothing if any row is bad; mode=valid stores the valid rows.',
        tags: ['pool'],
        consumes: IMPORT_TYPES,
        documentedBody: {
          description:
            'The pool file, UTF-8, or GB18030/GBK when declared (charset=gb18030 or gbk: what Excel in Chinese saves). text/csv: a header line, then one expert per line. JSON lines (application/x-ndjson): one expert per line as `expert-draw pool generate --with-personal` writes it — id, specialties, region, employer, status, relations, and personal {name, phone, idNumber}. Bad rows are answered with their line numbers.',
          example: '{"id":"E0000001","specialties":["A01"],"region":"330106","employer":"91110105000000001Y","status":"active","relations":[],"personal":{"name":"张伟","phone":"13800000001","idNumber":"11010519491231002X"}}',
        } satisfies DocumentedBody,
        querystring: z.object({
          mode: z.enum(['all', 'valid', 'upsert']).default('all').describe('all: nothing unless every row is valid; valid: store the valid rows; upsert: a revised pool file — add new experts, change known ones where the file differs (nothing unless every row is valid)'),
          dryRun: z.enum(['true', 'false']).default('false').describe('upsert only: answer what the file would add, change, leave and retire, and store nothing'),
          retireMissing: z.enum(['true', 'false']).default('false').describe('upsert only: retire the experts of the pool that the file leaves out (an exit for good; a blacklisting stays)'),
          retireCount: z
            .string()
            .regex(/^\d{1,7}$/)
            .transform(Number)
            .optional()
            .describe('With retireMissing=true (not a dry run): how many experts the import retires, as its dry run listed (`upsert.missing`). Required when it retires any, with poolVersion; refused with 409 IMPORT_RETIRE_UNCONFIRMED when the file would retire another number'),
          poolVersion: z
            .string()
            .regex(/^\d{1,9}$/)
            .transform(Number)
            .optional()
            .describe('With retireCount: the pool version the dry run answered. An import that retires is refused (409 IMPORT_RETIRE_UNCONFIRMED) once the pool has moved since, since the same count could then be other experts'),
          admission: z
            .enum(['admitted', 'applied'])
            .default('admitted')
            .describe('mode all or valid: admitted (default: the file is the centre’s reviewed register) adds the experts to the pool; applied files them as applications a pool manager admits one by one (docs/admission.md)'),
        })
        .refine((q) => !(q.mode === 'upsert' && q.admission === 'applied'), { message: schemaMessage('appliedNotUpsert'), path: ['admission'] })
        // A dry run asked outside upsert would store the file: refused, never ignored.
        .refine((q) => q.mode === 'upsert' || (q.dryRun === 'false' && q.retireMissing === 'false' && q.retireCount === undefined && q.poolVersion === undefined), { message: schemaMessage('upsertOnly'), path: ['mode'] })
        // The confirmation goes with the retiring import it confirms: never ignored.
        .refine((q) => (q.retireCount === undefined && q.poolVersion === undefined) || (q.retireMissing === 'true' && q.dryRun === 'false'), { message: schemaMessage('retireConfirmOnly'), path: ['retireCount'] }),
        response: {
          200: z.object({
            imported: z.int().describe('Experts stored (upsert: added and changed, not the held changes; 0 in a dry run, whose lists say what it would store)'),
            errors: z.array(ImportErrorSchema).describe('The bad rows (mode=valid: these were skipped), the first 1,000 by line'),
            errorCount: z.int().describe('How many errors there are in all (errors lists the first 1,000)'),
            poolVersion: z.int().describe('Pool version after the import'),
            upsert: z
              .object({
                dryRun: z.boolean().describe('Nothing was stored: this is what the file would do'),
                added: z.array(z.string()).describe('Ids of the experts the file adds'),
                changed: z.array(z.object({ id: z.string().describe('Expert id'), changes: z.array(z.string()).describe('Pool attributes that differ (applied)') })).describe('Experts whose pool attributes the file changes'),
                held: z
                  .array(z.object({ id: z.string().describe('Expert id'), fields: z.array(PersonalField).describe('Which personal data differ (never their values)') }))
                  .describe('Known experts whose name, phone or ID number the file changes: not applied, held until another pool manager or a supervisor approves (GET /v1/personal-changes)'),
                unchanged: z.int().describe('Experts in the file exactly as the pool holds them'),
                missing: z.array(z.string()).describe('Experts of the pool (not retired) that the file leaves out'),
                retired: z.boolean().describe('Whether those were retired by this import (retireMissing=true)'),
              })
              .optional()
              .describe('mode=upsert only: the comparison of the file with the pool'),
          }),
          ...errorResponses('CONFLICT', 'IMPORT_REJECTED', 'IMPORT_RETIRE_UNCONFIRMED', 'RATE_LIMITED', ...LOG_WRITE_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const raw = request.body as unknown;
      if (!Buffer.isBuffer(raw)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', msg('pool.importTypes', { types: IMPORT_TYPES }));
      const format = detectFormat(request.headers['content-type'], raw.subarray(0, 4096));
      if (!format) throw new AppError('UNSUPPORTED_MEDIA_TYPE', msg('pool.importFormat'));
      const parsed = await parseImportInTurns(raw, format, { charset: importCharset(charsetOf(request.headers['content-type'])) ?? 'utf-8' });
      const { mode, dryRun, retireMissing, retireCount, poolVersion, admission } = request.query;
      if (admission === 'applied' && mode !== 'upsert') {
        const report = await app.ctx.lifecycle.importApplications(parsed.rows, parsed.errors, mode, request.principal, app.ctx.idMatches.spender(request.principal, 'applications'));
        return localize({ imported: report.imported, ...listedErrors(report.errors), poolVersion: app.ctx.pool.poolVersion }, answerLanguage(request, reply));
      }
      if (mode === 'upsert') {
        const r = await app.ctx.pool.upsert(parsed.rows, parsed.errors, { dryRun: dryRun === 'true', retireMissing: retireMissing === 'true', ...(retireCount === undefined ? {} : { retireCount }), ...(poolVersion === undefined ? {} : { poolVersion }) }, request.principal, app.ctx.idMatches.spender(request.principal, 'upsert'));
        // A bad row refuses the whole file (IMPORT_REJECTED), so an answer has none.
        const upsert = { dryRun: r.dryRun, added: [...r.added], changed: r.changed.map((c) => ({ id: c.id, changes: [...c.changes] })), held: r.held.map((c) => ({ id: c.id, fields: [...c.fields] })), unchanged: r.unchanged, missing: [...r.missing], retired: r.retired };
        return { imported: r.imported, errors: [], errorCount: 0, poolVersion: r.poolVersion, upsert };
      }
      const report = await app.ctx.pool.import(parsed.rows, parsed.errors, mode, request.principal, app.ctx.idMatches.spender(request.principal, 'import'));
      // Each bad row's reason in the language asked for (mode=valid answers 200 with them).
      return localize({ ...report, ...listedErrors(report.errors) }, answerLanguage(request, reply));
    },
  );
};
export default routes;
