import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActivityTracker } from './activity.ts';

test('busy while a transfer runs, alive after use, idle once the idle window has passed', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const tracker = new ActivityTracker(() => now);
  assert.equal(tracker.state(true, 10), 'busy');
  assert.equal(tracker.state(false, 10), 'alive');
  now += 10 * 60_000;
  assert.equal(tracker.state(false, 10), 'idle');
  tracker.touch();
  assert.equal(tracker.state(false, 10), 'alive');
  assert.equal(tracker.lastActivity.toISOString(), '2026-01-01T00:10:00.000Z');
});
