// The one error handler on a bare Fastify instance: a lost optimistic check that no service translated answers 409
// CONFLICT (never 500), without naming the record.
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../src/errors.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import errorHandler from '../../src/plugins/app/error-handler.js';
import { RecordConflictError } from '../../src/store/store.js';
import { errorResponses } from '../../src/schemas/common.js';

// The handler's log lines, kept to read them back.
const lines: string[] = [];
const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } } });

beforeAll(async () => {
  await app.register(errorHandler);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.get('/conflict', async () => {
    throw new RecordConflictError('id-hashes', '3f1c0ffee');
  });
  // Declares a 409 of one code and answers with another: a declaration that is incomplete.
  app.get('/sealed', { schema: { response: { 200: z.object({ ok: z.boolean() }), ...errorResponses(404, 'CONFLICT') } } }, async () => {
    throw new AppError('SEALED');
  });
  // What the load guard throws while the event loop lags (@fastify/under-pressure): a 503 with its own code.
  app.get('/shed', async () => {
    throw Object.assign(new Error('Service Unavailable'), { statusCode: 503, code: 'FST_UNDER_PRESSURE' });
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

describe('error handler', () => {
  it('maps a RecordConflictError that escaped every service to 409 CONFLICT, without the record\'s key', async () => {
    for (const [language, text] of [[undefined, /已被修改/], ['en', /changed meanwhile/]] as const) {
      const res = await app.inject({ method: 'GET', url: '/conflict', headers: language ? { 'accept-language': language } : {} });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('CONFLICT');
      expect(res.json().error.message).toMatch(text);
      expect(res.body).not.toContain('3f1c0ffee');
      expect(res.body).not.toContain('id-hashes');
    }
  });

  it('answers a code its route does not declare as it is (never a 500), and records the route and code for the tests', async () => {
    expect(app.undeclaredErrors.size).toBe(0);
    const res = await app.inject({ method: 'GET', url: '/sealed' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('SEALED');
    expect([...app.undeclaredErrors]).toEqual(['GET /sealed 409 SEALED']);
    app.undeclaredErrors.clear();
    // A code the route declares is not recorded.
    await app.inject({ method: 'GET', url: '/conflict' });
    expect(app.undeclaredErrors.size).toBe(0);
  });

  it('answers a shed request 503 STORE_UNAVAILABLE and says so in the service log', async () => {
    const res = await app.inject({ method: 'GET', url: '/shed', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('STORE_UNAVAILABLE');
    expect(lines.map((l) => JSON.parse(l) as { msg: string; shed?: string }).find((l) => l.shed === 'FST_UNDER_PRESSURE')?.msg).toMatch(/request shed/);
  });
});
