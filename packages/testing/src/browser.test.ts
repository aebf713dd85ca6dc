import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import {
  browserTierSkipReason,
  CHROMIUM_MISSING,
  launchBrowser,
  screenshotDir,
  screenshotFileName,
} from './browser.ts';

const page = `<!doctype html><html><head><title>Browser helper</title></head>
<body><h1 id="greeting">Hello from the test server</h1>
<script>document.getElementById('greeting').dataset.ready = String(1 + 1);</script></body></html>`;

test('screenshot names are made file-safe', () => {
  assert.equal(screenshotFileName('Login page / dark'), 'login-page-dark.png');
  assert.equal(screenshotFileName('web.shell-01'), 'web.shell-01.png');
  assert.throws(() => screenshotFileName(' // '), /no usable characters/);
});

test('a missing Chromium skips outside CI and fails in CI', (t) => {
  const previous = process.env.CI;
  t.after(() => {
    if (previous === undefined) delete process.env.CI;
    else process.env.CI = previous;
  });
  const warnings: string[] = [];
  const warn = (line: string) => warnings.push(line);
  delete process.env.CI;
  assert.match(browserTierSkipReason(() => false, warn) ?? '', /install the Debian package chromium/);
  assert.deepEqual(warnings, [CHROMIUM_MISSING], 'the skip is announced loudly');
  process.env.CI = 'true';
  assert.throws(() => browserTierSkipReason(() => false, warn), /missing browser tier/);
  assert.equal(
    browserTierSkipReason(() => true, warn),
    undefined,
  );
});

test('the browser renders a served page and screenshots it', async (t) => {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const browser = await launchBrowser(t);
  if (!browser) return;
  t.after(() => browser.close());

  await browser.page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  assert.equal(await browser.page.title(), 'Browser helper');
  assert.equal(await browser.page.textContent('#greeting'), 'Hello from the test server');
  assert.equal(await browser.page.getAttribute('#greeting', 'data-ready'), '2', 'scripts run');

  const path = await browser.screenshot('testing-browser-helper');
  assert.ok(path.startsWith(screenshotDir));
  const png = await readFile(path);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  assert.deepEqual(browser.pageErrors, []);
});
