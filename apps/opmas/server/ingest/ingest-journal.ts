/**
 * The ingest journal: an append-only file of log batches between ingest and the agents in embedded mode, so a killed
 * process loses no accepted message (a message counts as accepted once its batch is journaled; the agents replay
 * every batch after the checkpointed cursor on restart, and finding event ids make the replay idempotent). Batches
 * are JSON lines in segment files named by their first sequence number; a segment is deleted once every batch in it
 * is covered by a checkpoint. Writes are synchronous `write(2)` calls, durable across a process kill (the page cache
 * survives it); a machine crash can lose what the OS had not flushed yet.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { LogBatch } from './ingest-types.ts';

export interface JournalRecord {
  seq: number;
  batch: LogBatch;
}

export interface JournalOptions {
  /** A new segment starts once the current one is this large. */
  segmentBytes: number;
  /** The checkpointed cursor: an empty journal continues after it, so sequence numbers never go back. */
  startAfter: number;
}

const SEGMENT = /^segment-(\d{16})\.jsonl$/;
const segmentName = (firstSeq: number): string => `segment-${String(firstSeq).padStart(16, '0')}.jsonl`;

export class IngestJournal {
  readonly dir: string;
  readonly #segmentBytes: number;
  /** First sequence number of each segment, ascending; the last one is written to. */
  readonly #segments: number[];
  #fd: number;
  #size: number;
  #lastSeq: number;
  #listener: ((record: JournalRecord) => void) | undefined;

  private constructor(dir: string, options: JournalOptions, segments: number[], lastSeq: number) {
    this.dir = dir;
    this.#segmentBytes = options.segmentBytes;
    this.#segments = segments;
    this.#lastSeq = lastSeq;
    const current = segments.at(-1) ?? lastSeq + 1;
    if (segments.length === 0) segments.push(current);
    const path = join(dir, segmentName(current));
    this.#fd = openSync(path, 'a');
    this.#size = statSync(path).size;
  }

  /**
   * Opens (or creates) the journal in `dir`. A batch torn by a kill in the middle of its write is cut off: it was
   * never accepted.
   */
  static open(dir: string, options: JournalOptions): IngestJournal {
    mkdirSync(dir, { recursive: true });
    const segments = readdirSync(dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((first): first is string => first !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    let lastSeq = options.startAfter;
    const last = segments.at(-1);
    if (last !== undefined) {
      const path = join(dir, segmentName(last));
      const { records, completeBytes } = parseSegment(readFileSync(path));
      truncateSync(path, completeBytes);
      lastSeq = Math.max(records.at(-1)?.seq ?? last - 1, options.startAfter);
    }
    return new IngestJournal(dir, options, segments, lastSeq);
  }

  /** Sequence number of the newest batch (the cursor when the journal is empty). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Called synchronously for every appended batch (the agents' live feed). */
  onAppend(listener: ((record: JournalRecord) => void) | undefined): void {
    this.#listener = listener;
  }

  /** Writes one batch and returns its sequence number. */
  append(batch: LogBatch): number {
    const record: JournalRecord = { seq: this.#lastSeq + 1, batch };
    if (this.#size >= this.#segmentBytes) this.#rotate(record.seq);
    const bytes = Buffer.from(`${JSON.stringify(record)}\n`);
    for (let written = 0; written < bytes.length; ) written += writeSync(this.#fd, bytes, written);
    this.#size += bytes.length;
    this.#lastSeq = record.seq;
    this.#listener?.(record);
    return record.seq;
  }

  /** The batches with `afterSeq` < seq ≤ `throughSeq`, oldest first, one segment in memory at a time. */
  *read(afterSeq: number, throughSeq: number): Generator<JournalRecord> {
    for (let i = 0; i < this.#segments.length; i++) {
      const next = this.#segments[i + 1];
      if (next !== undefined && next - 1 <= afterSeq) continue;
      if (this.#segments[i] > throughSeq) return;
      const { records } = parseSegment(readFileSync(join(this.dir, segmentName(this.#segments[i]))));
      for (const record of records) {
        if (record.seq > throughSeq) return;
        if (record.seq > afterSeq) yield record;
      }
    }
  }

  /** Deletes the segments whose batches are all ≤ `throughSeq` (never the one being written). */
  truncate(throughSeq: number): number {
    let removed = 0;
    while (this.#segments.length > 1 && this.#segments[1] - 1 <= throughSeq) {
      const first = this.#segments.shift() as number;
      rmSync(join(this.dir, segmentName(first)), { force: true });
      removed++;
    }
    return removed;
  }

  close(): void {
    this.#listener = undefined;
    closeSync(this.#fd);
  }

  #rotate(firstSeq: number): void {
    closeSync(this.#fd);
    this.#segments.push(firstSeq);
    this.#fd = openSync(join(this.dir, segmentName(firstSeq)), 'a');
    this.#size = 0;
  }
}

/** The complete records of a segment and how many bytes they span (a torn last line is not counted). */
function parseSegment(content: Buffer): { records: JournalRecord[]; completeBytes: number } {
  const records: JournalRecord[] = [];
  let start = 0;
  for (let end = content.indexOf(10, start); end >= 0; end = content.indexOf(10, start)) {
    try {
      records.push(JSON.parse(content.toString('utf8', start, end)) as JournalRecord);
    } catch {
      break; // only the last write can be torn, and nothing follows it
    }
    start = end + 1;
  }
  return { records, completeBytes: start };
}
