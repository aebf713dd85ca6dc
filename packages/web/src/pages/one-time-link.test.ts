import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneTimeTokenFromHash, safeNextPath } from './one-time-link.ts';

test('the one-time token is read from the fragment', () => {
  assert.equal(oneTimeTokenFromHash('#one-time=abc.DEF_123'), 'abc.DEF_123');
  assert.equal(oneTimeTokenFromHash('one-time=a%2Bb'), 'a+b');
  assert.equal(oneTimeTokenFromHash(''), undefined);
  assert.equal(oneTimeTokenFromHash('#other=1'), undefined);
  assert.equal(oneTimeTokenFromHash('#one-time='), undefined);
  assert.equal(oneTimeTokenFromHash('#one-time=%E0%A4%A'), undefined);
});

test('only paths inside the portal are followed after sign-in', () => {
  assert.equal(safeNextPath('/admin/jobs?status=failed'), '/admin/jobs?status=failed');
  assert.equal(safeNextPath(null), '/');
  assert.equal(safeNextPath('https://evil.example/'), '/');
  assert.equal(safeNextPath('//evil.example/'), '/');
  assert.equal(safeNextPath('/\\evil.example'), '/');
  assert.equal(safeNextPath('/login?next=/x'), '/');
});
