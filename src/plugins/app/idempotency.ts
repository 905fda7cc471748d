// Idempotency-Key on every POST of the API: a repeated request with the same key, by the same holder (role, site and
// subject) on the same route, gets the first answer again instead of acting twice; the same key on a different request
// is refused. Answers are kept sealed (they may name an expert at check-in). A lease per key stops two copies of a
// request from running at once. The expert's answer page opts out: a browser's form, answered with a redirect.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onResponseHookHandler, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { jcs } from '../../crypto/canonical.js';
import type { PersonalDataVault } from '../../crypto/personal-data.js';
import { AppError } from '../../errors.js';
import { msg } from '../../i18n/message.js';
import { schemaMessage } from '../../i18n/zod-issues.js';
import { answerContext, savedAnswers } from '../../records/idempotency.js';
import { declareCodes } from '../../schemas/common.js';
import type { RecordWrite } from '../../store/store.js';
import { claimsOf } from './access.js';
import { hookList } from './route-hooks.js';

const KEY_PATTERN = /^[\x21-\x7e]{8,128}$/;
/** How long a request may run while holding its key; a crashed holder frees it after this. */
const LEASE_MS = 60_000;

/** Every POST route's header schema (added by this plugin to routes that declare none), so the OpenAPI names it. */
const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(KEY_PATTERN, schemaMessage('idempotencyKey'))
    .optional()
    .describe('8–128 visible ASCII characters. Repeat the request with the same key to get the same answer; the action happens once'),
});

interface Pending {
  readonly slot: string;
  readonly fingerprint: string;
  /** Set once a service has put the answer in its own transaction: the reply then does not write it again. */
  savedWithAction?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Pending;
  }
  interface FastifyContextConfig {
    /**
     * false: the route takes no Idempotency-Key: a page's form, whose repeat shows the page as it is now; the session
     * routes, whose answers are credentials (a saved answer would keep tokens at rest, and replaying a refresh would
     * hand a copied refresh token the new one).
     */
    idempotency?: false;
  }
}

/**
 * The record a service writes in the same transaction as its action (so a crash cannot lose the answer); the reply
 * then writes nothing more.
 */
export function idempotencyWrite(vault: PersonalDataVault, pending: Pending, status: number, body: string): RecordWrite {
  pending.savedWithAction = true;
  return savedAnswers.writeAt(pending.slot, { fingerprint: pending.fingerprint, status, body: vault.sealBytes(answerContext(pending.slot), Buffer.from(body, 'utf8')) });
}

/**
 * The key's scope: who holds the token (role, site, subject; anonymous on public routes) and which route. Two holders
 * with the same subject text — a centre desk and a site's desk — never share a saved answer.
 */
function slotOf(request: FastifyRequest, key: string): string {
  const who = claimsOf(request);
  const scope = [who?.role ?? 'anonymous', who?.site ?? null, who?.sub ?? null, request.method, request.routeOptions.url ?? '', key];
  return createHash('sha256').update(JSON.stringify(scope)).digest('hex');
}

function fingerprintOf(request: FastifyRequest): string {
  const body = request.body;
  const h = createHash('sha256').update(`${request.method} ${request.url}\n${request.headers['content-type'] ?? ''}\n`);
  if (Buffer.isBuffer(body)) h.update(body);
  else if (body !== undefined && body !== null) h.update(jcs(body));
  return h.digest('hex');
}

export default fp(
  async (app: FastifyInstance) => {
    const { store, vault } = app.ctx;
    const leases = new Map<string, string>();

    // After authentication, validation and authorization (the access plugin's owner check comes first on each route):
    // only a well-formed, allowed request may take a key.
    const takeKey: preHandlerAsyncHookHandler = async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (key === undefined) return;
      if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw new AppError('INVALID_INPUT', msg('http.idempotencyKey'));
      const pending: Pending = { slot: slotOf(request, key), fingerprint: fingerprintOf(request) };
      const replay = async (): Promise<boolean> => {
        const saved = (await savedAnswers.read(store, pending.slot))?.value;
        if (!saved) return false;
        if (saved.fingerprint !== pending.fingerprint) throw new AppError('IDEMPOTENCY_CONFLICT', msg('http.idempotencyReused'));
        const body = vault.openBytes(answerContext(pending.slot), saved.body).toString('utf8');
        await reply.status(saved.status).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(body);
        return true;
      };
      if (await replay()) return reply;
      if (!(await store.claimLease(`${savedAnswers.collection}:${pending.slot}`, request.id, LEASE_MS))) {
        throw new AppError('CONFLICT', msg('http.idempotencyPending'));
      }
      leases.set(request.id, pending.slot);
      // The first copy may have finished between the read and the claim.
      if (await replay()) return reply;
      request.idempotency = pending;
    };

    // Only a route that takes keys saves an answer or holds a lease: its own onSend and onResponse hooks do, and
    // every other route (the reads) runs neither. Callbacks, not promises: a request without a key passes straight on.
    const saveAnswer: onSendHookHandler = (request, reply, payload, done) => {
      const pending = request.idempotency;
      // Written once: by the service with its action (the draw), or here.
      if (!pending || pending.savedWithAction || reply.statusCode >= 300 || typeof payload !== 'string') return done(null, payload);
      const write = idempotencyWrite(vault, pending, reply.statusCode, payload);
      store
        .putUnloggedRecord(write.collection, write.key, write.value!)
        .catch((err: unknown) => request.log.warn({ err: { message: (err as Error).message } }, 'idempotency record not saved'))
        .then(() => done(null, payload), (err: Error) => done(err));
    };
    const releaseKey: onResponseHookHandler = (request, _reply, done) => {
      const slot = leases.get(request.id);
      if (slot === undefined) return done();
      leases.delete(request.id);
      store
        .releaseLease(`${savedAnswers.collection}:${slot}`, request.id)
        .catch(() => undefined)
        .then(() => done(), (err: Error) => done(err));
    };

    // Every POST route declares the header and the 409 it may answer with, and takes keys after its own checks.
    app.addHook('onRoute', (route) => {
      if (route.method !== 'POST' || !route.schema || route.config?.idempotency === false) return;
      route.schema.headers ??= IdempotencyHeaders;
      const response = route.schema.response as Record<number, unknown> | undefined;
      if (response) declareCodes(response, ['CONFLICT', 'IDEMPOTENCY_CONFLICT']);
      route.preHandler = [...hookList(route.preHandler), takeKey];
      route.onSend = [...hookList(route.onSend), saveAnswer];
      route.onResponse = [...hookList(route.onResponse), releaseKey];
    });
  },
  { name: 'idempotency', fastify: '5.x', dependencies: ['context', 'error-handler', 'access'] },
);
