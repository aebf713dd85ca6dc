import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { ActivityFeed, ActivityQuery, DashboardStats } from './dashboard.schema.ts';
import { DashboardService } from './dashboard.service.ts';
import { SAMPLE_INTERVAL_MS } from './ingest-rates.ts';

const tags = ['opmas dashboard'];

/** `GET /api/v1/dashboard/stats` and `/dashboard/activity/recent` (spec 02-opmas "API"). */
export const dashboardRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const service = new DashboardService(kernel);
  const sampling = setInterval(() => service.rates.sample(), SAMPLE_INTERVAL_MS);
  sampling.unref();
  app.addHook('onClose', async () => clearInterval(sampling));

  app.get(
    '/api/v1/dashboard/stats',
    { schema: { tags, summary: 'Dashboard tiles', response: { 200: DashboardStats, ...errorResponses } } },
    async (request) => {
      request.authorize(PERMISSIONS.dashboardRead);
      return service.stats();
    },
  );

  app.get(
    '/api/v1/dashboard/activity/recent',
    {
      schema: {
        tags,
        summary: 'Recent findings, actions, decisions, registrations and rule changes, newest first',
        querystring: ActivityQuery,
        response: { 200: ActivityFeed, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.dashboardRead);
      return { items: await service.recentActivity(request.query.limit ?? 20) };
    },
  );
};
