import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyKeyState, pourLeaky, pourMetric, pourThreshold } from './window-state.ts';

const S = 1000;

test('threshold: out-of-order times are inserted sorted and the window is inclusive', () => {
  const state = emptyKeyState();
  assert.equal(pourThreshold(state, 30 * S, 3, 60 * S), undefined);
  assert.equal(pourThreshold(state, 0, 3, 60 * S), undefined);
  assert.deepEqual(state.times, [0, 30 * S]);
  assert.deepEqual(pourThreshold(state, 60 * S, 3, 60 * S), { eventCount: 3, firstSeen: 0 });
  assert.deepEqual(state.times, []);
});

test('threshold with distinct counts unique values at their latest time', () => {
  const state = emptyKeyState();
  for (const [value, t] of [
    ['a', 0],
    ['a', 10],
    ['b', 20],
  ] as const) {
    assert.equal(pourThreshold(state, t * S, 3, 60 * S, value), undefined);
  }
  assert.deepEqual(state.distinct, { a: 10 * S, b: 20 * S });
  assert.equal(pourThreshold(state, 75 * S, 3, 60 * S, 'c'), undefined); // a (10 s) fell out of [15 s, 75 s]
  assert.deepEqual(pourThreshold(state, 76 * S, 3, 60 * S, 'd'), { eventCount: 3, firstSeen: 20 * S });
});

test('leaky: drains at leakspeed, forgets distinct values once empty, overflows above capacity', () => {
  const state = emptyKeyState();
  assert.equal(pourLeaky(state, 0, 2, 5 * S, 'p1'), undefined);
  assert.equal(pourLeaky(state, 0, 2, 5 * S, 'p1'), undefined); // duplicate value ignored
  assert.equal(state.level, 1);
  assert.equal(pourLeaky(state, 5 * S, 2, 5 * S, 'p1'), undefined); // drained to 0: the set is cleared, p1 counts again
  assert.equal(state.level, 1);
  assert.equal(pourLeaky(state, 5 * S, 2, 5 * S, 'p2'), undefined);
  assert.deepEqual(pourLeaky(state, 5 * S, 2, 5 * S, 'p3'), { eventCount: 3, firstSeen: 5 * S });
  assert.deepEqual([state.level, state.distinct, state.poured], [0, {}, 0]);
  assert.equal(pourLeaky(state, 4 * S, 2, 5 * S), undefined); // an older event does not refill the bucket backwards
  assert.equal(state.lastTs, 5 * S);
});

test('metric: aggregates over [t − window, t] with a minimum sample count', () => {
  const rule = { aggregate: 'max' as const, windowMs: 60 * S, minSamples: 2, op: '>=', value: 5 };
  const state = emptyKeyState();
  assert.equal(pourMetric(state, 0, 9, rule), undefined);
  assert.equal(pourMetric(state, 61 * S, 1, rule), undefined); // the 9 left the window
  assert.deepEqual(pourMetric(state, 62 * S, 5, rule), { eventCount: 2, firstSeen: 61 * S });
  assert.deepEqual(state.samples, []);
  const min = { ...rule, aggregate: 'min' as const, op: '<', value: 0 };
  const cold = emptyKeyState();
  pourMetric(cold, 0, 3, min);
  assert.deepEqual(pourMetric(cold, S, -1, min), { eventCount: 2, firstSeen: 0 });
});
