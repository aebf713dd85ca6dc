import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deduplicator, DedupWindows } from './dedup.ts';

test('reports an id as duplicate only after it was seen', () => {
  const dedup = new Deduplicator(3);
  assert.equal(dedup.isDuplicate('a'), false);
  assert.equal(dedup.isDuplicate('a'), true);
  assert.equal(dedup.isDuplicate('b'), false);
  assert.equal(dedup.size, 2);
});

test('forgets the least recently seen id once the window is full', () => {
  const dedup = new Deduplicator(3);
  for (const id of ['a', 'b', 'c']) dedup.isDuplicate(id);
  // Seeing `a` again refreshes it, so `b` is now the oldest and is evicted by `d`.
  assert.equal(dedup.isDuplicate('a'), true);
  assert.equal(dedup.isDuplicate('d'), false);
  assert.equal(dedup.size, 3);
  assert.equal(dedup.isDuplicate('a'), true);
  assert.equal(dedup.isDuplicate('c'), true);
  assert.equal(dedup.isDuplicate('b'), false, 'b fell out of the window');
});

test('stays bounded under a long stream of distinct ids', () => {
  const dedup = new Deduplicator(100);
  for (let n = 0; n < 10_000; n++) assert.equal(dedup.isDuplicate(`id-${n}`), false);
  assert.equal(dedup.size, 100);
  assert.equal(dedup.isDuplicate('id-9999'), true);
  assert.equal(dedup.isDuplicate('id-9899'), false);
});

test('rejects a window that is not a positive integer', () => {
  for (const capacity of [0, -1, 1.5, Number.NaN]) assert.throws(() => new Deduplicator(capacity), RangeError);
});

test('plain subscriptions get their own window, queue group members share one', () => {
  const windows = new DedupWindows(10);
  const first = windows.acquire(undefined);
  const second = windows.acquire(undefined);
  assert.notEqual(first.window, second.window);

  const memberA = windows.acquire('workers');
  const memberB = windows.acquire('workers');
  const other = windows.acquire('auditors');
  assert.equal(memberA.window, memberB.window);
  assert.notEqual(memberA.window, other.window);
  memberA.window.isDuplicate('m1');
  assert.equal(memberB.window.isDuplicate('m1'), true);
});

test('a queue window lives while any member does', () => {
  const windows = new DedupWindows(10);
  const memberA = windows.acquire('workers');
  const memberB = windows.acquire('workers');
  memberA.window.isDuplicate('m1');
  memberA.release();
  memberA.release();
  const memberC = windows.acquire('workers');
  assert.equal(memberC.window, memberB.window, 'still shared while B is subscribed');
  memberB.release();
  memberC.release();
  const fresh = windows.acquire('workers');
  assert.notEqual(fresh.window, memberB.window);
  assert.equal(fresh.window.isDuplicate('m1'), false);
});
