import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { authCompatRoutes } from './compat/auth-compat.routes.ts';
import { deviceRoutes } from './devices/devices.routes.ts';
import { findingRoutes } from './findings/findings.routes.ts';
import { ingestRuntimeFor } from './ingest/ingest-runtime.ts';
import { logsRoutes } from './ingest/logs.routes.ts';
import { clientRoutes } from './inventory/clients.routes.ts';
import { actionRoutes } from './orchestrator/actions.routes.ts';
import { decisionRoutes } from './orchestrator/decisions.routes.ts';
import { playbookRoutes } from './orchestrator/playbooks.routes.ts';
import { ruleRoutes } from './rules/rules.routes.ts';
import { telemetryRoutes } from './telemetry/telemetry.routes.ts';

/** Every route of the app, mounted by the kernel under `/opmas` (or `/` with MOUNT_AT_ROOT). */
export const opmasRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const ingest = ingestRuntimeFor(kernel);
  await app.register(authCompatRoutes, { kernel });
  await app.register(logsRoutes, { ingest });
  await app.register(deviceRoutes, { kernel, devices: ingest.devices });
  await app.register(findingRoutes, { kernel });
  await app.register(clientRoutes, { kernel });
  await app.register(ruleRoutes, { kernel });
  await app.register(actionRoutes, { kernel });
  await app.register(playbookRoutes, { kernel });
  await app.register(decisionRoutes, { kernel });
  await app.register(telemetryRoutes, { kernel });
};
