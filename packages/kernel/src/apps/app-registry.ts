import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from '../config/load-config.ts';
import { ConfigError } from '../config/load-config.ts';
import type { AppDefinition } from './define-app.ts';

export type AppLoaders = Record<string, () => Promise<AppDefinition>>;

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The apps shipped in this repository: every `apps/<id>/server/index.ts` default-exporting a defineApp(). Found on
 * disk and imported lazily, so the kernel never imports app code statically and a one-app process loads one app.
 */
export function discoverApps(root = repositoryRoot): AppLoaders {
  const appsDir = join(root, 'apps');
  if (!existsSync(appsDir)) return {};
  const loaders: AppLoaders = {};
  for (const id of readdirSync(appsDir).sort()) {
    const entry = join(appsDir, id, 'server', 'index.ts');
    if (!existsSync(entry)) continue;
    loaders[id] = async () => (await import(pathToFileURL(entry).href)).default as AppDefinition;
  }
  return loaders;
}

/** The apps this process hosts, per `APPS`. */
export async function selectApps(config: Config, available: AppLoaders = discoverApps()): Promise<AppDefinition[]> {
  const ids = config.apps === 'all' ? Object.keys(available) : config.apps;
  const unknown = ids.filter((id) => !(id in available));
  if (unknown.length) {
    const known = Object.keys(available).join(', ') || 'none';
    throw new ConfigError(
      `invalid configuration:\n  APPS names unknown app(s): ${unknown.join(', ')} (known: ${known})`,
    );
  }
  return Promise.all(ids.map((id) => available[id]!()));
}

/** Where an app's routes are mounted. */
export const appBasePath = (config: Config, app: AppDefinition): string => (config.mountAtRoot ? '/' : `/${app.id}/`);
