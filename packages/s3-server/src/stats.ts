// Counters tests and benchmarks read from a running server: per-operation requests and bytes, keys being written
// concurrently (to check client concurrency limits), and a bounded log of selected request headers.

export interface RequestLogEntry {
  method: string;
  /** Path and query as received. */
  path: string;
  op: string;
  headers: Record<string, string>;
}

export interface S3Stats {
  requests: Record<string, number>;
  /** Error responses by S3 code. */
  errors: Record<string, number>;
  bytesIn: Record<string, number>;
  bytesOut: Record<string, number>;
  /** Distinct keys with a PutObject/UploadPart body in flight, now and at most. */
  currentKeysWriting: number;
  peakKeysWriting: number;
  requestLog: RequestLogEntry[];
}

const LOGGED_HEADERS = [
  'content-length',
  'content-md5',
  'content-encoding',
  'content-type',
  'range',
  'x-amz-content-sha256',
  'x-amz-decoded-content-length',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-trailer',
  'x-amz-copy-source',
  'x-amz-copy-source-range',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
];
/** Keeps memory bounded on long benchmark runs. */
const MAX_LOG_ENTRIES = 20_000;

const increment = (counters: Record<string, number>, name: string, by = 1): void => {
  counters[name] = (counters[name] ?? 0) + by;
};

export class StatsRecorder {
  readonly stats: S3Stats = {
    requests: {},
    errors: {},
    bytesIn: {},
    bytesOut: {},
    currentKeysWriting: 0,
    peakKeysWriting: 0,
    requestLog: [],
  };
  private readonly writing = new Map<string, number>();

  request(op: string, method: string, path: string, headers: Record<string, string | string[] | undefined>): void {
    increment(this.stats.requests, op);
    const selected: Record<string, string> = {};
    for (const name of LOGGED_HEADERS) {
      const value = headers[name];
      if (value !== undefined) selected[name] = String(value);
    }
    if (this.stats.requestLog.length >= MAX_LOG_ENTRIES) this.stats.requestLog.shift();
    this.stats.requestLog.push({ method, path, op, headers: selected });
  }

  error(code: string): void {
    increment(this.stats.errors, code);
  }

  addBytesIn(op: string, bytes: number): void {
    increment(this.stats.bytesIn, op, bytes);
  }

  addBytesOut(op: string, bytes: number): void {
    increment(this.stats.bytesOut, op, bytes);
  }

  /** Marks a key as being written until the returned function is called. */
  startWriting(bucket: string, key: string): () => void {
    const id = `${bucket}/${key}`;
    this.writing.set(id, (this.writing.get(id) ?? 0) + 1);
    this.updateWriting();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const remaining = (this.writing.get(id) ?? 1) - 1;
      if (remaining > 0) this.writing.set(id, remaining);
      else this.writing.delete(id);
      this.updateWriting();
    };
  }

  private updateWriting(): void {
    this.stats.currentKeysWriting = this.writing.size;
    this.stats.peakKeysWriting = Math.max(this.stats.peakKeysWriting, this.writing.size);
  }
}
