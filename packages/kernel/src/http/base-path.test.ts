import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '@platform/testing';
import { loadConfig } from '../config/load-config.ts';
import { stripBasePath } from './server-options.ts';

test('BASE_PATH, else NB_PREFIX, without its trailing slash', () => {
  assert.equal(loadConfig({ NB_PREFIX: '/notebook/ns/wb/' }).basePath, '/notebook/ns/wb');
  assert.equal(loadConfig({ NB_PREFIX: '/notebook/ns/wb', BASE_PATH: '/tools' }).basePath, '/tools');
  assert.equal(loadConfig({}).basePath, '');
  assert.throws(() => loadConfig({ BASE_PATH: 'no-leading-slash' }), /BASE_PATH/);
});

test('the prefix is stripped only at a segment boundary', () => {
  assert.equal(stripBasePath('/nb/wb/api/x?y=1', '/nb/wb'), '/api/x?y=1');
  assert.equal(stripBasePath('/nb/wb?y=1', '/nb/wb'), '/?y=1');
  assert.equal(stripBasePath('/nb/wb', '/nb/wb'), '/nb/wb');
  assert.equal(stripBasePath('/nb/wbx/api', '/nb/wb'), '/nb/wbx/api');
  assert.equal(stripBasePath('/api/x', '/nb/wb'), '/api/x');
});

test('every route answers with and without the workbench prefix; the bare prefix redirects to prefix/', async (t) => {
  const platform = await buildTestApp({ env: { NB_PREFIX: '/notebook/ns/wb' } });
  t.after(() => platform.close());
  for (const url of ['/healthz', '/notebook/ns/wb/healthz']) {
    const response = await platform.app.inject({ url });
    assert.equal(response.statusCode, 200, url);
  }
  const bare = await platform.app.inject({ url: '/notebook/ns/wb' });
  assert.equal(bare.statusCode, 302);
  assert.equal(bare.headers.location, '/notebook/ns/wb/');
});
