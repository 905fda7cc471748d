// The application as a plugin tree: external plugins → app decorators → routes. Tests build it and inject();
// src/server.ts runs it. Nothing here listens on a port or reads the environment.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import bodyParsers from './plugins/app/body-parsers.js';
import context, { type AppContext } from './plugins/app/context.js';
import errorHandler from './plugins/app/error-handler.js';
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH } from './plugins/app/framework-errors.js';
import idempotency from './plugins/app/idempotency.js';
import health from './plugins/external/health.js';
import helmet from './plugins/external/helmet.js';
import jwt from './plugins/external/jwt.js';
import rateLimit from './plugins/external/rate-limit.js';
import swagger from './plugins/external/swagger.js';
import healthRoutes from './routes/health.js';
import expertRoutes from './routes/v1/experts.js';
import importRoutes from './routes/v1/import.js';
import organisationRoutes from './routes/v1/organisations.js';
import projectRoutes from './routes/v1/projects.js';
import sessionRoutes from './routes/v1/session.js';
import checkinRoutes from './routes/v1/checkins.js';
import siteRoutes from './routes/v1/sites.js';
import responseRoutes from './routes/v1/responses.js';

export interface BuildOptions {
  /** pino options, or false for none (tests). */
  readonly logger?: boolean | Record<string, unknown>;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => randomUUID(),
    bodyLimit: ctx.config.EXPERT_DRAW_BODY_LIMIT,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // What fails before a route is found answers in the service's error shape too.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Tier 1: what every route relies on.
  await app.register(context, { context: ctx });
  await app.register(errorHandler);
  await app.register(bodyParsers);
  await app.register(idempotency);
  // Tier 2: external concerns, one file each.
  await app.register(helmet);
  await app.register(rateLimit);
  await app.register(health);
  await app.register(swagger);
  await app.register(jwt);
  // Tier 3: routes; each folder declares its roles.
  await app.register(healthRoutes);
  await app.register(sessionRoutes, { prefix: '/v1' });
  await app.register(expertRoutes, { prefix: '/v1' });
  await app.register(importRoutes, { prefix: '/v1' });
  await app.register(organisationRoutes, { prefix: '/v1' });
  await app.register(projectRoutes, { prefix: '/v1' });
  await app.register(responseRoutes, { prefix: '/v1' });
  await app.register(checkinRoutes, { prefix: '/v1' });
  await app.register(siteRoutes, { prefix: '/v1' });
  return app;
}
