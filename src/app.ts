// The application as a plugin tree: external plugins → app decorators → routes. Tests build it and inject();
// src/server.ts runs it. Nothing here listens on a port or reads the environment.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import bodyParsers from './plugins/app/body-parsers.js';
import context, { type AppContext } from './plugins/app/context.js';
import errorHandler from './plugins/app/error-handler.js';
import { clientErrorHandler, frameworkErrors, MAX_PARAM_LENGTH } from './plugins/app/framework-errors.js';
import idempotency from './plugins/app/idempotency.js';
import rejections from './plugins/app/rejections.js';
import access from './plugins/app/access.js';
import health from './plugins/external/health.js';
import helmet from './plugins/external/helmet.js';
import jwt from './plugins/external/jwt.js';
import rateLimit from './plugins/external/rate-limit.js';
import swagger from './plugins/external/swagger.js';
import { OneLineRequestLog, requestLogSerializers } from './plugins/app/request-log.js';
import { serializerCompiler } from './plugins/app/response-serializer.js';
import healthRoutes from './routes/health.js';
import expertRoutes from './routes/v1/experts.js';
import importRoutes from './routes/v1/import.js';
import lifecycleRoutes from './routes/v1/lifecycle.js';
import exchangeRoutes from './routes/v1/exchange.js';
import organisationRoutes from './routes/v1/organisations.js';
import projectRoutes from './routes/v1/projects.js';
import drawRoutes from './routes/v1/draws.js';
import logRoutes from './routes/v1/log.js';
import fairnessRoutes from './routes/v1/fairness.js';
import alertRoutes from './routes/v1/alerts.js';
import sessionRoutes from './routes/v1/session.js';
import userRoutes from './routes/v1/users.js';
import checkinRoutes from './routes/v1/checkins.js';
import siteRoutes from './routes/v1/sites.js';
import recordRoutes from './routes/v1/records.js';
import objectionRoutes from './routes/v1/objections.js';
import personalChangeRoutes from './routes/v1/personal-changes.js';
import responseRoutes from './routes/v1/responses.js';
import answerRoutes, { answerAssets } from './routes/answer.js';
import recordPageRoutes from './routes/record-page.js';
import consoleRoutes from './routes/console.js';

export interface BuildOptions {
  /** pino options, or false for none (tests). */
  readonly logger?: boolean | Record<string, unknown>;
}

export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Request logs never carry a header or a credential in the path (src/plugins/app/request-log.ts).
    logger: options.logger ? { ...(options.logger === true ? {} : options.logger), serializers: requestLogSerializers } : false,
    // One line a request, written when it has been answered, instead of Fastify's two.
    logController: new OneLineRequestLog(),
    genReqId: () => randomUUID(),
    bodyLimit: ctx.config.EXPERT_DRAW_BODY_LIMIT,
    return503OnClosing: true,
    // Behind a TLS proxy every client would share the proxy's address (and its rate limit) unless the proxy is named.
    trustProxy: trustedProxies(ctx.config.EXPERT_DRAW_TRUST_PROXY),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // What fails before a route is found answers in the service's error shape too.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The hooks every answer passes through take a callback rather than return a promise: one microtask fewer each.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  // Tier 1: what every route relies on.
  await app.register(context, { context: ctx });
  await app.register(errorHandler);
  await app.register(rejections);
  await app.register(bodyParsers);
  // Tier 2: external concerns, one file each.
  await app.register(helmet);
  await app.register(jwt);
  await app.register(rateLimit);
  await app.register(health);
  // Tier 3: each route's access (after the rate limit), then its Idempotency-Key (after the access checks).
  await app.register(access);
  await app.register(idempotency);
  await app.register(swagger);
  // Tier 4: routes; each declares its action in the authorization policy.
  await app.register(healthRoutes);
  // The expert's answer page: the short link of the message, outside /v1 (docs/calls.md).
  await app.register(answerRoutes, { prefix: '/r' });
  await app.register(answerAssets);
  // The expert's own record page: the link a pool manager has sent them (docs/records.md).
  await app.register(recordPageRoutes, { prefix: '/m' });
  // The staff console at / (built into dist/console/): it calls only the public /v1 API below.
  await app.register(consoleRoutes, { timeZone: ctx.config.EXPERT_DRAW_TIME_ZONE });
  await app.register(sessionRoutes, { prefix: '/v1' });
  await app.register(userRoutes, { prefix: '/v1' });
  await app.register(expertRoutes, { prefix: '/v1' });
  await app.register(importRoutes, { prefix: '/v1' });
  await app.register(lifecycleRoutes, { prefix: '/v1' });
  await app.register(organisationRoutes, { prefix: '/v1' });
  await app.register(projectRoutes, { prefix: '/v1' });
  await app.register(drawRoutes, { prefix: '/v1' });
  await app.register(logRoutes, { prefix: '/v1' });
  await app.register(fairnessRoutes, { prefix: '/v1' });
  await app.register(responseRoutes, { prefix: '/v1' });
  await app.register(checkinRoutes, { prefix: '/v1' });
  await app.register(siteRoutes, { prefix: '/v1' });
  await app.register(recordRoutes, { prefix: '/v1' });
  await app.register(alertRoutes, { prefix: '/v1' });
  await app.register(objectionRoutes, { prefix: '/v1' });
  await app.register(personalChangeRoutes, { prefix: '/v1' });
  await app.register(exchangeRoutes, { prefix: '/v1' });
  return app;
}

/** A hop count trusts that many proxies nearest the service; a list trusts those addresses and ranges. */
function trustedProxies(setting: number | false | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
