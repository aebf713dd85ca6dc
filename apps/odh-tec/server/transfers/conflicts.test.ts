import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renamed, resolveConflicts } from './conflicts.ts';

test('rename policy: stem-N.ext after the last dot of the leaf', () => {
  assert.equal(renamed('a.txt', 1), 'a-1.txt');
  assert.equal(renamed('dir.v2/x.tar.gz', 2), 'dir.v2/x.tar-2.gz');
  assert.equal(renamed('cfg/.env', 1), 'cfg/.env-1');
  assert.equal(renamed('Makefile', 3), 'Makefile-3');
});

test('conflicts resolve against one listing, lowest free N, never reusing a name given in the same plan', () => {
  const existing = new Set(['a.txt', 'a-1.txt', 'b.txt']);
  assert.deepEqual(resolveConflicts(['a.txt', 'b.txt', 'c.txt'], existing, 'rename'), [
    { path: 'a-2.txt', conflict: true },
    { path: 'b-1.txt', conflict: true },
    { path: 'c.txt', conflict: false },
  ]);
  assert.deepEqual(resolveConflicts(['a.txt'], existing, 'skip'), [{ path: 'a.txt', conflict: true }]);
});
