import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Kernel } from '../kernel.ts';
import { appBasePath } from './app-registry.ts';

const AppView = Type.Object({
  /** app id */
  id: Type.String({ description: 'app id' }),
  /** display name */
  title: Type.String({ description: 'display name' }),
  /** one-line purpose */
  description: Type.String({ description: 'one-line purpose' }),
  /** where its pages and API live */
  basePath: Type.String({ description: 'mount path' }),
});

/** The apps this process hosts (the portal's app switcher shows exactly these). */
export const appsRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  app.get(
    '/platform/api/apps',
    { schema: { tags: ['platform'], response: { 200: Type.Object({ items: Type.Array(AppView) }) } } },
    async () => ({
      items: kernel.apps.map((hosted) => ({
        id: hosted.id,
        title: hosted.title,
        description: hosted.description ?? '',
        basePath: appBasePath(kernel.config, hosted),
      })),
    }),
  );
};
