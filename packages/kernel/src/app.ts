import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { appsRoutes } from './apps/apps.routes.ts';
import { mountApps } from './apps/mount-apps.plugin.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { docsPlugin } from './http/docs.plugin.ts';
import { createErrorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health.routes.ts';
import { routeInventoryPlugin } from './http/route-inventory.plugin.ts';
import { adminRoutes } from './identity/admin.routes.ts';
import { apiTokenRoutes } from './identity/api-token.routes.ts';
import { authRoutes } from './identity/auth.routes.ts';
import { authenticatePlugin } from './identity/authenticate.plugin.ts';
import { oidcRoutes } from './identity/oidc.routes.ts';
import { jobsRoutes } from './jobs/jobs.routes.ts';
import type { Kernel } from './kernel.ts';
import { requestMetricsPlugin } from './metrics/request-metrics.plugin.ts';
import { portalPlugin } from './web/portal.plugin.ts';

export interface PlatformAppOptions {
  kernel: Kernel;
  /** Serve the portal SPA (off in API tests). */
  portal?: boolean;
}

/** The platform as a Fastify plugin: tests register it on a bare instance; server.ts adds the process around it. */
async function platform(app: FastifyInstance, options: PlatformAppOptions) {
  const { kernel } = options;
  const { config } = kernel;
  app.setErrorHandler(createErrorHandler(400));
  await app.register(routeInventoryPlugin);
  await app.register(requestMetricsPlugin, { metrics: kernel.metrics });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: config.publicUrl.startsWith('https://'),
  });
  await app.register(cors, { origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });
  await app.register(rateLimit, { global: false });
  await app.register(cookie);
  // Authentication first: a hook applies only to routes registered after it.
  await app.register(authenticatePlugin, { kernel });
  await app.register(docsPlugin, { title: 'Platform API', version: '0.1.0' });
  await app.register(healthRoutes, { kernel });
  await app.register(authRoutes, { kernel });
  await app.register(oidcRoutes, { kernel });
  await app.register(apiTokenRoutes, { kernel });
  await app.register(adminRoutes, { kernel });
  await app.register(auditRoutes, { kernel });
  await app.register(jobsRoutes, { kernel });
  await app.register(appsRoutes, { kernel });
  await app.register(mountApps, { kernel });
  const basePath = kernel.config.basePath;
  if (basePath) {
    app.get(basePath, { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
      reply.redirect(`${basePath}/`, 302),
    );
  }
  await app.register(portalPlugin, { basePath: `${basePath}/`, serve: options.portal ?? true });
}

export const platformApp = fp(platform, { name: 'platform' });
