import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { TelemetryRepository } from './telemetry.repository.ts';
import { TelemetryAccepted, TelemetryBody, TelemetryQuery } from './telemetry.schema.ts';
import { acceptedMetrics, pushTelemetry } from './telemetry.service.ts';

/** spec "API": a push is at most 1 MiB of Prometheus text. */
const MAX_BODY_BYTES = 1024 * 1024;

/** `POST /api/v1/telemetry?device=<slug>` (spec 02-opmas "API"). */
export const telemetryRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const accepted = acceptedMetrics(kernel.config.env);
  const repository = new TelemetryRepository(kernel.db.orm);
  app.post(
    '/api/v1/telemetry',
    {
      bodyLimit: MAX_BODY_BYTES,
      schema: {
        tags: ['opmas telemetry'],
        summary: 'Push Prometheus samples of a device to the metric rules',
        querystring: TelemetryQuery,
        body: TelemetryBody,
        response: { 202: TelemetryAccepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.telemetryPush);
      const device = await repository.deviceBySlug(request.query.device);
      if (!device) throw new AppError(404, 'not_found', `no device ${request.query.device}`);
      // spec "Devices": a disabled device's data is dropped, like its syslog.
      if (!device.enabled) throw new AppError(409, 'device_disabled', `device ${device.slug} is disabled`);
      const result = await pushTelemetry(kernel, device, request.body, accepted, Date.now());
      return reply.status(202).send(result);
    },
  );
};
