import { randomUUID } from 'node:crypto';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logging/logger.ts';

/** The Fastify options of every platform process; tests build their apps with the same ones. */
export const serverOptions = (config: Config, logger: Logger): FastifyServerOptions => ({
  loggerInstance: logger,
  // X-Forwarded-For is believed only from the configured proxies.
  trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
  bodyLimit: 1024 * 1024,
  requestIdHeader: 'x-request-id',
  genReqId: () => randomUUID(),
  // Object keys travel in path parameters and may be long (S3 allows 1024 bytes, more once encoded).
  routerOptions: { maxParamLength: 4096 },
  // Behind a workbench proxy every route also answers under the prefix (spec 01-odh-tec M16): `/prefix/x` → `/x`.
  ...(config.basePath ? { rewriteUrl: (request) => stripBasePath(request.url ?? '/', config.basePath) } : {}),
});

/** `/prefix/rest` and `/prefix?q` lose the prefix; the bare `/prefix` is kept for its redirect to `/prefix/`. */
export function stripBasePath(url: string, basePath: string): string {
  if (!url.startsWith(basePath)) return url;
  const rest = url.slice(basePath.length);
  if (rest.startsWith('/')) return rest;
  if (rest.startsWith('?')) return `/${rest}`;
  return url;
}
