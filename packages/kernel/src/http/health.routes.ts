import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { migrationsComplete } from '../db/migrator.ts';
import type { Kernel } from '../kernel.ts';
import { AppError } from './errors.ts';

const Health = Type.Object({ status: Type.String({ description: 'ok, or what is not ready' }) });

const isLoopback = (address: string | undefined): boolean =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Liveness, readiness and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    { config: { public: true }, schema: { tags: ['health'], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      try {
        await kernel.db.rows(sql`select 1`);
        if (!(await migrationsComplete(kernel.db, kernel.migrationUnits)))
          return reply.status(503).send({ status: 'migrations pending' });
        return { status: 'ok' };
      } catch {
        return reply.status(503).send({ status: 'database unreachable' });
      }
    },
  );

  app.get(
    '/metrics',
    { config: { public: true, ownAuthorization: true }, schema: { tags: ['health'], hide: true } },
    async (request, reply) => {
      const token = kernel.config.metricsToken;
      const bearer = request.headers.authorization?.replace(/^Bearer\s+/i, '');
      const allowed = token
        ? bearer !== undefined && sameSecret(bearer, token)
        : isLoopback(request.socket.remoteAddress);
      if (!allowed)
        throw new AppError(
          token ? 401 : 403,
          token ? 'unauthorized' : 'forbidden',
          'metrics need the metrics token or a loopback address',
        );
      reply.header('content-type', kernel.metrics.registry.contentType);
      return kernel.metrics.registry.metrics();
    },
  );
};
