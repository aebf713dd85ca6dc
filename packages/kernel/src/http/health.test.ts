import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestPlatform } from '@platform/testing';

let platform: TestPlatform;
before(async () => {
  platform = await buildTestApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
});
after(() => platform.close());

test('liveness and readiness are public', async () => {
  assert.deepEqual((await platform.app.inject('/healthz')).json(), { status: 'ok' });
  assert.deepEqual((await platform.app.inject('/readyz')).json(), { status: 'ok' });
});

test('readiness fails while a migration is pending', async () => {
  platform.kernel.migrationUnits.push({ schema: 'pending_probe', migrations: [{ name: '0001_x', sql: 'select 1' }] });
  try {
    const response = await platform.app.inject('/readyz');
    assert.equal(response.statusCode, 503);
  } finally {
    platform.kernel.migrationUnits.pop();
  }
});

test('metrics need the metrics token and label HTTP durations by route template', async () => {
  assert.equal((await platform.app.inject('/metrics')).statusCode, 401);
  assert.equal(
    (await platform.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-000000000' } }))
      .statusCode,
    401,
  );
  const response = await platform.app.inject({
    url: '/metrics',
    headers: { authorization: 'Bearer metrics-token-0123456789' },
  });
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /http_request_duration_seconds_bucket\{[^}]*route="\/healthz"/);
  assert.match(response.body, /platform_jobs_queue_depth|platform_bus_messages_total/);
});

test('security headers are set', async () => {
  const response = await platform.app.inject('/healthz');
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.ok(response.headers['content-security-policy']);
});

test('OpenAPI is served at /docs/json and covers the kernel routes', async () => {
  const response = await platform.app.inject('/docs/json');
  assert.equal(response.statusCode, 200);
  const paths = Object.keys(response.json().paths);
  for (const path of ['/auth/login', '/auth/tokens', '/platform/api/users', '/platform/api/jobs/{id}'])
    assert.ok(paths.includes(path), path);
});

test('unknown routes answer 404 with the error shape', async () => {
  const response = await platform.app.inject('/no/such/route');
  assert.equal(response.statusCode, 404);
  assert.equal(response.json().error.code, 'not_found');
});
