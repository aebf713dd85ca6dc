import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiUrl, type MetaSource, readBasePath, routerBasename } from './base-path.ts';

const metaWith = (content: string | null): MetaSource => ({
  querySelector: (selector) =>
    selector === 'meta[name="platform-base-path"]' && content !== null ? { getAttribute: () => content } : null,
});

test('readBasePath reads the meta tag the server rewrote', () => {
  assert.equal(readBasePath(metaWith('/portal/')), '/portal/');
  assert.equal(readBasePath(metaWith('/portal')), '/portal/');
});

test('readBasePath falls back to the root without the tag or a document', () => {
  assert.equal(readBasePath(metaWith(null)), '/');
  assert.equal(readBasePath(undefined), '/');
});

test('routerBasename drops the trailing slash except at the root', () => {
  assert.equal(routerBasename('/'), '/');
  assert.equal(routerBasename('/portal/'), '/portal');
});

test('apiUrl resolves API paths under the base path', () => {
  assert.equal(apiUrl('auth/me', '/'), '/auth/me');
  assert.equal(apiUrl('auth/me', '/portal/'), '/portal/auth/me');
  assert.equal(apiUrl('/platform/api/jobs', '/portal/'), '/portal/platform/api/jobs');
});

test('apiUrl leaves absolute URLs alone', () => {
  assert.equal(apiUrl('https://example.org/x', '/portal/'), 'https://example.org/x');
  assert.equal(apiUrl('http://127.0.0.1:9/a', '/'), 'http://127.0.0.1:9/a');
});
