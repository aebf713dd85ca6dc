import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { IngestJournal, type JournalRecord } from './ingest-journal.ts';
import type { LogBatch } from './ingest-types.ts';

const batch = (n: number): LogBatch => ({
  v: 1,
  domain: 'system',
  device: 'ap-1',
  device_id: '00000000-0000-4000-8000-000000000001',
  node: 'test',
  seq: n,
  events: [],
});

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'opmas-journal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const seqs = (records: Iterable<JournalRecord>) => [...records].map((record) => record.seq);

test('appends survive a reopen; reads take a sequence range; live appends reach the listener', (t) => {
  const dir = tempDir(t);
  const journal = IngestJournal.open(dir, { segmentBytes: 1 << 20, startAfter: 0 });
  const live: number[] = [];
  journal.onAppend((record) => live.push(record.seq));
  for (let n = 1; n <= 5; n++) assert.equal(journal.append(batch(n)), n);
  assert.deepEqual(live, [1, 2, 3, 4, 5]);
  journal.close();

  const reopened = IngestJournal.open(dir, { segmentBytes: 1 << 20, startAfter: 0 });
  t.after(() => reopened.close());
  assert.equal(reopened.lastSeq, 5);
  assert.deepEqual(seqs(reopened.read(2, 4)), [3, 4]);
  assert.deepEqual(
    [...reopened.read(0, 5)].map((record) => record.batch.seq),
    [1, 2, 3, 4, 5],
  );
  assert.equal(reopened.append(batch(6)), 6);
});

test('a batch torn by a kill mid-write is cut off at reopen and its number is reused', (t) => {
  const dir = tempDir(t);
  const journal = IngestJournal.open(dir, { segmentBytes: 1 << 20, startAfter: 0 });
  journal.append(batch(1));
  journal.append(batch(2));
  journal.close();
  const [segment] = readdirSync(dir);
  appendFileSync(join(dir, segment), '{"seq":3,"batch":{"v":1,"dom');
  const reopened = IngestJournal.open(dir, { segmentBytes: 1 << 20, startAfter: 0 });
  t.after(() => reopened.close());
  assert.equal(reopened.lastSeq, 2);
  assert.equal(reopened.append(batch(3)), 3);
  assert.deepEqual(seqs(reopened.read(0, 3)), [1, 2, 3]);
});

test('segments rotate by size and are deleted once a checkpoint covers them; numbering continues after the cursor', (t) => {
  const dir = tempDir(t);
  const journal = IngestJournal.open(dir, { segmentBytes: 200, startAfter: 0 });
  for (let n = 1; n <= 10; n++) journal.append(batch(n));
  const segments = readdirSync(dir).length;
  assert.ok(segments >= 4, `${segments} segments`);
  assert.deepEqual(seqs(journal.read(6, 10)), [7, 8, 9, 10]);
  assert.ok(journal.truncate(6) > 0);
  assert.deepEqual(seqs(journal.read(6, 10)), [7, 8, 9, 10], 'nothing after the cursor is deleted');
  assert.ok(journal.truncate(10) > 0);
  assert.equal(readdirSync(dir).length, 1, 'the segment being written stays');
  journal.close();

  const fresh = tempDir(t);
  const empty = IngestJournal.open(fresh, { segmentBytes: 200, startAfter: 41 });
  t.after(() => empty.close());
  assert.equal(empty.lastSeq, 41);
  assert.equal(empty.append(batch(1)), 42);
});
