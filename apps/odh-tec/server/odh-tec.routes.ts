import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Type } from 'typebox';
import { connectionRoutes } from './connections/connection.routes.ts';
import { ConnectionService } from './connections/connection.service.ts';
import { hfImportRoutes } from './hf/hf-import.routes.ts';
import { localRoutes } from './local/local.routes.ts';
import { locationRoutes } from './locations/location.routes.ts';
import { LocationService } from './locations/location.service.ts';
import { bucketRoutes } from './objects/bucket.routes.ts';
import { downloadRoutes } from './objects/download.routes.ts';
import { inspectRoutes } from './objects/inspect.routes.ts';
import { objectRoutes } from './objects/object.routes.ts';
import { uploadRoutes } from './objects/upload.routes.ts';
import { zipDownloadRoutes } from './objects/zip-download.routes.ts';
import { settingsRoutes } from './settings/settings.routes.ts';
import { transferRoutes } from './transfers/transfer.routes.ts';
import { vramRoutes } from './vram/vram.routes.ts';
import { kernelsRoutes } from './workbench/kernels.routes.ts';

/** Every route of the app, mounted by the kernel under `/odh-tec` (or `/` standalone). */
export const odhTecRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const connections = new ConnectionService(kernel);
  const locations = new LocationService(kernel, connections);

  // Upstream's status probe, public like in the architecture document.
  app.get(
    '/api',
    {
      config: { public: true },
      schema: { tags: ['odh-tec'], summary: 'Status', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );

  // First: its activity hook must see every route registered after it.
  await app.register(kernelsRoutes, { kernel });
  await app.register(connectionRoutes, { kernel, connections });
  await app.register(locationRoutes, { locations });
  await app.register(bucketRoutes, { kernel, locations });
  await app.register(objectRoutes, { kernel, locations });
  await app.register(downloadRoutes, { kernel, locations });
  await app.register(vramRoutes, { kernel, locations });
  await app.register(localRoutes, { kernel });
  await app.register(transferRoutes, { kernel });
  await app.register(hfImportRoutes, { kernel, locations });
  await app.register(uploadRoutes, { kernel, locations });
  await app.register(settingsRoutes, { kernel, connections, locations });
  await app.register(inspectRoutes, { locations });
  await app.register(zipDownloadRoutes, { locations });
};
