import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestPlatform } from '@platform/testing';

let platform: TestPlatform;
before(async () => {
  platform = await buildTestApp({ env: { CORS_ORIGINS: 'https://tools.example' } });
});
after(() => platform.close());

const preflight = (origin: string) =>
  platform.app.inject({
    method: 'OPTIONS',
    url: '/auth/me',
    headers: { origin, 'access-control-request-method': 'GET' },
  });

test('an allowed origin gets CORS headers with credentials', async () => {
  const response = await preflight('https://tools.example');
  assert.equal(response.headers['access-control-allow-origin'], 'https://tools.example');
  assert.equal(response.headers['access-control-allow-credentials'], 'true');
});

test('any other origin gets no CORS headers', async () => {
  const response = await preflight('https://evil.example');
  assert.equal(response.headers['access-control-allow-origin'], undefined);
});

test('without CORS_ORIGINS no cross-origin access is granted', async () => {
  const sameOriginOnly = await buildTestApp();
  try {
    const response = await sameOriginOnly.app.inject({
      method: 'OPTIONS',
      url: '/auth/me',
      headers: { origin: 'https://tools.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  } finally {
    await sameOriginOnly.close();
  }
});
