import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** The OpenAPI document at /docs/json and a browsable UI at /docs, generated from the zod schemas. */
export const docsPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Defuse API',
          version: '1.0.0',
          description: 'Escalation tracker for new-product field contacts',
        },
        components: {
          securitySchemes: {
            cookie: { type: 'apiKey', in: 'cookie', name: 'defuse_session' },
            bearer: { type: 'http', scheme: 'bearer' },
          },
        },
        security: [{ cookie: [] }, { bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  },
  { name: 'docs' },
);
