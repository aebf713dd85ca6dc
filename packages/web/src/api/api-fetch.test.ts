import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ApiError, apiFetch, withQuery } from './api-fetch.ts';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  accept: string | undefined;
  body: string;
}

const seen: Seen[] = [];
let origin = '';

function answer(request: IncomingMessage, response: ServerResponse, body: string) {
  seen.push({
    method: request.method ?? '',
    url: request.url ?? '',
    contentType: request.headers['content-type'],
    accept: request.headers.accept,
    body,
  });
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (path === '/echo') {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ got: JSON.parse(body || 'null') }));
  } else if (path === '/empty') {
    response.writeHead(204).end();
  } else if (path === '/denied') {
    response
      .writeHead(401, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'invalid_credentials', message: 'Wrong username or password' } }));
  } else {
    response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
  }
}

const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    body += chunk;
  });
  request.on('end', () => answer(request, response, body));
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('withQuery leaves out empty values and encodes the rest', () => {
  assert.equal(withQuery('/a', { x: '', y: undefined, z: null }), '/a');
  assert.equal(withQuery('/a', { actor: 'a b', limit: 50 }), '/a?actor=a+b&limit=50');
  assert.equal(withQuery('/a?k=1', { m: 'n' }), '/a?k=1&m=n');
});

test('apiFetch sends JSON and parses the JSON answer', async () => {
  const result = await apiFetch<{ got: unknown }>(`${origin}/echo`, {
    method: 'POST',
    body: { username: 'ada' },
    query: { cursor: 'c1', status: '' },
  });
  assert.deepEqual(result, { got: { username: 'ada' } });
  const request = seen.at(-1)!;
  assert.equal(request.method, 'POST');
  assert.equal(request.url, '/echo?cursor=c1');
  assert.equal(request.contentType, 'application/json');
  assert.equal(request.accept, 'application/json');
});

test('apiFetch sends no body or content type on GET', async () => {
  await apiFetch(`${origin}/echo`);
  const request = seen.at(-1)!;
  assert.equal(request.method, 'GET');
  assert.equal(request.contentType, undefined);
  assert.equal(request.body, '');
});

test('apiFetch resolves to undefined for 204', async () => {
  assert.equal(await apiFetch(`${origin}/empty`, { method: 'DELETE' }), undefined);
});

test('apiFetch turns the kernel error shape into an ApiError', async () => {
  const error = await apiFetch(`${origin}/denied`).catch((failure: unknown) => failure);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 401);
  assert.equal(error.code, 'invalid_credentials');
  assert.equal(error.message, 'Wrong username or password');
});

test('apiFetch reports a non-kernel error page by its status', async () => {
  const error = await apiFetch(`${origin}/proxy-error`).catch((failure: unknown) => failure);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 502);
  assert.equal(error.code, 'http_502');
});

test('apiFetch reports an unreachable server as network_error', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const error = await apiFetch(`http://127.0.0.1:${port}/x`).catch((failure: unknown) => failure);
  assert.ok(error instanceof ApiError);
  assert.equal(error.code, 'network_error');
  assert.equal(error.status, 0);
});
