// Per-client rate limit: by the verified token's holder (role, site, subject), else by address — never by an unverified
// header, so random bearer values do not buy a fresh allowance each. Answers 429 RATE_LIMITED.
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { msg } from '../../i18n/message.js';
import { claimsOf } from '../app/access.js';

export default fp(
  async (app) => {
    await app.register(rateLimit, {
      global: true,
      max: app.ctx.config.EXPERT_DRAW_RATE_LIMIT,
      timeWindow: 60_000,
      keyGenerator: (req) => {
        const who = claimsOf(req);
        return who ? `id:${JSON.stringify([who.role, who.site ?? null, who.sub])}` : `ip:${req.ip}`;
      },
      errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', msg('http.rateLimited', { max: ctx.max, seconds: Math.ceil(ctx.ttl / 1000) })),
    });
  },
  { name: 'rate-limit', fastify: '5.x', dependencies: ['context'] },
);
