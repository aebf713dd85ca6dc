import type { AppDefinition } from './apps/define-app.ts';
import { AuditService } from './audit/audit.service.ts';
import type { EventBus } from './bus/bus.ts';
import { createBus } from './bus/create-bus.ts';
import { type DurableStreams, JetStreamStreams } from './bus/durable-streams.ts';
import { NatsBus } from './bus/nats-bus.ts';
import type { Config } from './config/load-config.ts';
import type { MultiFernet } from './crypto/multi-fernet.ts';
import { loadSecretKeys } from './crypto/secret-keys.ts';
import { createDatabase, type Database } from './db/database.ts';
import { kernelMigrations } from './db/kernel.migrations.ts';
import { type MigrationUnit, runMigrations } from './db/migrator.ts';
import { AccessControl } from './identity/access-control.ts';
import { PLATFORM_PERMISSIONS } from './identity/built-in-roles.ts';
import { IdentityService } from './identity/identity.service.ts';
import { JobQueue } from './jobs/job-queue.ts';
import { OutboxRelay } from './jobs/outbox-relay.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { Metrics } from './metrics/metrics.ts';

/** Everything the platform shares, handed to every app. */
export interface Kernel {
  config: Config;
  logger: Logger;
  db: Database;
  bus: EventBus;
  /** Durable streams (JetStream); only when the bus is NATS, the outbox is the durable path otherwise. */
  streams?: DurableStreams;
  secrets: MultiFernet;
  jobs: JobQueue;
  outbox: OutboxRelay;
  identity: IdentityService;
  audit: AuditService;
  access: AccessControl;
  metrics: Metrics;
  apps: AppDefinition[];
  migrationUnits: MigrationUnit[];
  /** Starts background duties (workers, cron, outbox relay, app start hooks) according to ROLE. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface KernelOptions {
  apps: AppDefinition[];
  logger?: Logger;
  /** Test templates: a PGlite data-directory dump to start from. */
  loadDataDir?: Blob;
  /** Tests pass an existing database (closing it stays theirs). */
  database?: Database;
  bus?: EventBus;
  /** Skip running migrations (the database is known to be migrated). */
  skipMigrations?: boolean;
}

export const migrationUnitsOf = (apps: AppDefinition[]): MigrationUnit[] => [
  kernelMigrations,
  ...apps.filter((app) => app.migrations?.length).map((app) => ({ schema: app.id, migrations: app.migrations! })),
];

export async function createKernel(config: Config, options: KernelOptions): Promise<Kernel> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const secrets = loadSecretKeys({
    configured: config.secretKeys,
    dataDir: config.dataDir,
    external: Boolean(config.databaseUrl),
  });
  const db =
    options.database ??
    (await createDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
      loadDataDir: options.loadDataDir,
    }));
  const migrationUnits = migrationUnitsOf(options.apps);
  if (!options.skipMigrations) {
    const applied = await runMigrations(db, migrationUnits);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  const metrics = new Metrics({ defaultMetrics: !options.database });
  const bus = options.bus ?? (await createBus({ natsUrl: config.natsUrl, logger: busLogger(logger) }));
  const streams = bus instanceof NatsBus ? new JetStreamStreams(bus.connection, busLogger(logger)) : undefined;
  const identity = new IdentityService(db.orm, config);
  await identity.syncPermissions([
    ...PLATFORM_PERMISSIONS.map((permission) => ({ ...permission, app: 'platform' })),
    ...options.apps.flatMap((app) => (app.permissions ?? []).map((permission) => ({ ...permission, app: app.id }))),
  ]);
  const access = new AccessControl();
  for (const app of options.apps) if (app.policies) access.register(app.policies);

  const jobs = new JobQueue({ db, logger, metrics });
  for (const app of options.apps) for (const job of app.jobs ?? []) jobs.register(job);
  const outbox = new OutboxRelay({ db, bus, logger, metrics });

  const stops: (() => Promise<void>)[] = [];
  const kernel: Kernel = {
    config,
    logger,
    db,
    bus,
    streams,
    secrets,
    jobs,
    outbox,
    identity,
    audit: new AuditService(db.orm),
    access,
    metrics,
    apps: options.apps,
    migrationUnits,
    async start() {
      const works = config.role !== 'api';
      if (works) {
        await jobs.start();
        await outbox.start();
        for (const app of options.apps) {
          for (const subscription of app.subscriptions ?? []) {
            const handle = bus.subscribe(subscription.subject, (message) => subscription.handler(message, kernel), {
              queue: subscription.queue,
            });
            stops.push(async () => handle.unsubscribe());
          }
        }
      }
      for (const app of options.apps) {
        const stop = await app.start?.(kernel);
        if (stop) stops.push(stop);
      }
    },
    async close() {
      for (const stop of stops.reverse()) await stop().catch((error) => logger.warn({ err: error }, 'app stop failed'));
      await jobs.stop();
      await outbox.stop();
      if (!options.bus) await bus.close();
      if (!options.database) await db.close();
    },
  };
  jobs.attachKernel(kernel);
  return kernel;
}

const busLogger = (logger: Logger) => ({
  error: (details: object, message: string) => logger.error(details, message),
  warn: (details: object, message: string) => logger.warn(details, message),
});
