import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { injectBasePath } from '@platform/web/index-html.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

/**
 * Serves the portal SPA built by Vite: assets from packages/web/dist, and index.html (with the base path written into
 * its meta tag) for every other GET that no API route answered, so client-side routes survive a reload.
 */
export async function portalPlugin(app: FastifyInstance, options: { basePath: string; serve: boolean; dir?: string }) {
  // Unknown paths are where scanners probe: the 404 handler is rate limited like the sign-in routes.
  const notFoundOptions = { preHandler: app.rateLimit({ max: 300, timeWindow: '1 minute' }) };
  const dir = options.dir ?? distDir;
  const indexFile = join(dir, 'index.html');
  if (!options.serve || !existsSync(indexFile)) {
    if (options.serve) app.log.warn(`portal not built (${indexFile} missing): run npm run build`);
    app.setNotFoundHandler(notFoundOptions, notFoundJson);
    return;
  }
  const index = injectBasePath(readFileSync(indexFile, 'utf8'), options.basePath);
  // The SPA's files are public: the login page itself is made of them.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets/')) route.config = { ...route.config, public: true };
  });
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '365d',
    immutable: true,
  });
  for (const file of ['favicon.svg', 'favicon.ico']) {
    if (existsSync(join(dir, file)))
      app.get(`/${file}`, { config: { public: true }, schema: { hide: true } }, (_req, reply) =>
        reply.type(file.endsWith('svg') ? 'image/svg+xml' : 'image/x-icon').send(readFileSync(join(dir, file))),
      );
  }
  app.setNotFoundHandler(notFoundOptions, (request, reply) => {
    // Missing assets must 404, never turn into the SPA page (a blank screen is harder to diagnose).
    const wantsPage =
      request.method === 'GET' &&
      !request.url.includes('/assets/') &&
      (request.headers.accept ?? '').includes('text/html');
    if (!wantsPage) return notFoundJson(request, reply);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  });
}

function notFoundJson(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
}
