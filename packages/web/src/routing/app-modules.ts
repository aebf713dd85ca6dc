import type { RouteObject } from 'react-router';

/** What `apps/<id>/web/src/index.tsx` default-exports: react-router data routes mounted under `/<id>/`. */
export interface AppWebModule {
  id: string;
  routes: RouteObject[];
}

export type ModuleLoaders = Record<string, () => Promise<unknown>>;

/** The route under which app routes are patched in (the signed-in shell layout). */
export const shellRouteId = 'shell';

/** `../../../apps/tvbo/web/src/index.tsx` → `tvbo`. */
export function appIdFromModulePath(path: string): string | undefined {
  return /(?:^|\/)apps\/([^/]+)\/web\/src\/index\.tsx$/.exec(path)?.[1];
}

/** Indexes the glob result by app id (the directory name under apps/). */
export function appModuleLoaders(modules: ModuleLoaders): Map<string, () => Promise<unknown>> {
  const loaders = new Map<string, () => Promise<unknown>>();
  for (const [path, load] of Object.entries(modules)) {
    const id = appIdFromModulePath(path);
    if (id) loaders.set(id, load);
  }
  return loaders;
}

function asAppWebModule(id: string, loaded: unknown): AppWebModule {
  const module = (loaded as { default?: unknown })?.default as Partial<AppWebModule> | undefined;
  if (!module || module.id !== id || !Array.isArray(module.routes)) {
    throw new Error(`apps/${id}/web/src/index.tsx must default-export { id: '${id}', routes: RouteObject[] }`);
  }
  return module as AppWebModule;
}

export interface PatchArguments {
  path: string;
  patch: (routeId: string | null, children: RouteObject[]) => void;
}

/**
 * Builds react-router's `patchRoutesOnNavigation`: the first navigation into `/<id>/…` loads that app's
 * module (its own chunk) and patches its routes in under the shell. Until then the `:appId/*` landing
 * route matches, which is a parameter match and therefore makes the router ask for more routes.
 */
export function createAppRoutePatcher(loaders: Map<string, () => Promise<unknown>>, basename: string) {
  const modules = new Map<string, Promise<AppWebModule>>();
  const prefix = basename === '/' ? '' : basename;
  return async ({ path, patch }: PatchArguments): Promise<void> => {
    const relative = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const id = decodeURIComponent(relative.split('/').filter(Boolean)[0] ?? '');
    const load = loaders.get(id);
    if (!load) return;
    let module = modules.get(id);
    if (!module) {
      module = load().then((loaded) => asAppWebModule(id, loaded));
      // A failed load may be retried on the next navigation (e.g. after a network hiccup).
      module.catch(() => modules.delete(id));
      modules.set(id, module);
    }
    // Patched on every navigation into the app: the router ignores a route id it already has, and
    // an earlier navigation may have been aborted before its patch applied.
    patch(shellRouteId, [{ id: `app:${id}`, path: id, children: (await module).routes }]);
  };
}
