import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from './metrics.ts';

/** HTTP durations labelled by route template (not raw URL), so label cardinality stays bounded. */
async function requestMetrics(app: FastifyInstance, options: { metrics: Metrics }) {
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

export const requestMetricsPlugin = fp(requestMetrics, { name: 'platform-request-metrics' });
