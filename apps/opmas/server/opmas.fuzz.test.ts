/**
 * Bad input on every OPMAS route (spec 02-opmas acceptance 28): malformed ids, query values of the wrong type, bodies
 * of the wrong shape, oversized strings and wrong content types never produce a 5xx, and every refusal carries the
 * error shape `{error:{code,message}}`. The variants are fixed (a seeded generator), so a failure is reproducible.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '@platform/testing';
import { routesUnder } from '@platform/testing/route-matrix.ts';
import { WITHOUT_LISTENERS } from './ingest/ingest-test-kit.ts';
import { opmasApp } from './opmas.app.ts';

/** Live streams answer with an open SSE response; they are exercised by their own tests. */
const STREAMING = new Set(['GET /opmas/api/v1/findings/stream']);

const PARAM_VALUES = [
  '00000000-0000-4000-8000-000000000000',
  'not-a-uuid',
  'conn.iface_flap',
  'x'.repeat(300),
  '%00',
  '..',
];
const QUERIES = [
  '',
  '?limit=-1&cursor=abc',
  '?limit=100000&status=bogus&severity=7',
  '?from=yesterday&to=never&active=maybe&startup=perhaps',
  `?q=${'%ff'.repeat(40)}&device_id=1&mac=zz`,
];

/** A small deterministic generator (mulberry32) for the body variants. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function bodies(seed: number): { payload: string; contentType: string }[] {
  const random = generator(seed);
  const scalar = () =>
    [null, true, -1, 1e308, 'x'.repeat(Math.floor(random() * 5000)), '', [], {}][Math.floor(random() * 8)];
  const keys = [
    'status',
    'lines',
    'logs',
    'doc',
    'id',
    'mode',
    'params',
    'device_id',
    'template_id',
    'enabled',
    'version',
  ];
  const randomObject = () => Object.fromEntries(keys.filter(() => random() < 0.5).map((key) => [key, scalar()]));
  let nested: unknown = 'leaf';
  for (let depth = 0; depth < 200; depth++) nested = { a: nested };
  return [
    { payload: '{}', contentType: 'application/json' },
    { payload: '[]', contentType: 'application/json' },
    { payload: '{"unterminated": ', contentType: 'application/json' },
    { payload: JSON.stringify(randomObject()), contentType: 'application/json' },
    { payload: JSON.stringify(randomObject()), contentType: 'application/json' },
    { payload: JSON.stringify(nested), contentType: 'application/json' },
    { payload: 'plain text body', contentType: 'text/plain' },
    { payload: 'id: [unclosed', contentType: 'application/yaml' },
    { payload: '<xml/>', contentType: 'application/xml' },
  ];
}

test('no OPMAS route answers 5xx to bad input, and every refusal has the error shape (acceptance 28)', async (t) => {
  const platform = await buildTestApp({
    apps: [opmasApp],
    startBackground: true,
    env: { ...WITHOUT_LISTENERS },
  });
  t.after(() => platform.close());
  const admin = await platform.createUser('opmas-fuzz-admin', ['admin']);
  const routes = routesUnder(platform, '/opmas/api/v1').filter(
    (route) => !STREAMING.has(`${route.method} ${route.url}`) && !['HEAD', 'OPTIONS'].includes(route.method),
  );
  assert.ok(routes.length >= 40, `only ${routes.length} routes`);
  let requests = 0;
  for (const [index, route] of routes.entries()) {
    const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
    const variants = hasBody ? bodies(index + 1) : [{ payload: undefined, contentType: undefined }];
    for (const [valueIndex, value] of PARAM_VALUES.entries()) {
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, () => encodeURIComponent(value));
      // Every parameter value with every body, but the query variants only once per route (they rarely interact).
      const queries = valueIndex === 0 ? QUERIES : [''];
      for (const query of queries) {
        for (const body of variants) {
          const response = await platform.app.inject({
            method: route.method as 'GET',
            url: `${path}${query}`,
            payload: body.payload,
            headers: { ...admin.headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
          });
          requests++;
          const where = `${route.method} ${path}${query} ${body.contentType ?? ''} ${(body.payload ?? '').slice(0, 80)}`;
          assert.ok(response.statusCode < 500, `${where} → ${response.statusCode} ${response.body.slice(0, 300)}`);
          if (response.statusCode >= 400) {
            const error = response.json().error;
            assert.ok(
              typeof error?.code === 'string' && typeof error?.message === 'string',
              `${where}: ${response.body}`,
            );
          }
        }
      }
      if (!route.url.includes(':')) break;
    }
  }
  assert.ok(requests > 500, `${requests} requests`);
});
