import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { Accepted, UiMetricsBody } from './system.schema.ts';
import { recordUiReport, uiMetricsOf } from './ui-metrics.ts';

/** spec 02-opmas "API": ui-metrics bodies are at most 4 KiB. */
const UI_METRICS_MAX_BYTES = 4096;
/** spec "Bad input and security": ui-metrics is rate-limited (per client address, like the auth routes). */
const UI_METRICS_RATE_LIMIT = { max: 120, timeWindow: '1 minute' };

/** `POST /api/v1/system/ui-metrics`: page load times and client errors from the OPMAS pages. */
export const uiMetricsRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  app.post(
    '/api/v1/system/ui-metrics',
    {
      bodyLimit: UI_METRICS_MAX_BYTES,
      config: { rateLimit: UI_METRICS_RATE_LIMIT },
      schema: {
        tags: ['opmas system'],
        summary: 'Report page load time and client errors',
        body: UiMetricsBody,
        response: { 202: Accepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      // Any signed-in OPMAS reader: every OPMAS role that sees pages holds dashboard:read.
      request.authorize(PERMISSIONS.dashboardRead);
      recordUiReport(uiMetricsOf(kernel), request.body);
      return reply.code(202).send({ accepted: true });
    },
  );
};
