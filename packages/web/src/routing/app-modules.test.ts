import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RouteObject } from 'react-router';
import { appIdFromModulePath, appModuleLoaders, createAppRoutePatcher, shellRouteId } from './app-modules.ts';

const tvboRoutes: RouteObject[] = [{ index: true }, { path: 'models' }];

function loadersFor(modules: Record<string, unknown>) {
  const loads: string[] = [];
  const glob = Object.fromEntries(
    Object.entries(modules).map(([id, module]) => [
      `../../../apps/${id}/web/src/index.tsx`,
      async () => {
        loads.push(id);
        return module;
      },
    ]),
  );
  return { loaders: appModuleLoaders(glob), loads };
}

function recorder() {
  const patches: [string | null, RouteObject[]][] = [];
  return { patches, patch: (routeId: string | null, children: RouteObject[]) => patches.push([routeId, children]) };
}

test('appIdFromModulePath takes the directory under apps/', () => {
  assert.equal(appIdFromModulePath('../../../apps/tvbo/web/src/index.tsx'), 'tvbo');
  assert.equal(appIdFromModulePath('/repo/apps/odh-tec/web/src/index.tsx'), 'odh-tec');
  assert.equal(appIdFromModulePath('../../../apps/tvbo/web/src/other.tsx'), undefined);
});

test('no app web modules at all is a valid portal', async () => {
  const patcher = createAppRoutePatcher(appModuleLoaders({}), '/');
  const { patches, patch } = recorder();
  await patcher({ path: '/tvbo/models', patch });
  assert.deepEqual(patches, []);
});

test('the first visit to an app loads its module and mounts its routes under /<id>', async () => {
  const { loaders, loads } = loadersFor({ tvbo: { default: { id: 'tvbo', routes: tvboRoutes } } });
  const patcher = createAppRoutePatcher(loaders, '/');
  const { patches, patch } = recorder();
  await patcher({ path: '/tvbo/models', patch });
  assert.deepEqual(loads, ['tvbo']);
  assert.deepEqual(patches, [[shellRouteId, [{ id: 'app:tvbo', path: 'tvbo', children: tvboRoutes }]]]);
  await patcher({ path: '/tvbo/', patch });
  assert.deepEqual(loads, ['tvbo'], 'the module is loaded once');
});

test('the router basename is stripped before the app id is read', async () => {
  const { loaders, loads } = loadersFor({ vtoc: { default: { id: 'vtoc', routes: [] } } });
  const patcher = createAppRoutePatcher(loaders, '/portal');
  const { patch } = recorder();
  await patcher({ path: '/portal/vtoc', patch });
  assert.deepEqual(loads, ['vtoc']);
});

test('portal pages and apps without a web module load nothing', async () => {
  const { loaders, loads } = loadersFor({ tvbo: { default: { id: 'tvbo', routes: tvboRoutes } } });
  const patcher = createAppRoutePatcher(loaders, '/');
  const { patches, patch } = recorder();
  await patcher({ path: '/admin/users', patch });
  await patcher({ path: '/opmas/', patch });
  assert.deepEqual(loads, []);
  assert.deepEqual(patches, []);
});

test('a module that exports the wrong shape fails with a message naming the file', async () => {
  const { loaders } = loadersFor({ cmbcluster: { default: { id: 'other', routes: [] } } });
  const patcher = createAppRoutePatcher(loaders, '/');
  await assert.rejects(patcher({ path: '/cmbcluster/', patch: () => {} }), /apps\/cmbcluster\/web\/src\/index\.tsx/);
});
