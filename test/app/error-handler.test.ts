// The one error handler on a bare Fastify instance: a lost optimistic check that no service translated answers 409
// CONFLICT (never 500), without naming the record.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import errorHandler from '../../src/plugins/app/error-handler.js';
import { RecordConflictError } from '../../src/store/store.js';

const app = Fastify();

beforeAll(async () => {
  await app.register(errorHandler);
  app.get('/conflict', async () => {
    throw new RecordConflictError('id-hashes', '3f1c0ffee');
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
});
