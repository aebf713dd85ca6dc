import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route, for the route-matrix test and the docs. */
    routeInventory: RouteEntry[];
  }
}

async function routeInventory(app: FastifyInstance) {
  const entries: RouteEntry[] = [];
  app.decorate('routeInventory', entries);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      // Read lazily: onRoute hooks registered later (the docs plugin) may still mark the route public.
      entries.push({
        method,
        url: route.url,
        get public() {
          return Boolean((route.config as { public?: boolean } | undefined)?.public);
        },
      });
    }
  });
}

export const routeInventoryPlugin = fp(routeInventory, { name: 'platform-route-inventory' });
