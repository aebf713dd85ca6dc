import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRange } from './range.ts';

test('single ranges resolve against the object size', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-5', 100), { start: 95, end: 99 });
  assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=50-5000', 100), { start: 50, end: 99 });
  assert.deepEqual(parseRange('bytes=0-0', 1), { start: 0, end: 0 });
});

test('unsatisfiable ranges are InvalidRange with Content-Range */size', () => {
  for (const header of ['bytes=100-', 'bytes=100-200', 'bytes=-0']) {
    assert.throws(() => parseRange(header, 100), {
      code: 'InvalidRange',
      status: 416,
      headers: { 'Content-Range': 'bytes */100' },
    });
  }
  assert.throws(() => parseRange('bytes=0-', 0), { code: 'InvalidRange' });
});

test('syntax errors and multiple ranges are ignored (whole object)', () => {
  for (const header of [undefined, '', 'bytes=', 'bytes=-', 'items=0-1', 'bytes=0-1,3-4', 'bytes=5-2', 'bytes=a-b']) {
    assert.equal(parseRange(header, 100), undefined, String(header));
  }
});
