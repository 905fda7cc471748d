// Security headers. The API serves JSON; the docs page needs its own scripts and styles, nothing else does.
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

export default fp(
  async (app) => {
    await app.register(helmet, { global: true, contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'style-src': ["'self'", 'https:', "'unsafe-inline'"] } } });
  },
  { name: 'helmet', fastify: '5.x' },
);
