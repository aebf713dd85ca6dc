import assert from 'node:assert/strict';
import { test } from 'node:test';
import { i32, sampleFooter, struct } from './parquet-footer.fixture.ts';
import { parquetFooterLength, summarizeParquetFooter } from './parquet-footer.ts';

test('a FileMetaData footer gives rows, row groups, leaf columns with nested paths and the writer', () => {
  assert.deepEqual(summarizeParquetFooter(sampleFooter), {
    rowCount: 5_000_000_000,
    rowGroups: 2,
    schema: [
      { name: 'id', type: 'INT64', repetition: 'REQUIRED' },
      { name: 'info.label', type: 'BYTE_ARRAY', repetition: 'OPTIONAL' },
    ],
    createdBy: 'test writer 1.0',
  });
});

test('a cut footer or one without rows is refused', () => {
  assert.throws(() => summarizeParquetFooter(sampleFooter.subarray(0, 20)), /truncated/);
  assert.throws(() => summarizeParquetFooter(Buffer.from(struct([[1, 5, i32(1)]]))), /FileMetaData/);
});

test('the trailer gives the footer length only with the PAR1 magic and a length inside the file', () => {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(100, 0);
  trailer.write('PAR1', 4, 'latin1');
  assert.equal(parquetFooterLength(trailer, 112), 100);
  assert.equal(parquetFooterLength(trailer, 111), undefined);
  assert.equal(parquetFooterLength(Buffer.from('12345678'), 1000), undefined);
});
