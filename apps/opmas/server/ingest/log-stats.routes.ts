import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { LogStatsQuery, LogStatsView } from './log-stats.schema.ts';
import { logStatsReport } from './log-stats.service.ts';

/** `GET /api/v1/logs/stats` (spec 02-opmas "API"): per-minute `log_stats` summed over a range of at most 31 days. */
export const logStatsRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  app.get(
    '/api/v1/logs/stats',
    {
      schema: {
        tags: ['opmas logs'],
        summary: 'Message counts per device, domain or severity',
        querystring: LogStatsQuery,
        response: { 200: LogStatsView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.logsRead);
      return logStatsReport(kernel.db.orm, request.query);
    },
  );
};
