import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attachmentDisposition, fileNameOfKey } from './content-disposition.ts';

test('a Unicode name gets an ASCII fallback and an exact RFC 5987 filename* (spec acceptance 2)', () => {
  assert.equal(
    attachmentDisposition("Capture d'écran 日本.txt"),
    `attachment; filename="Capture d'_cran __.txt"; filename*=UTF-8''Capture%20d%27%C3%A9cran%20%E6%97%A5%E6%9C%AC.txt`,
  );
});

test('quotes, backslashes and control characters never break out of the quoted fallback', () => {
  assert.equal(
    attachmentDisposition('a"b\\c\n(1)*.txt'),
    `attachment; filename="a_b_c_(1)*.txt"; filename*=UTF-8''a%22b%5Cc%0A%281%29%2A.txt`,
  );
});

test('the saved name is the last segment of the key', () => {
  assert.equal(fileNameOfKey('dir/sub/model.safetensors'), 'model.safetensors');
  assert.equal(fileNameOfKey('top.txt'), 'top.txt');
  assert.equal(fileNameOfKey('folder/'), 'folder');
});
