import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformApp } from '@platform/kernel/app.ts';
import type { AppDefinition } from '@platform/kernel/apps/define-app.ts';
import type { EventBus } from '@platform/kernel/bus/bus.ts';
import { loadConfig } from '@platform/kernel/config/load-config.ts';
import { generateKey } from '@platform/kernel/crypto/fernet.ts';
import { createDatabase, type Database } from '@platform/kernel/db/database.ts';
import { runMigrations } from '@platform/kernel/db/migrator.ts';
import { serverOptions } from '@platform/kernel/http/server-options.ts';
import { SESSION_COOKIE } from '@platform/kernel/identity/authenticate.plugin.ts';
import { createKernel, type Kernel, migrationUnitsOf } from '@platform/kernel/kernel.ts';
import { createLogger } from '@platform/kernel/logging/logger.ts';
import Fastify, { type FastifyInstance } from 'fastify';
import { freePort } from './free-port.ts';
import { pgliteTemplate } from './pglite-template.ts';

export { freePort };

export interface TestUser {
  id: string;
  username: string;
  /** Headers that authenticate as this user (session cookie). */
  headers: Record<string, string>;
  cookie: string;
}

export interface TestPlatform {
  app: FastifyInstance;
  kernel: Kernel;
  database: Database;
  /** Creates a user with these roles and a signed-in session. */
  createUser(username: string, roles?: string[], password?: string): Promise<TestUser>;
  close(): Promise<void>;
}

export interface BuildTestAppOptions {
  apps?: AppDefinition[];
  /** Extra environment (AUTH_MODE, TRUSTED_PROXIES, ...). */
  env?: Record<string, string>;
  /** A PostgreSQL database URL; unset → an in-memory PGlite copy of the migrated template. */
  databaseUrl?: string;
  bus?: EventBus;
  /** Start workers, cron and outbox relay (off by default: most route tests do not need them). */
  startBackground?: boolean;
  /** Listen on 127.0.0.1:<random> as well (for real HTTP clients, SSE, browsers). */
  listen?: boolean;
  /** With `listen`: this port instead of a random one, for a PUBLIC_URL known in advance (see `freePort`). */
  port?: number;
  portal?: boolean;
  /** Captures log lines (for redaction tests). */
  logStream?: NodeJS.WritableStream;
}

/** The platform on a throwaway database, for `inject` tests (and real HTTP when `listen` is set). */
export async function buildTestApp(options: BuildTestAppOptions = {}): Promise<TestPlatform> {
  const apps = options.apps ?? [];
  const units = migrationUnitsOf(apps);
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-test-'));
  let database: Database;
  if (options.databaseUrl) {
    database = await createDatabase({ databaseUrl: options.databaseUrl, poolSize: 5 });
    await runMigrations(database, units);
  } else {
    database = await createDatabase({ loadDataDir: await pgliteTemplate(units) });
  }
  const config = loadConfig({
    DATA_DIR: dataDir,
    PLATFORM_SECRET_KEYS: generateKey(),
    LOG_LEVEL: options.logStream ? 'info' : 'silent',
    APPS: apps.length ? apps.map((app) => app.id).join(',') : 'all',
    ...options.env,
  });
  const logger = createLogger({ level: config.logLevel, destination: options.logStream as never });
  const kernel = await createKernel(config, { apps, logger, database, bus: options.bus, skipMigrations: true });
  const app = Fastify(serverOptions(config, logger));
  await app.register(platformApp, { kernel, portal: options.portal ?? false });
  await app.ready();
  if (options.startBackground) await kernel.start();
  else await kernel.jobs.listenForEvents();
  if (options.listen) await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });

  return {
    app: app as unknown as FastifyInstance,
    kernel,
    database,
    async createUser(username, roles = ['user'], password) {
      const user = await kernel.identity.createUser({ username, roles, password, email: `${username}@example.test` });
      const token = await kernel.identity.startSession(user, { ip: '127.0.0.1' });
      const cookie = `${SESSION_COOKIE}=${token}`;
      return { id: user.id, username, cookie, headers: { cookie } };
    },
    async close() {
      await app.close();
      await kernel.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A second process on the same database and secret keys (what a restart keeps, or another node of a cluster, with
 * `env` overrides); closing it leaves the database open.
 */
export async function restartOn(
  platform: TestPlatform,
  apps: AppDefinition[],
  options: { startBackground?: boolean; env?: Record<string, string> } = {},
): Promise<{ app: FastifyInstance; kernel: Kernel; close(): Promise<void> }> {
  const config = loadConfig({ ...platform.kernel.config.env, ...options.env });
  const logger = createLogger({ level: 'silent' });
  const kernel = await createKernel(config, { apps, logger, database: platform.database, skipMigrations: true });
  const app = Fastify(serverOptions(config, logger));
  await app.register(platformApp, { kernel, portal: false });
  await app.ready();
  if (options.startBackground) await kernel.start();
  return {
    app: app as unknown as FastifyInstance,
    kernel,
    close: async () => {
      await app.close();
      await kernel.close();
    },
  };
}

/** Base URL of a listening test app. */
export function baseUrl(platform: TestPlatform): string {
  const address = platform.app.server.address();
  if (!address || typeof address === 'string') throw new Error('test app is not listening');
  return `http://127.0.0.1:${address.port}`;
}
