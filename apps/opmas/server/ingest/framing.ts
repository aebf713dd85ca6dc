/**
 * Syslog framing (spec 02 "Framing"). TCP/TLS: an incremental decoder that decides per frame between RFC 6587 §3.4.1
 * octet counting (`[1-9][0-9]{0,9} SP` followed by `<`) and non-transparent framing (§3.4.2) ending at LF (a CR before
 * it dropped) or NUL (ubox `log_trailer_null`). UDP: one datagram is one message (RFC 5426 §3.1), minus one trailer.
 * Pure: no sockets; the listener closes the connection when a result carries an error.
 */

export const DEFAULT_MAX_FRAME_BYTES = 65_536;

export interface Frame {
  bytes: Buffer;
  /** Set when the stream ended inside a non-transparent frame. */
  warning?: 'no_trailer';
}

export type FrameError = 'frame_too_large' | 'truncated_frame';

export interface DecodeResult {
  frames: Frame[];
  /** Empty frames are not messages; they are only counted. */
  empty: number;
  /** After an error the decoder is closed: the connection must be closed and later input is ignored. */
  error?: FrameError;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SPACE = 0x20;
const LT = 0x3c;
const EMPTY = Buffer.alloc(0);

type Header = { kind: 'octet'; length: number; start: number } | { kind: 'plain' } | { kind: 'need_more' };

/** Looks at the start of a frame: octet counting needs digits (no leading zero), one SP, then `<`. */
function readHeader(buffer: Buffer): Header {
  const first = buffer[0];
  if (first === undefined) return { kind: 'need_more' };
  if (first < 0x31 || first > 0x39) return { kind: 'plain' };
  let i = 1;
  while (i < buffer.length && i <= 10 && buffer[i] >= 0x30 && buffer[i] <= 0x39) i++;
  if (i >= buffer.length) return i > 10 ? { kind: 'plain' } : { kind: 'need_more' };
  if (buffer[i] !== SPACE) return { kind: 'plain' };
  if (i + 1 >= buffer.length) return { kind: 'need_more' };
  if (buffer[i + 1] !== LT) return { kind: 'plain' };
  return { kind: 'octet', length: Number(buffer.subarray(0, i).toString('latin1')), start: i + 1 };
}

export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #pending: Buffer = EMPTY;
  /** Bytes of `#pending` already searched for a trailer, so a long frame is not rescanned per chunk. */
  #scanned = 0;
  #closed = false;

  constructor(options: { maxFrameBytes?: number } = {}) {
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held for an incomplete frame (bounded by the max frame size plus one chunk). */
  get bufferedBytes(): number {
    return this.#pending.length;
  }

  push(chunk: Uint8Array): DecodeResult {
    const result: DecodeResult = { frames: [], empty: 0 };
    if (this.#closed) return result;
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const header = readHeader(this.#pending);
      if (header.kind === 'need_more') return result;
      if (header.kind === 'octet') {
        if (header.length > this.#maxFrameBytes) return this.#fail(result, 'frame_too_large');
        const end = header.start + header.length;
        if (this.#pending.length < end) return result;
        result.frames.push({ bytes: Buffer.from(this.#pending.subarray(header.start, end)) });
        this.#consume(end);
        continue;
      }
      const trailer = this.#findTrailer();
      if (trailer < 0) {
        if (this.#pending.length > this.#maxFrameBytes) return this.#fail(result, 'frame_too_large');
        return result;
      }
      let end = trailer;
      if (this.#pending[trailer] === LF && end > 0 && this.#pending[end - 1] === CR) end--;
      if (end > this.#maxFrameBytes) return this.#fail(result, 'frame_too_large');
      if (end === 0) result.empty++;
      else result.frames.push({ bytes: Buffer.from(this.#pending.subarray(0, end)) });
      this.#consume(trailer + 1);
    }
  }

  /** End of stream: a partial non-transparent frame is delivered, a partial octet-counted frame is dropped. */
  end(): DecodeResult {
    const result: DecodeResult = { frames: [], empty: 0 };
    if (this.#closed) return result;
    this.#closed = true;
    const pending = this.#pending;
    this.#pending = EMPTY;
    if (pending.length === 0) return result;
    if (readHeader(pending).kind === 'octet') return { ...result, error: 'truncated_frame' };
    const end = pending[pending.length - 1] === CR ? pending.length - 1 : pending.length;
    if (end === 0) return { ...result, empty: 1 };
    result.frames.push({ bytes: Buffer.from(pending.subarray(0, end)), warning: 'no_trailer' });
    return result;
  }

  #findTrailer(): number {
    const buffer = this.#pending;
    for (let i = this.#scanned; i < buffer.length; i++) {
      if (buffer[i] === LF || buffer[i] === NUL) return i;
    }
    this.#scanned = buffer.length;
    return -1;
  }

  #consume(count: number): void {
    this.#pending = count >= this.#pending.length ? EMPTY : this.#pending.subarray(count);
    this.#scanned = 0;
  }

  #fail(result: DecodeResult, error: FrameError): DecodeResult {
    this.#closed = true;
    this.#pending = EMPTY;
    return { ...result, error };
  }
}

/**
 * UDP datagram → messages: one trailing `\n`, `\r\n` or `\0` is removed; a datagram whose every LF-separated line
 * starts with `<` is split (senders that batch several messages per datagram). Empty datagrams yield nothing.
 */
export function splitDatagram(datagram: Uint8Array): Buffer[] {
  let bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const last = bytes[bytes.length - 1];
  if (last === NUL) bytes = bytes.subarray(0, -1);
  else if (last === LF) bytes = bytes.subarray(0, bytes[bytes.length - 2] === CR ? -2 : -1);
  if (bytes.length === 0) return [];
  if (bytes.indexOf(LF) < 0) return [bytes];
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(LF); i >= 0; i = bytes.indexOf(LF, start)) {
    lines.push(bytes.subarray(start, i));
    start = i + 1;
  }
  lines.push(bytes.subarray(start));
  if (!lines.every((line) => line[0] === LT)) return [bytes];
  return lines.map((line) => (line[line.length - 1] === CR ? line.subarray(0, -1) : line));
}
