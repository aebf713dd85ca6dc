import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { transferEngineOf } from '../transfers/transfer.job.ts';

test('the kernels shim answers without auth, with and without NB_PREFIX; busy during a transfer (acceptance 25)', async (t) => {
  const platform = await buildTestApp({
    apps: [odhTecApp],
    env: { APPS: 'odh-tec', MOUNT_AT_ROOT: 'true', NB_PREFIX: '/notebook/ns/wb', ODH_TEC_EMBEDDED_S3: 'false' },
  });
  t.after(() => platform.close());
  const state = async (url: string) => {
    const response = await platform.app.inject({ url });
    assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
    const [entry] = response.json();
    assert.equal(entry.id, 'odh-tec');
    assert.equal(entry.connections, 1);
    assert.ok(!Number.isNaN(Date.parse(entry.last_activity)));
    return entry.execution_state;
  };
  assert.equal(await state('/notebook/ns/wb/api/kernels'), 'alive');
  assert.equal(await state('/api/terminals'), 'alive');
  const stop = transferEngineOf(platform.kernel).track('a-transfer', new AbortController());
  assert.equal(await state('/api/kernels'), 'busy');
  stop();
  assert.equal(await state('/notebook/ns/wb/api/kernels'), 'alive');
  const user = await platform.createUser('worker');
  const before = (await platform.app.inject({ url: '/api/kernels' })).json()[0].last_activity;
  await new Promise((resolve) => setTimeout(resolve, 5));
  const touched = await platform.app.inject({ url: '/notebook/ns/wb/api/locations', headers: user.headers });
  assert.equal(touched.statusCode, 200, touched.body);
  const after = (await platform.app.inject({ url: '/api/kernels' })).json()[0].last_activity;
  assert.ok(Date.parse(after) > Date.parse(before), 'an authenticated request counts as activity');
});
