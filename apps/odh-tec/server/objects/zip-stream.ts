import { crc32 } from 'node:zlib';

/** One file of a ZIP archive; `open` is called only when the entry is written, so one source is open at a time. */
export interface ZipEntry {
  name: string;
  /** the size announced by the listing; decides up front whether the entry needs zip64 fields */
  size: number;
  modified: Date;
  open(): Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>>;
}

export interface ZipOptions {
  /** zip64 records for every entry and the end record, whatever the sizes (small archives that exercise zip64) */
  forceZip64?: boolean;
}

const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;
/** Bit 3: sizes and CRC follow the data (a data descriptor); bit 11: the name is UTF-8 (APPNOTE 4.4.4). */
const FLAGS = 0x0008 | 0x0800;
const VERSION_ZIP64 = 45;
const VERSION_PLAIN = 20;

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  zip64: boolean;
  time: number;
  date: number;
}

/** MS-DOS time and date (2-second resolution, 1980–2107), in UTC so archives do not depend on the server's zone. */
function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

function localHeader(entry: Written): Buffer {
  const extra = entry.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (entry.zip64) {
    // Sizes are in the data descriptor; the zip64 field is present (zero) so readers expect 8-byte descriptor sizes.
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
  }
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(entry.zip64 ? VERSION_ZIP64 : VERSION_PLAIN, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(0, 8);
  header.writeUInt16LE(entry.time, 10);
  header.writeUInt16LE(entry.date, 12);
  header.writeUInt32LE(0, 14);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : 0, 18);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : 0, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, entry.name, extra]);
}

function dataDescriptor(entry: Written): Buffer {
  const descriptor = Buffer.alloc(entry.zip64 ? 24 : 16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(entry.crc, 4);
  if (entry.zip64) {
    descriptor.writeBigUInt64LE(BigInt(entry.size), 8);
    descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
  } else {
    descriptor.writeUInt32LE(entry.size, 8);
    descriptor.writeUInt32LE(entry.size, 12);
  }
  return descriptor;
}

function centralHeader(entry: Written, force: boolean): Buffer {
  const bigSize = entry.zip64 && (force || entry.size >= MAX_32);
  const bigOffset = force || entry.offset >= MAX_32;
  const fields = [...(bigSize ? [entry.size, entry.size] : []), ...(bigOffset ? [entry.offset] : [])];
  const extra = Buffer.alloc(fields.length ? 4 + 8 * fields.length : 0);
  if (fields.length) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8 * fields.length, 2);
    for (const [index, value] of fields.entries()) extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index);
  }
  const version = entry.zip64 || bigOffset ? VERSION_ZIP64 : VERSION_PLAIN;
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  // Made by a Unix host (upper byte 3): readers then keep the UTF-8 names and the mode in the external attributes.
  header.writeUInt16LE((3 << 8) | version, 4);
  header.writeUInt16LE(version, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(entry.time, 12);
  header.writeUInt16LE(entry.date, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(bigSize ? MAX_32 : entry.size, 20);
  header.writeUInt32LE(bigSize ? MAX_32 : entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  // comment length, disk number, internal attributes: 0; external attributes: a regular file, rw-r--r--.
  header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  header.writeUInt32LE(bigOffset ? MAX_32 : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

function endRecords(count: number, directoryOffset: number, directorySize: number, force: boolean): Buffer {
  const zip64 = force || count >= MAX_16 || directoryOffset >= MAX_32 || directorySize >= MAX_32;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? MAX_16 : count, 8);
  end.writeUInt16LE(zip64 ? MAX_16 : count, 10);
  end.writeUInt32LE(zip64 ? MAX_32 : directorySize, 12);
  end.writeUInt32LE(zip64 ? MAX_32 : directoryOffset, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(VERSION_ZIP64, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(directorySize), 40);
  record.writeBigUInt64LE(BigInt(directoryOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(directoryOffset + directorySize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}

/**
 * A stored (uncompressed) ZIP archive written as it streams (spec 01-odh-tec S2): each entry's bytes pass through once,
 * CRC-32 and size go to a data descriptor after them, and zip64 records appear where sizes, offsets or the entry count
 * pass the 32/16-bit fields. Nothing but the central directory (names and numbers) is kept in memory.
 */
export async function* zipStream(entries: AsyncIterable<ZipEntry>, options: ZipOptions = {}): AsyncGenerator<Buffer> {
  const force = options.forceZip64 ?? false;
  const written: Written[] = [];
  let offset = 0;
  for await (const entry of entries) {
    const current: Written = {
      name: Buffer.from(entry.name, 'utf8'),
      crc: 0,
      size: 0,
      offset,
      zip64: force || entry.size >= MAX_32,
      ...dosDateTime(entry.modified),
    };
    const header = localHeader(current);
    yield header;
    for await (const chunk of await entry.open()) {
      current.crc = crc32(chunk, current.crc);
      current.size += chunk.length;
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    }
    if (!current.zip64 && current.size >= MAX_32) throw new Error(`${entry.name} grew past 4 GiB while zipping`);
    const descriptor = dataDescriptor(current);
    yield descriptor;
    offset += header.length + current.size + descriptor.length;
    written.push(current);
  }
  const directory = Buffer.concat(written.map((entry) => centralHeader(entry, force)));
  yield directory;
  yield endRecords(written.length, offset, directory.length, force);
}

/** An entry name from a key below a prefix: `..`, `.` and empty segments dropped (spec "Bad input and security"). */
export function zipEntryName(key: string, prefix: string): string {
  return key
    .slice(prefix.length)
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .join('/');
}
