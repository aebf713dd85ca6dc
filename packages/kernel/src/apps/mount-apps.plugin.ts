import type { FastifyInstance } from 'fastify';
import { createErrorHandler } from '../http/error-handler.ts';
import type { Kernel } from '../kernel.ts';

/**
 * Mounts each hosted app's routes under `/<id>` (portal) or at `/` (standalone, MOUNT_AT_ROOT=1, where API paths match
 * the app's architecture document exactly). Each app gets its own encapsulated context with its validation status.
 */
export async function mountApps(app: FastifyInstance, options: { kernel: Kernel }): Promise<void> {
  const { kernel } = options;
  for (const hosted of kernel.apps) {
    if (!hosted.routes) continue;
    const routes = hosted.routes;
    await app.register(
      async (scope) => {
        scope.setErrorHandler(createErrorHandler(hosted.validationStatus ?? 400));
        await scope.register(routes, { kernel });
      },
      { prefix: kernel.config.mountAtRoot ? '' : `/${hosted.id}` },
    );
  }
}
