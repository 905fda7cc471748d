// Health: under pressure (event loop delay, heap) and a check that pings the store and reads the log's integrity.
import underPressure from '@fastify/under-pressure';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { withTimeout } from '../../services/readiness.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Asked by the load shedding instead of answering 503: see NEVER_SHED. */
    pressureHandler?: (request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined) => Promise<void> | void;
  }
}

/**
 * Route config for an expert's answer and the page it comes back to: never shed under load. Each is one small write
 * that must land before the call's deadline, and a shed one is recorded against the expert as not answering (an outside
 * audit saw two experts so recorded on a loaded machine). Every other route still answers 503 while the loop lags.
 */
export const NEVER_SHED = { pressureHandler: () => undefined } as const;

export default fp(
  async (app) => {
    await app.register(underPressure, {
      // Load shedding: while the event loop lags this much, requests get 503 rather than queueing (0: off).
      maxEventLoopDelay: app.ctx.config.EXPERT_DRAW_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: 0,
      maxRssBytes: 0,
      exposeStatusRoute: false,
      healthCheckInterval: 5000,
      // A store that went away makes every route but the health routes answer 503 within a check or two: a Redis
      // client would otherwise queue the ping through its reconnects.
      // Asked twice before the store is called unreachable: a ping whose answer waited behind seconds of other work on
      // the event loop (a large pool import) is late, not lost, and the second one answers at once (an outside audit
      // saw every route answer 503 for five seconds after an import).
      healthCheck: async () => {
        await withTimeout(app.ctx.store.ping(), 2000).catch(() => withTimeout(app.ctx.store.ping(), 2000));
        return true;
      },
    });
  },
  { name: 'health', fastify: '5.x', dependencies: ['context'] },
);
