import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseByteRange } from './byte-range.ts';

test('single ranges a-b, a- and -n select the inclusive byte span, clipped to the object', () => {
  assert.deepEqual(parseByteRange('bytes=0-0', 10), { kind: 'partial', start: 0, end: 0 });
  assert.deepEqual(parseByteRange('bytes=2-5', 10), { kind: 'partial', start: 2, end: 5 });
  assert.deepEqual(parseByteRange('bytes=4-', 10), { kind: 'partial', start: 4, end: 9 });
  assert.deepEqual(parseByteRange('bytes=-3', 10), { kind: 'partial', start: 7, end: 9 });
  assert.deepEqual(parseByteRange('bytes=-30', 10), { kind: 'partial', start: 0, end: 9 });
  assert.deepEqual(parseByteRange('bytes=8-100', 10), { kind: 'partial', start: 8, end: 9 });
});

test('a start past the end, an empty suffix or any range of an empty object cannot be satisfied', () => {
  assert.deepEqual(parseByteRange('bytes=10-', 10), { kind: 'unsatisfiable' });
  assert.deepEqual(parseByteRange('bytes=999999999-', 10), { kind: 'unsatisfiable' });
  assert.deepEqual(parseByteRange('bytes=-0', 10), { kind: 'unsatisfiable' });
  assert.deepEqual(parseByteRange('bytes=0-', 0), { kind: 'unsatisfiable' });
});

test('no header, bad syntax, reversed bounds and multiple ranges serve the whole object', () => {
  for (const header of [undefined, '', 'bytes=-', 'items=0-1', 'bytes=5-2', 'bytes=0-1,4-5', 'bytes=a-b']) {
    assert.deepEqual(parseByteRange(header, 10), { kind: 'full' }, String(header));
  }
});
