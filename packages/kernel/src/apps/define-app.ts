import type { FastifyPluginAsync } from 'fastify';
import type { Migration } from '../db/migrator.ts';
import type { PolicyTable } from '../identity/access-control.ts';
import type { PermissionDeclaration } from '../identity/built-in-roles.ts';
import type { Kernel } from '../kernel.ts';

/** A background job handler an app registers; see jobs/job-queue.ts for the context it receives. */
export interface AppJob {
  /** Queue name, unique platform-wide: `<app>.<job>`. */
  queue: string;
  /** Runs one job; `kernel` gives it the services routes have (database, bus, secrets, app state keyed by kernel). */
  // biome-ignore lint/suspicious/noExplicitAny: each job types its own payload.
  handler: (context: any, kernel: Kernel) => Promise<unknown>;
  /** Jobs of this queue run at most this many at once per worker process. */
  concurrency?: number;
  /** Lease length; a job whose worker stops heart-beating is re-claimed after it. */
  leaseSeconds?: number;
  maxAttempts?: number;
  /** Cron schedules that enqueue this job. */
  schedules?: { name: string; cron: string; timezone?: string; payload?: unknown }[];
}

/** A bus subscription an app registers (runs in worker processes). */
export interface AppSubscription {
  subject: string;
  queue?: string;
  // biome-ignore lint/suspicious/noExplicitAny: each subscription types its own message.
  handler: (message: any, kernel: Kernel) => Promise<void> | void;
}

/** Everything an app brings to the kernel. Apps never import each other; shared needs belong in the kernel. */
export interface AppDefinition {
  /** URL-safe id, also the PostgreSQL schema name and the portal mount `/<id>`. */
  id: string;
  title: string;
  description?: string;
  /** SQL migrations run inside the app's own schema. */
  migrations?: Migration[];
  /** The app's Fastify routes; the kernel mounts them under `/<id>` (or `/` standalone). */
  routes?: FastifyPluginAsync<{ kernel: Kernel }>;
  jobs?: AppJob[];
  subscriptions?: AppSubscription[];
  /** Permissions shown in the role editor; `defaultRoles` receive each one when it is first seen. */
  permissions?: PermissionDeclaration[];
  policies?: PolicyTable;
  /** Status for schema-validation failures: 422 for apps whose upstream clients expect FastAPI's shape. */
  validationStatus?: 400 | 422;
  /** Runs once the kernel is ready (after migrations), in every process; returns a stop function. */
  start?: (kernel: Kernel) => Promise<(() => Promise<void>) | undefined> | undefined;
}

export const defineApp = (definition: AppDefinition): AppDefinition => {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.id)) throw new Error(`app id must be kebab-case: ${definition.id}`);
  return definition;
};
