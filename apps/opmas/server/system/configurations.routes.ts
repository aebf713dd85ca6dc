import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { RuntimeConfigService } from './runtime-config.service.ts';
import { ActiveConfig, ComponentParams, ConfigHistory, ConfigHistoryQuery, ConfigIdParams } from './system.schema.ts';

const tags = ['opmas system'];

/** `GET /api/v1/configurations/component/{c}/active` and `/{id}/history` (spec 02-opmas "API"). */
export const configurationRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const service = new RuntimeConfigService(kernel);

  app.get(
    '/api/v1/configurations/component/:component/active',
    {
      schema: {
        tags,
        summary: 'Settings in effect for a component',
        params: ComponentParams,
        response: { 200: ActiveConfig, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.systemRead);
      return service.active(request.params.component);
    },
  );

  app.get(
    '/api/v1/configurations/:id/history',
    {
      schema: {
        tags,
        summary: 'Changes of a runtime setting, newest first',
        params: ConfigIdParams,
        querystring: ConfigHistoryQuery,
        response: { 200: ConfigHistory, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.systemRead);
      return service.history(request.params.id, request.query.limit ?? 50);
    },
  );
};
