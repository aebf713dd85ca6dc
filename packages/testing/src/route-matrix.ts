import assert from 'node:assert/strict';
import type { RouteEntry } from '@platform/kernel/http/route-inventory.plugin.ts';
import type { TestPlatform, TestUser } from './build-test-app.ts';

/** A value for every path parameter: a syntactically valid id, so the request reaches authentication. */
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

const fillParams = (url: string): string =>
  url.replace(/:([A-Za-z0-9_]+)/g, () => PLACEHOLDER_ID).replace(/\*$/, 'placeholder');

/** The routes a test must cover: every registered route under the prefix. */
export function routesUnder(platform: TestPlatform, prefix = '/'): RouteEntry[] {
  const seen = new Set<string>();
  return platform.app.routeInventory.filter((route) => {
    const key = `${route.method} ${route.url}`;
    if (!route.url.startsWith(prefix) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Every non-public route under the prefix refuses an anonymous request with 401 and the error shape. Routes declared
 * public are listed back so a test can assert that the public set is exactly what the spec allows.
 */
export async function assertAnonymousRefused(platform: TestPlatform, prefix = '/'): Promise<RouteEntry[]> {
  const publicRoutes: RouteEntry[] = [];
  for (const route of routesUnder(platform, prefix)) {
    if (route.public) {
      publicRoutes.push(route);
      continue;
    }
    const response = await platform.app.inject({
      method: route.method as 'GET',
      url: fillParams(route.url),
      payload: ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined,
    });
    assert.equal(
      response.statusCode,
      401,
      `${route.method} ${route.url} answered ${response.statusCode} to an anonymous request`,
    );
    assert.equal(
      response.json().error?.code !== undefined,
      true,
      `${route.method} ${route.url}: 401 without the error shape`,
    );
  }
  return publicRoutes;
}

/** A request another user must not be able to make on the owner's resource. */
export interface ForeignRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: unknown;
}

/**
 * The owner can read the resource; a second ordinary user gets 403 or 404 for every request on it (404 is preferred:
 * it does not reveal that the id exists), and the resource is unchanged afterwards.
 */
export async function assertCrossUserRefused(
  platform: TestPlatform,
  owner: TestUser,
  stranger: TestUser,
  resource: { read: ForeignRequest; attempts: ForeignRequest[] },
): Promise<void> {
  const inject = (user: TestUser, request: ForeignRequest) =>
    platform.app.inject({
      method: request.method,
      url: request.url,
      payload: request.payload as never,
      headers: user.headers,
    });
  const before = await inject(owner, resource.read);
  assert.equal(before.statusCode, 200, `owner cannot read ${resource.read.url}: ${before.statusCode} ${before.body}`);
  for (const attempt of [resource.read, ...resource.attempts]) {
    const response = await inject(stranger, attempt);
    assert.ok(
      response.statusCode === 403 || response.statusCode === 404,
      `${attempt.method} ${attempt.url} by another user answered ${response.statusCode}: ${response.body}`,
    );
  }
  const after = await inject(owner, resource.read);
  assert.equal(after.statusCode, 200);
  assert.deepEqual(
    stripVolatile(after.json()),
    stripVolatile(before.json()),
    `${resource.read.url} changed after another user's attempts`,
  );
}

const stripVolatile = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !['lastUsedAt', 'updatedAt', 'lastSeenAt'].includes(key))
        .map(([key, inner]) => [key, stripVolatile(inner)]),
    );
  }
  return value;
};
