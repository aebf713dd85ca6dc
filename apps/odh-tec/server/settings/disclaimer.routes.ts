import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { DisclaimerBody, DisclaimerView } from './settings.schema.ts';
import type { SettingsService } from './settings.service.ts';

/** Version of the disclaimer text; raising it asks every user again (spec "Disclaimer"). */
export const DISCLAIMER_TEXT_VERSION = 1;

const tags = ['odh-tec settings'];

/** `/api/disclaimer`: per-user acceptance of the "as is" notice (spec M14). */
export const disclaimerRoutes: FastifyPluginAsyncTypebox<{ settings: SettingsService }> = async (app, { settings }) => {
  const statusOf = async (userId: string) => {
    const version = await settings.repository.acceptedDisclaimerVersion(userId);
    return {
      disclaimer: { status: version !== undefined && version >= DISCLAIMER_TEXT_VERSION ? 'accepted' : 'unknown' },
    } as const;
  };

  app.get(
    '/api/disclaimer',
    {
      schema: {
        tags,
        summary: 'Whether I accepted the disclaimer',
        response: { 200: DisclaimerView, ...errorResponses },
      },
    },
    async (request) => statusOf(request.authorize(PERMISSIONS.objectsRead).userId),
  );

  app.put(
    '/api/disclaimer',
    {
      schema: {
        tags,
        summary: 'Accept the disclaimer',
        body: DisclaimerBody,
        response: { 200: DisclaimerView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.objectsRead);
      await settings.repository.acceptDisclaimer(principal.userId, DISCLAIMER_TEXT_VERSION);
      return statusOf(principal.userId);
    },
  );
};
