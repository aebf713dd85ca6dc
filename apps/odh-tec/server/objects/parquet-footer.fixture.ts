/** Test fixture: a Parquet `FileMetaData` footer built with a tiny Thrift compact protocol writer. */
const varint = (value: bigint): number[] => {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest ? low | 0x80 : low);
  } while (rest);
  return bytes;
};
const zigzag = (value: bigint) => varint((value << 1n) ^ (value >> 63n));
type Field = [id: number, type: number, bytes: number[]];
export const struct = (fields: Field[]): number[] => {
  const out: number[] = [];
  let last = 0;
  for (const [id, type, bytes] of fields) {
    out.push(
      id - last <= 15 ? ((id - last) << 4) | type : type,
      ...(id - last <= 15 ? [] : zigzag(BigInt(id))),
      ...bytes,
    );
    last = id;
  }
  return [...out, 0];
};
export const i32 = (value: number) => zigzag(BigInt(value));
const binary = (value: string) => {
  const bytes = [...Buffer.from(value, 'utf8')];
  return [...varint(BigInt(bytes.length)), ...bytes];
};
const list = (type: number, items: number[][]) => [(items.length << 4) | type, ...items.flat()];

/** 5,000,000,000 rows in 2 row groups; columns `id` (INT64) and `info.label` (BYTE_ARRAY); key-value metadata to skip. */
export const sampleFooter = Buffer.from(
  struct([
    [1, 5, i32(1)],
    [
      2,
      9,
      list(12, [
        struct([
          [4, 8, binary('schema')],
          [5, 5, i32(2)],
        ]),
        struct([
          [1, 5, i32(2)],
          [3, 5, i32(0)],
          [4, 8, binary('id')],
        ]),
        struct([
          [3, 5, i32(1)],
          [4, 8, binary('info')],
          [5, 5, i32(1)],
        ]),
        struct([
          [1, 5, i32(6)],
          [3, 5, i32(1)],
          [4, 8, binary('label')],
          [6, 5, i32(0)],
        ]),
      ]),
    ],
    [3, 6, zigzag(5_000_000_000n)],
    [4, 9, list(12, [struct([[3, 6, zigzag(10n)]]), struct([[1, 1, []]])])],
    [
      5,
      9,
      list(12, [
        struct([
          [1, 8, binary('pandas')],
          [2, 8, binary('{}')],
        ]),
      ]),
    ],
    [6, 8, binary('test writer 1.0')],
    [40, 7, [0, 0, 0, 0, 0, 0, 0, 0]],
  ]),
);

/** A whole Parquet file around a footer: magic, stand-in column data, footer, its length, magic. */
export function parquetFile(footer: Buffer, dataBytes = 100): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  return Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(dataBytes), footer, length, Buffer.from('PAR1')]);
}
