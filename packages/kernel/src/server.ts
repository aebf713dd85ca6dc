// The process: reads configuration, builds the kernel and the HTTP app, listens, and closes gracefully on signals.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { platformApp } from './app.ts';
import { selectApps } from './apps/app-registry.ts';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { serverOptions } from './http/server-options.ts';
import { createKernel } from './kernel.ts';
import { createLogger } from './logging/logger.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const apps = await selectApps(config);
  const kernel = await createKernel(config, { apps, logger });

  const app = Fastify(serverOptions(config, logger)).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(platformApp, { kernel });

  // Workers listen too: probes and /metrics need an HTTP endpoint in every pod.
  await app.listen({ port: config.port, host: config.host });
  await kernel.start();
  if (config.role === 'api') await kernel.jobs.listenForEvents();

  if (config.authMode === 'none') {
    logger.warn(
      'AUTH_MODE=none: every visitor is signed in as the local administrator; use only on a private workbench',
    );
  } else if (config.authMode === 'local' || config.authMode === 'oidc') {
    const link = await kernel.identity.ensureFirstAdmin('/');
    // Printed to the console only, never to the structured log: it is a credential.
    if (link)
      process.stdout.write(`\n  First start: sign in as admin once with this link (valid 24 h):\n  ${link}\n\n`);
  }
  logger.info({ url: config.publicUrl, apps: apps.map((hosted) => hosted.id), role: config.role }, 'platform ready');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await app.close();
    await kernel.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`platform failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
