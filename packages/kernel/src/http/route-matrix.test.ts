import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAnonymousRefused, assertCrossUserRefused, buildTestApp, type TestPlatform } from '@platform/testing';
import { defineApp } from '../apps/define-app.ts';

/** A minimal app with an owned resource, to prove the helper catches what it must. */
const probeApp = defineApp({
  id: 'probe',
  title: 'Probe',
  permissions: [{ permission: 'probe:note:read', description: 'read notes', defaultRoles: ['user'] }],
  routes: async (app) => {
    const notes = new Map<string, { ownerId: string; text: string }>();
    app.post('/notes', async (request) => {
      const principal = request.authorize('probe:note:read');
      const id = crypto.randomUUID();
      notes.set(id, { ownerId: principal.userId, text: String((request.body as { text?: string })?.text ?? '') });
      return { id };
    });
    app.get('/notes/:id', async (request) => {
      const note = notes.get((request.params as { id: string }).id);
      request.authorize('probe:note:read', note);
      if (!note) throw Object.assign(new Error('missing'), { statusCode: 404 });
      return note;
    });
    app.get('/leaky/:id', async (request) => notes.get((request.params as { id: string }).id) ?? {});
  },
});

let platform: TestPlatform;
before(async () => {
  platform = await buildTestApp({ apps: [probeApp] });
});
after(() => platform.close());

test('every non-public kernel route refuses anonymous requests; the public set is exactly the expected one', async () => {
  const publicRoutes = await assertAnonymousRefused(platform, '/');
  const names = publicRoutes.map((route) => `${route.method} ${route.url}`).filter((name) => !name.includes('/docs'));
  assert.deepEqual(
    names.sort(),
    [
      'GET /auth/providers',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'POST /auth/login',
      'POST /auth/logout',
      'POST /auth/one-time',
    ].sort(),
  );
});

test('an app is mounted under /<id> and the cross-user check passes for an owned resource', async () => {
  const owner = await platform.createUser('owner');
  const stranger = await platform.createUser('stranger');
  const { id } = (
    await platform.app.inject({
      method: 'POST',
      url: '/probe/notes',
      headers: owner.headers,
      payload: { text: 'mine' },
    })
  ).json();
  await assertCrossUserRefused(platform, owner, stranger, {
    read: { method: 'GET', url: `/probe/notes/${id}` },
    attempts: [],
  });
});

test('the helper fails on a route that leaks another user’s resource', async () => {
  const owner = await platform.createUser('owner2');
  const stranger = await platform.createUser('stranger2');
  const { id } = (
    await platform.app.inject({ method: 'POST', url: '/probe/notes', headers: owner.headers, payload: { text: 'x' } })
  ).json();
  await assert.rejects(
    assertCrossUserRefused(platform, owner, stranger, {
      read: { method: 'GET', url: `/probe/leaky/${id}` },
      attempts: [],
    }),
    /by another user answered 200/,
  );
});
