/**
 * Reads what the View drawer shows of a Parquet file from its footer alone: the `FileMetaData` struct, Thrift compact
 * protocol, found just before the trailing 4-byte length and the `PAR1` magic (Apache Parquet file format).
 */

/** Bytes after the footer: its u32 LE length and the magic `PAR1`. */
export const PARQUET_TRAILER_BYTES = 8;
const MAGIC = 'PAR1';

/** Parquet physical types by their Thrift enum value. */
const PHYSICAL_TYPES = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];
const REPETITIONS = ['REQUIRED', 'OPTIONAL', 'REPEATED'];

export interface ParquetColumn {
  /** dotted path from the root (nested groups included) */
  name: string;
  type: string;
  repetition: string;
}

export interface ParquetSummary {
  rowCount: number;
  rowGroups: number;
  schema: ParquetColumn[];
  createdBy?: string;
}

/** The footer length from the last 8 bytes, or undefined when they are not a Parquet trailer. */
export function parquetFooterLength(trailer: Uint8Array, objectSize: number): number | undefined {
  if (trailer.length < PARQUET_TRAILER_BYTES) return undefined;
  const bytes = Buffer.from(trailer.buffer, trailer.byteOffset + trailer.length - 8, 8);
  if (bytes.toString('latin1', 4) !== MAGIC) return undefined;
  const length = bytes.readUInt32LE(0);
  // The file starts with the magic too, so the footer cannot reach into the first 4 bytes.
  return length > 0 && length + PARQUET_TRAILER_BYTES + 4 <= objectSize ? length : undefined;
}

type Value = number | bigint | boolean | Uint8Array | Value[] | Map<number, Value>;

/** A minimal Thrift compact protocol reader: structs become maps of field id → value; unknown fields are kept too. */
class CompactReader {
  #offset = 0;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  #byte(): number {
    if (this.#offset >= this.#bytes.length) throw new Error('truncated Parquet footer');
    return this.#bytes[this.#offset++]!;
  }

  #varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = this.#byte();
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      if (shift > 63n) throw new Error('varint too long');
    }
  }

  #zigzag(): bigint {
    const raw = this.#varint();
    return (raw >> 1n) ^ -(raw & 1n);
  }

  #value(type: number): Value {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3:
        return (this.#byte() << 24) >> 24;
      case 4:
      case 5:
        return Number(this.#zigzag());
      case 6:
        return this.#zigzag();
      case 7:
        this.#offset += 8;
        return 0;
      case 8: {
        const length = Number(this.#varint());
        if (this.#offset + length > this.#bytes.length) throw new Error('truncated Parquet footer');
        const start = this.#offset;
        this.#offset += length;
        return this.#bytes.subarray(start, this.#offset);
      }
      case 9:
      case 10:
        return this.#list();
      case 11:
        return this.#map();
      case 12:
        return this.struct();
      default:
        throw new Error(`unknown Thrift compact type ${type}`);
    }
  }

  #list(): Value[] {
    const header = this.#byte();
    const size = header >> 4 === 15 ? Number(this.#varint()) : header >> 4;
    const type = header & 0x0f;
    // Booleans inside a list take one byte each (1 = true), unlike struct fields.
    return Array.from({ length: size }, () => (type === 1 || type === 2 ? this.#byte() === 1 : this.#value(type)));
  }

  #map(): Value[] {
    const size = Number(this.#varint());
    if (!size) return [];
    const types = this.#byte();
    return Array.from({ length: size }, () => [this.#value(types >> 4), this.#value(types & 0x0f)]);
  }

  /** One struct, up to its stop field. */
  struct(): Map<number, Value> {
    const fields = new Map<number, Value>();
    let last = 0;
    for (;;) {
      const header = this.#byte();
      if (header === 0) return fields;
      const delta = header >> 4;
      const id = delta ? last + delta : Number(this.#zigzag());
      fields.set(id, this.#value(header & 0x0f));
      last = id;
    }
  }
}

const text = (value: Value | undefined): string | undefined =>
  value instanceof Uint8Array ? new TextDecoder().decode(value) : undefined;

/** Leaf columns of the flattened schema list (depth-first, `num_children` giving each group's size). */
function leafColumns(elements: Map<number, Value>[]): ParquetColumn[] {
  const columns: ParquetColumn[] = [];
  let index = 1;
  const walk = (path: string[], children: number) => {
    for (let child = 0; child < children && index < elements.length; child++) {
      const element = elements[index++]!;
      const name = [...path, text(element.get(4)) ?? '?'];
      const nested = element.get(5);
      if (typeof nested === 'number' && nested > 0) walk(name, nested);
      else {
        columns.push({
          name: name.join('.'),
          type: PHYSICAL_TYPES[element.get(1) as number] ?? 'UNKNOWN',
          repetition: REPETITIONS[element.get(3) as number] ?? 'REQUIRED',
        });
      }
    }
  };
  const root = elements[0]?.get(5);
  walk([], typeof root === 'number' ? root : elements.length - 1);
  return columns;
}

/** Row count, row groups, leaf columns and writer of a Parquet footer (`FileMetaData`); throws on a malformed one. */
export function summarizeParquetFooter(footer: Uint8Array): ParquetSummary {
  const metadata = new CompactReader(footer).struct();
  const schema = metadata.get(2);
  const rows = metadata.get(3);
  if (!Array.isArray(schema) || typeof rows !== 'bigint') throw new Error('not a Parquet FileMetaData');
  const rowGroups = metadata.get(4);
  const createdBy = text(metadata.get(6));
  return {
    rowCount: Number(rows),
    rowGroups: Array.isArray(rowGroups) ? rowGroups.length : 0,
    schema: leafColumns(schema as Map<number, Value>[]),
    ...(createdBy ? { createdBy } : {}),
  };
}
