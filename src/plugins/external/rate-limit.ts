// Per-client rate limit: by token subject when authenticated, else by address. Answers 429 RATE_LIMITED.
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';

export default fp(
  async (app) => {
    await app.register(rateLimit, {
      global: true,
      max: app.ctx.config.EXPERT_DRAW_RATE_LIMIT,
      timeWindow: 60_000,
      keyGenerator: (req) => (req.headers.authorization ? `token:${req.headers.authorization.slice(-32)}` : `ip:${req.ip}`),
      errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', `too many requests: at most ${ctx.max} a minute; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
    });
  },
  { name: 'rate-limit', fastify: '5.x', dependencies: ['context'] },
);
