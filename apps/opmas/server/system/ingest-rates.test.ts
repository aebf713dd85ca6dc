import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IngestRateSampler, SAMPLE_INTERVAL_MS } from './ingest-rates.ts';

test('rates are the accepted delta per second over the window; drops are the delta count', () => {
  let now = 1_000_000;
  const totals = { accepted: 0, dropped: 0 };
  const sampler = new IngestRateSampler(
    () => ({ ...totals }),
    () => now,
  );
  // 10 accepted and 1 dropped per 5 s sample, for 6 minutes.
  for (let i = 0; i < 72; i++) {
    now += SAMPLE_INTERVAL_MS;
    totals.accepted += 10;
    totals.dropped += 1;
    sampler.sample();
  }
  assert.equal(sampler.rate(60_000), 2);
  assert.equal(sampler.rate(5 * 60_000), 2);
  assert.equal(sampler.drops(60_000), 12);

  // A burst of 600 in the 5 s after the last sample moves the 1-minute rate more than the 5-minute one:
  // (11 × 10 + 600) / 60 s and (59 × 10 + 600) / 300 s.
  now += SAMPLE_INTERVAL_MS;
  totals.accepted += 600;
  assert.equal(sampler.rate(60_000), 11.83);
  assert.equal(sampler.rate(5 * 60_000), 3.97);
});

test('a young process reports over the time it has, and 0 before a second has passed', () => {
  let now = 0;
  const totals = { accepted: 0, dropped: 0 };
  const sampler = new IngestRateSampler(
    () => ({ ...totals }),
    () => now,
  );
  totals.accepted = 50;
  assert.equal(sampler.rate(60_000), 0);
  now = 10_000;
  assert.equal(sampler.rate(60_000), 5);
});
