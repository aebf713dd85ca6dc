import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { opmasMetricsOf } from '../opmas.metrics.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { summarizeMetrics } from './metrics-summary.ts';
import { ControlRequest, ControlResult, MetricsSummary, SystemHealth, SystemStatus } from './system.schema.ts';
import { runControl } from './system-control.ts';
import { checkHealth } from './system-health.ts';
import { systemStatus } from './system-status.ts';

const tags = ['opmas system'];

/** `GET /system/health|status|metrics` and `POST /system/control` (spec 02-opmas "API"). */
export const systemRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  app.get(
    '/api/v1/system/health',
    { schema: { tags, summary: 'Component health', response: { 200: SystemHealth, ...errorResponses } } },
    async (request) => {
      request.authorize(PERMISSIONS.systemRead);
      return checkHealth(kernel);
    },
  );

  app.get(
    '/api/v1/system/status',
    {
      schema: { tags, summary: 'Version, role, mode and counters', response: { 200: SystemStatus, ...errorResponses } },
    },
    async (request) => {
      request.authorize(PERMISSIONS.systemRead);
      return systemStatus(kernel);
    },
  );

  app.get(
    '/api/v1/system/metrics',
    {
      schema: {
        tags,
        summary: 'JSON summary of the OPMAS Prometheus metrics',
        response: { 200: MetricsSummary, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.systemRead);
      opmasMetricsOf(kernel);
      return summarizeMetrics(await kernel.metrics.registry.getMetricsAsJSON());
    },
  );

  app.post(
    '/api/v1/system/control',
    {
      schema: {
        tags,
        summary: 'Pause or resume ingest or the orchestrator, reload rules (audited)',
        body: ControlRequest,
        response: { 200: ControlResult, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.systemWrite);
      return runControl(kernel, auditContextOf(request), request.body.action);
    },
  );
};
