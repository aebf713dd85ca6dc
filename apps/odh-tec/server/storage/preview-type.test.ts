import assert from 'node:assert/strict';
import { test } from 'node:test';
import { previewContentType } from './preview-type.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('images are recognised by their magic bytes, whatever the key says', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  assert.equal(previewContentType('picture.txt', png, false), 'image/png');
  assert.equal(previewContentType('x', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]), false), 'image/jpeg');
  assert.equal(previewContentType('x', bytes('GIF89a....'), false), 'image/gif');
  assert.equal(previewContentType('x', bytes('RIFF\u0001\u0002\u0003\u0004WEBPVP8 '), false), 'image/webp');
});

test('UTF-8 text is plain text, HTML included; SVG keeps its type', () => {
  assert.equal(previewContentType('a.txt', bytes('héllo 日本'), false), 'text/plain; charset=utf-8');
  assert.equal(previewContentType('page.html', bytes('<html><script>x</script>'), false), 'text/plain; charset=utf-8');
  assert.equal(
    previewContentType('logo.svg', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'), false),
    'image/svg+xml',
  );
});

test('a head cut inside a character is still text, but invalid UTF-8 or NUL bytes are binary', () => {
  const cut = bytes('日本').subarray(0, 4);
  assert.equal(previewContentType('a.txt', cut, true), 'text/plain; charset=utf-8');
  assert.equal(previewContentType('a.txt', cut, false), 'application/octet-stream');
  assert.equal(previewContentType('a.txt', Uint8Array.from([0x61, 0, 0x62]), false), 'application/octet-stream');
  assert.equal(previewContentType('a.txt', Uint8Array.from([0xc3, 0x28]), false), 'application/octet-stream');
});
