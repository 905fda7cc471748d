// Health: under pressure (event loop delay, heap) and a check that pings the store and reads the log's integrity.
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import { withTimeout } from '../../services/readiness.js';

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
      healthCheck: async () => {
        await withTimeout(app.ctx.store.ping(), 2000);
        return true;
      },
    });
  },
  { name: 'health', fastify: '5.x', dependencies: ['context'] },
);
