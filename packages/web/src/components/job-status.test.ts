import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayBoundary, formatTime } from './format.ts';
import { canCancel, canRetry, isTerminalStatus, progressPercent } from './job-status.ts';

test('progressPercent rounds and clamps, and is unknown without a total', () => {
  assert.equal(progressPercent({ current: 1, total: 3 }), 33);
  assert.equal(progressPercent({ current: 5, total: 4 }), 100);
  assert.equal(progressPercent({ current: 0, total: 0 }), undefined);
  assert.equal(progressPercent(null), undefined);
});

test('only live jobs can be cancelled and only ended unsuccessful ones retried', () => {
  assert.deepEqual(
    (['queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead'] as const).map((status) => [
      status,
      canCancel(status),
      canRetry(status),
      isTerminalStatus(status),
    ]),
    [
      ['queued', true, false, false],
      ['running', true, false, false],
      ['succeeded', false, false, true],
      ['failed', false, true, true],
      ['cancelled', false, true, true],
      ['dead', false, true, true],
    ],
  );
});

test('dayBoundary spans the whole local day', () => {
  const from = new Date(dayBoundary('2025-03-09', 'from')!);
  const to = new Date(dayBoundary('2025-03-09', 'to')!);
  assert.deepEqual([from.getFullYear(), from.getMonth(), from.getDate(), from.getHours()], [2025, 2, 9, 0]);
  assert.deepEqual([to.getDate(), to.getHours(), to.getMinutes(), to.getMilliseconds()], [9, 23, 59, 999]);
  assert.equal(dayBoundary('', 'from'), undefined);
  assert.equal(dayBoundary('09/03/2025', 'to'), undefined);
});

test('formatTime shows never as a dash', () => {
  assert.equal(formatTime(null), '—');
  assert.equal(formatTime('not a date'), 'not a date');
});
