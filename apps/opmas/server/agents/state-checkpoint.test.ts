import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachEngine } from '@platform/testing';
import { buildTestApp } from '@platform/testing/build-test-app.ts';
import { opmasApp } from '../opmas.app.ts';
import { ruleState } from '../rules/rule.tables.ts';
import { emptyKeyState } from '../rules/window-state.ts';
import { StateCheckpoint } from './state-checkpoint.ts';

describeEachEngine('opmas rule state checkpoints', ({ newDatabaseUrl }) => {
  test('changed keys are upserted and gone keys deleted, in chunks, with the journal cursor', async (t) => {
    const platform = await buildTestApp({ apps: [opmasApp], databaseUrl: await newDatabaseUrl() });
    t.after(() => platform.close());
    const checkpoint = new StateCheckpoint(platform.database, 16);
    const versions = new Map([['ssh.bruteforce', 1]]);
    // Group keys carry log text: quotes, backslashes, commas and braces must survive the key arrays.
    const tricky = ['user="ro\\ot",ip={1}', 'user=a"b', 'user=\\', 'user=NULL', 'user= spaced '];
    const ids = Array.from({ length: 1200 }, (_, n) =>
      n < tricky.length ? `ap-0\u0000${tricky[n]}` : `ap-${n % 7}\u0000ip=198.18.${n >> 8}.${n & 255}`,
    );
    const written = await checkpoint.save(
      { keys: ids.map((id) => ['ssh.bruteforce', id, emptyKeyState()]), sessions: [], resetRules: [] },
      versions,
      41,
    );
    assert.deepEqual(written, { written: 1200, deleted: 0 });
    assert.equal((await platform.database.orm.select().from(ruleState)).length, 1200);
    assert.equal(await checkpoint.journalCursor(), 41);

    const gone = ids.slice(0, 1100);
    const deleted = await checkpoint.save(
      { keys: gone.map((id) => ['ssh.bruteforce', id, null]), sessions: [], resetRules: [] },
      versions,
      42,
    );
    assert.deepEqual(deleted, { written: 0, deleted: 1100 });
    const left = await platform.database.orm.select().from(ruleState);
    assert.deepEqual(left.map((row) => `${row.deviceSlug}\u0000${row.groupKey}`).sort(), ids.slice(1100).sort());
    assert.equal(await checkpoint.journalCursor(), 42);
    const loaded = await checkpoint.load(versions);
    assert.equal(loaded.keys['ssh.bruteforce']?.length, 100);
  });
});
