import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareUtf8, SortedMap } from './key-order.ts';
import { listPage } from './listing.ts';
import type { ObjectMeta } from './object-store.ts';

function index(keys: string[]): SortedMap<ObjectMeta> {
  const map = new SortedMap<ObjectMeta>();
  for (const key of keys) map.set(key, { key } as ObjectMeta);
  return map;
}

const names = (page: ReturnType<typeof listPage>) => [...page.contents.map((meta) => meta.key), ...page.commonPrefixes];

test('compareUtf8 orders by UTF-8 bytes, not UTF-16 code units', () => {
  const keys = ['\u{1F600}', '\uFFFD', 'z', 'a', '\u00E9'];
  const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual([...keys].sort(compareUtf8), expected);
  assert.deepEqual(expected, ['a', 'z', '\u00E9', '\uFFFD', '\u{1F600}']);
});

test('pages merge keys and common prefixes and resume after the last entry', () => {
  const objects = index(['a', 'b/1', 'b/2', 'c', 'd/x/1', 'e']);
  const first = listPage(objects, { prefix: '', delimiter: '/', maxKeys: 2 });
  assert.deepEqual(names(first), ['a', 'b/']);
  assert.equal(first.isTruncated, true);
  assert.equal(first.lastEntry, 'b/');
  const second = listPage(objects, { prefix: '', delimiter: '/', maxKeys: 2, after: first.lastEntry });
  assert.deepEqual(
    second.contents.map((meta) => meta.key),
    ['c'],
  );
  assert.deepEqual(second.commonPrefixes, ['d/']);
  const third = listPage(objects, { prefix: '', delimiter: '/', maxKeys: 2, after: second.lastEntry });
  assert.deepEqual(names(third), ['e']);
  assert.equal(third.isTruncated, false);
});

test('prefixes restrict, deleted keys disappear and MaxKeys=0 returns nothing', () => {
  const objects = index(['p/a', 'p/b', 'pa', 'q']);
  assert.deepEqual(names(listPage(objects, { prefix: 'p/', delimiter: '', maxKeys: 1000 })), ['p/a', 'p/b']);
  objects.delete('p/a');
  assert.deepEqual(names(listPage(objects, { prefix: 'p', delimiter: '/', maxKeys: 1000 })), ['pa', 'p/']);
  assert.deepEqual(names(listPage(objects, { prefix: '', delimiter: '', maxKeys: 0 })), []);
  assert.deepEqual(names(listPage(objects, { prefix: '', delimiter: '', maxKeys: 10, after: 'p/b' })), ['pa', 'q']);
});
