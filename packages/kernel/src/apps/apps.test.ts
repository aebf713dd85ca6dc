import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, describeEachEngine } from '@platform/testing';
import { sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { loadConfig } from '../config/load-config.ts';
import { selectApps } from './app-registry.ts';
import { defineApp } from './define-app.ts';

/** An app with one typed route, as apps/<id>/server/index.ts would define it. */
const echoApp = (id: string, validationStatus?: 400 | 422) =>
  defineApp({
    id,
    title: `App ${id}`,
    validationStatus,
    migrations: [{ name: '0001_notes', sql: 'create table notes (id serial primary key, text text not null);' }],
    permissions: [{ permission: `${id}:note:write`, description: 'write notes', defaultRoles: ['user'] }],
    routes: async (app, { kernel }) => {
      app.post(
        '/api/notes',
        { schema: { body: Type.Object({ text: Type.String({ minLength: 1 }) }, { additionalProperties: false }) } },
        async (request) => {
          request.authorize(`${id}:note:write`);
          const text = (request.body as { text: string }).text;
          const [row] = await kernel.db.rows<{ id: number }>(
            sql`insert into ${sql.identifier(id)}.notes (text) values (${text}) returning id`,
          );
          return { id: row!.id };
        },
      );
    },
  });

describeEachEngine('app mounting', ({ newDatabaseUrl }) => {
  test('apps are mounted under /<id>, migrate into their own schema, and their permissions reach the default roles', async () => {
    const platform = await buildTestApp({
      databaseUrl: await newDatabaseUrl(),
      apps: [echoApp('alpha'), echoApp('beta')],
    });
    try {
      const user = await platform.createUser('mounted');
      const created = await platform.app.inject({
        method: 'POST',
        url: '/alpha/api/notes',
        headers: user.headers,
        payload: { text: 'hi' },
      });
      assert.equal(created.statusCode, 200, created.body);
      assert.equal(
        (
          await platform.app.inject({
            method: 'POST',
            url: '/api/notes',
            headers: user.headers,
            payload: { text: 'x' },
          })
        ).statusCode,
        404,
      );
      const apps = (await platform.app.inject({ url: '/platform/api/apps', headers: user.headers })).json();
      assert.deepEqual(
        apps.items.map((item: { id: string; basePath: string }) => [item.id, item.basePath]),
        [
          ['alpha', '/alpha/'],
          ['beta', '/beta/'],
        ],
      );
    } finally {
      await platform.close();
    }
  });

  test('MOUNT_AT_ROOT serves the single app at / with its own paths', async () => {
    const platform = await buildTestApp({
      databaseUrl: await newDatabaseUrl(),
      apps: [echoApp('gamma')],
      env: { MOUNT_AT_ROOT: '1', APPS: 'gamma' },
    });
    try {
      const user = await platform.createUser('standalone');
      assert.equal(
        (
          await platform.app.inject({
            method: 'POST',
            url: '/api/notes',
            headers: user.headers,
            payload: { text: 'x' },
          })
        ).statusCode,
        200,
      );
      assert.equal((await platform.app.inject({ url: '/healthz' })).statusCode, 200, 'kernel routes stay');
    } finally {
      await platform.close();
    }
  });

  test('schema failures answer 400 by default and 422 for apps that declare it, always with the error shape', async () => {
    const platform = await buildTestApp({
      databaseUrl: await newDatabaseUrl(),
      apps: [echoApp('plain'), echoApp('fastapi', 422)],
    });
    try {
      const user = await platform.createUser('validator');
      const plain = await platform.app.inject({
        method: 'POST',
        url: '/plain/api/notes',
        headers: user.headers,
        payload: { text: '' },
      });
      assert.equal(plain.statusCode, 400);
      assert.equal(plain.json().error.code, 'validation_failed');
      const fastapi = await platform.app.inject({
        method: 'POST',
        url: '/fastapi/api/notes',
        headers: user.headers,
        payload: { nope: 1 },
      });
      assert.equal(fastapi.statusCode, 422);
      assert.equal(fastapi.json().error.code, 'validation_failed');
    } finally {
      await platform.close();
    }
  });
});

test('APPS selects the hosted apps and names unknown ones', async () => {
  const loaders = { alpha: async () => echoApp('alpha'), beta: async () => echoApp('beta') };
  assert.deepEqual(
    (await selectApps(loadConfig({ APPS: 'beta' }), loaders)).map((app) => app.id),
    ['beta'],
  );
  assert.deepEqual(
    (await selectApps(loadConfig({}), loaders)).map((app) => app.id),
    ['alpha', 'beta'],
  );
  await assert.rejects(selectApps(loadConfig({ APPS: 'alpha,zeta' }), loaders), /unknown app\(s\): zeta/);
  assert.throws(() => defineApp({ id: 'Bad_Id', title: 'x' }), /kebab-case/);
});

test('the 404 handler is rate limited', async () => {
  const platform = await buildTestApp();
  try {
    let status = 404;
    for (let attempt = 0; attempt < 310 && status === 404; attempt++) {
      status = (await platform.app.inject({ url: `/probe-${attempt}`, remoteAddress: '10.1.2.3' })).statusCode;
    }
    assert.equal(status, 429);
    assert.equal(
      (await platform.app.inject({ url: '/probe-other', remoteAddress: '10.1.2.4' })).statusCode,
      404,
      'other clients are unaffected',
    );
  } finally {
    await platform.close();
  }
});
