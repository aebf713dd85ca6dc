import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseElementTag, basePathMetaTag, injectBasePath, normalizeBasePath } from './index-html.ts';

const page = `<head>${basePathMetaTag}\n${baseElementTag}<script src="./assets/app.js"></script></head>`;

test('normalizeBasePath gives one leading and one trailing slash', () => {
  assert.equal(normalizeBasePath(''), '/');
  assert.equal(normalizeBasePath('/'), '/');
  assert.equal(normalizeBasePath('portal'), '/portal/');
  assert.equal(normalizeBasePath('//portal//'), '/portal/');
  assert.equal(normalizeBasePath(' /a/b '), '/a/b/');
});

test('injectBasePath rewrites the meta tag and the base element to the mount point', () => {
  const html = injectBasePath(page, '/portal');
  assert.match(html, /<meta name="platform-base-path" content="\/portal\/">/);
  assert.match(html, /<base href="\/portal\/">/);
  assert.ok(!html.includes(basePathMetaTag));
  assert.ok(html.includes('src="./assets/app.js"'), 'asset URLs stay relative');
});

test('injectBasePath keeps the root mount as it is', () => {
  assert.equal(injectBasePath(page, '/'), page);
});

test('injectBasePath cannot be used to break out of the attribute', () => {
  const html = injectBasePath(page, '/x"><script>alert(1)</script>');
  assert.ok(!html.includes('"><script>alert(1)'));
  assert.match(html, /content="\/x&quot;>&lt;script>alert\(1\)&lt;\/script>\/"/);
});
