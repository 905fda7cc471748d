// OpenAPI document from the routes' zod schemas, served at /docs (UI) and /docs/json.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * A request body a route parses itself (the pool import's CSV or JSON lines): not validated by a schema, so the route
 * names it under `documentedBody` and the document shows it as the body of each type the route `consumes`.
 */
export interface DocumentedBody {
  readonly description: string;
  readonly example?: string;
}

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'expert-draw',
          description: 'Auditable, sealed random draws of bid-evaluation experts (评标专家随机抽取).',
          version: '0.1.0',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        security: [{ bearer: [] }],
      },
      transform: (input) => {
        const out = jsonSchemaTransform(input);
        const { documentedBody, ...schema } = out.schema as { documentedBody?: DocumentedBody };
        return documentedBody ? { ...out, schema: { ...schema, body: { type: 'string', ...documentedBody } } } : out;
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger', fastify: '5.x' },
);
