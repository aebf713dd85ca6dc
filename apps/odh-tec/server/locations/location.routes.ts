import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { LocationList } from './location.schema.ts';
import type { LocationService } from './location.service.ts';

/** `GET /api/locations`: where the user can browse, and which location a request without `?location` uses. */
export const locationRoutes: FastifyPluginAsyncTypebox<{ locations: LocationService }> = async (app, { locations }) => {
  app.get(
    '/api/locations',
    {
      schema: {
        tags: ['odh-tec objects'],
        summary: 'Browsable locations and the default one',
        response: { 200: LocationList, ...errorResponses },
      },
    },
    async (request) => locations.list(request),
  );
};
