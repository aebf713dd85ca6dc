import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containsRanges, encodeSearchToken, searchMaxPagesOf } from './object-search.ts';

test('contains ranges are every case-insensitive occurrence, half-open UTF-16 indices into the leaf', () => {
  assert.deepEqual(containsRanges('Model-model.BIN', 'MODEL'), [
    [0, 5],
    [6, 11],
  ]);
  assert.equal(containsRanges('weights.bin', 'json'), undefined);
  // Astral characters count two UTF-16 units.
  assert.deepEqual(containsRanges('😀Data', 'data'), [[2, 6]]);
});

test('a character whose lower case is longer still maps back to its own indices', () => {
  // 'İ' lowers to 'i̇' (two units): the match after it must still point into the original string.
  assert.deepEqual(containsRanges('İxabc', 'ABC'), [[2, 5]]);
  assert.deepEqual(containsRanges('aİb', 'i'), [[1, 2]]);
});

test('search tokens are base64url JSON of {t,q,m}', () => {
  const token = encodeSearchToken({ t: 'abc', q: 'x', m: 'contains' });
  assert.match(token, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(JSON.parse(Buffer.from(token, 'base64url').toString()), { t: 'abc', q: 'x', m: 'contains' });
});

test('ODH_TEC_SEARCH_MAX_PAGES defaults to 5', () => {
  assert.equal(searchMaxPagesOf({}), 5);
  assert.equal(searchMaxPagesOf({ ODH_TEC_SEARCH_MAX_PAGES: '2' }), 2);
  assert.equal(searchMaxPagesOf({ ODH_TEC_SEARCH_MAX_PAGES: 'x' }), 5);
});
