import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { baseElementTag, basePathMetaTag, injectBasePath } from './index-html.ts';

const webRoot = dirname(dirname(fileURLToPath(import.meta.url)));
let outDir = '';
let html = '';

before(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'portal-build-'));
  await build({
    root: webRoot,
    configFile: join(webRoot, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  html = await readFile(join(outDir, 'index.html'), 'utf8');
});
after(() => rm(outDir, { recursive: true, force: true }));

test('the built index.html carries the literals the server rewrites', () => {
  assert.ok(html.includes(basePathMetaTag), 'base-path meta tag');
  assert.ok(html.includes(baseElementTag), 'base element');
  assert.ok(
    html.indexOf(baseElementTag) < html.indexOf('<script'),
    'the base element precedes every asset reference so it governs them',
  );
});

test('assets are referenced relatively and exist in the output', async () => {
  const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
  // Left out: the base element's `/` and the inline empty favicon (which spares a request outside the base path).
  const assets = references.filter((reference) => reference !== '/' && !reference.startsWith('data:'));
  assert.ok(
    assets.some((reference) => reference.endsWith('.js')),
    'an entry script',
  );
  assert.ok(
    assets.some((reference) => reference.endsWith('.css')),
    'a stylesheet',
  );
  const files = new Set(await readdir(join(outDir, 'assets')));
  for (const reference of assets) {
    assert.match(reference, /^\.\/assets\//, `${reference} is relative`);
    assert.ok(files.has(reference.slice('./assets/'.length)), `${reference} was emitted`);
  }
});

test('lazily loaded chunks are imported relative to the entry, never from the site root', async () => {
  const entry = [...html.matchAll(/src="\.\/assets\/([^"]+\.js)"/g)][0]?.[1];
  assert.ok(entry);
  const code = await readFile(join(outDir, 'assets', entry), 'utf8');
  assert.ok(!code.includes('"/assets/'), 'no root-absolute asset URL');
  const chunks = (await readdir(join(outDir, 'assets'))).filter((file) => file.endsWith('.js') && file !== entry);
  assert.ok(chunks.length > 0, 'admin pages are split into their own chunks');
});

test('under a base path the served page points the SPA and its assets there', () => {
  const served = injectBasePath(html, '/portal/');
  assert.match(served, /<meta name="platform-base-path" content="\/portal\/">/);
  assert.match(served, /<base href="\/portal\/">/);
});
