import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestPlatform, type TestUser } from '@platform/testing';
import { opmasApp } from '../opmas.app.ts';

// spec 02-opmas acceptance 24: HTTP ingest answers and limits, token login, permissions and CORS.
const API = '/opmas/api/v1';
const PASSWORD = 'correct horse battery staple';
const ALLOWED_ORIGIN = 'https://noc.example.test';

let platform: TestPlatform;
let admin: TestUser;

before(async () => {
  platform = await buildTestApp({
    apps: [opmasApp],
    env: { OPMAS_SYSLOG_UDP_PORT: 'off', OPMAS_SYSLOG_TCP_PORT: 'off', CORS_ORIGINS: ALLOWED_ORIGIN },
    startBackground: true,
  });
  admin = await platform.createUser('opmas-auth-admin', ['admin'], PASSWORD);
  await platform.createUser('opmas-auth-viewer', ['viewer'], PASSWORD);
});
after(() => platform.close());

const login = (payload: string | Record<string, string>, contentType = 'application/json') =>
  platform.app.inject({
    method: 'POST',
    url: `${API}/auth/login`,
    payload,
    headers: { 'content-type': contentType },
  });

test('/auth/login gives a bearer token limited to the user’s OPMAS permissions; /auth/token takes a form', async () => {
  const wrong = await login({ username: 'opmas-auth-viewer', password: 'nope' });
  assert.deepEqual([wrong.statusCode, wrong.json().error.code], [401, 'invalid_credentials']);
  const viewer = await login({ username: 'opmas-auth-viewer', password: PASSWORD });
  assert.equal(viewer.statusCode, 200, viewer.body);
  assert.deepEqual([viewer.json().token_type, viewer.json().expires_in], ['bearer', 30 * 60]);
  const bearer = { authorization: `Bearer ${viewer.json().access_token}` };
  const me = await platform.app.inject({ url: `${API}/auth/me`, headers: bearer });
  assert.equal(me.json().username, 'opmas-auth-viewer');
  assert.equal((await platform.app.inject({ url: `${API}/findings`, headers: bearer })).statusCode, 200);
  const put = await platform.app.inject({
    method: 'PUT',
    url: `${API}/rules/conn.iface_flap`,
    payload: { id: 'conn.iface_flap' },
    headers: bearer,
  });
  assert.deepEqual([put.statusCode, put.json().error.code], [403, 'forbidden'], 'a viewer cannot change rules');
  const form = await platform.app.inject({
    method: 'POST',
    url: `${API}/auth/token`,
    payload: `username=opmas-auth-admin&password=${encodeURIComponent(PASSWORD)}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(form.statusCode, 200, form.body);
  const adminBearer = { authorization: `Bearer ${form.json().access_token}` };
  const ingest = await platform.app.inject({
    method: 'POST',
    url: `${API}/logs`,
    payload: { logs: ['<13>Mar 19 10:00:00 ap-token app: hi'] },
    headers: adminBearer,
  });
  assert.equal(ingest.statusCode, 202);
  const kernelAdmin = await platform.app.inject({ url: '/platform/api/users', headers: adminBearer });
  assert.equal(kernelAdmin.statusCode, 403, 'the login token only carries OPMAS permissions');
});

test('open self-registration is refused; administrators create users', async () => {
  const viewer = await login({ username: 'opmas-auth-viewer', password: PASSWORD });
  const register = (headers: Record<string, string>) =>
    platform.app.inject({
      method: 'POST',
      url: `${API}/auth/register`,
      payload: { username: 'newcomer', password: 'a-long-enough-password' },
      headers,
    });
  assert.equal((await register({})).statusCode, 401);
  assert.equal((await register({ authorization: `Bearer ${viewer.json().access_token}` })).statusCode, 403);
  const created = await register(admin.headers);
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().username, 'newcomer');
});

test('HTTP ingest: 202 counts, upstream /logs/ingest limit 1000, IPv6 source, 401 without a token (acceptance 24)', async () => {
  const post = (url: string, payload: unknown, headers = admin.headers) =>
    platform.app.inject({ method: 'POST', url: `${API}${url}`, payload: payload as never, headers });
  const ok = await post('/logs/ingest', {
    logs: ['<13>Mar 19 10:00:00 ap-v2 app: one', ''],
    explicit_source_ip: '2001:db8::7',
  });
  assert.equal(ok.statusCode, 202, ok.body);
  assert.deepEqual([ok.json().log_count, ok.json().accepted, ok.json().rejected], [2, 1, 1]);
  assert.ok(Date.parse(ok.json().timestamp));
  const tooMany = await post('/logs/ingest', { logs: Array.from({ length: 1001 }, () => '<13>x') });
  assert.deepEqual([tooMany.statusCode, tooMany.json().error.code], [400, 'too_many_logs']);
  assert.equal((await post('/logs/ingest', { logs: Array.from({ length: 1000 }, () => '<13>x') })).statusCode, 202);
  assert.equal((await post('/logs', { logs: ['x'] }, {})).statusCode, 401);
});

test('CORS allows only the configured origins', async () => {
  const preflight = (origin: string) =>
    platform.app.inject({
      method: 'OPTIONS',
      url: `${API}/findings`,
      headers: { origin, 'access-control-request-method': 'GET' },
    });
  assert.equal((await preflight(ALLOWED_ORIGIN)).headers['access-control-allow-origin'], ALLOWED_ORIGIN);
  assert.equal((await preflight('https://evil.example.test')).headers['access-control-allow-origin'], undefined);
});
