import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** OpenAPI at /docs/json and the browsable UI at /docs, generated from every route's schemas. */
async function docs(app: FastifyInstance, options: { title: string; version: string }) {
  // API documentation is public, like the spec it describes; it lists routes, never data.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) route.config = { ...route.config, public: true };
  });
  await app.register(swagger, {
    openapi: {
      info: { title: options.title, version: options.version },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'platform_session' },
          apiToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiToken: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
}

export const docsPlugin = fp(docs, { name: 'platform-docs' });
