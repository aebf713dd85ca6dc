// Decoder for `Content-Encoding: aws-chunked` request bodies
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and sigv4-streaming-trailers.html):
//   <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n[<trailer>:<value>\r\n]*\r\n
// Signed chunks are verified as they complete; data flows on before its chunk is verified because the caller only
// commits what it wrote once the whole stream ended without error.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './s3-error.ts';
import { type AuthContext, chunkStringToSign, sha256Hex, sign, signaturesEqual, trailerStringToSign } from './sigv4.ts';

/** A chunk header or trailer line longer than this is not a legitimate client. */
const MAX_LINE_BYTES = 4096;

export interface AwsChunkedOptions {
  /** Present for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: every chunk signature is checked. */
  auth?: AuthContext;
  /** `x-amz-decoded-content-length`, checked against the decoded byte count. */
  decodedLength?: number;
}

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  /** Trailing headers (lower-case names), complete once the stream has ended. */
  readonly trailers = new Map<string, string>();
  private readonly auth?: AuthContext;
  private readonly decodedLength?: number;
  private state: State = 'size';
  private line = Buffer.alloc(0);
  private remaining = 0;
  private decoded = 0;
  private chunkSignature = '';
  private chunkHash: Hash | undefined;
  private previousSignature: string;
  private trailerLines: string[] = [];

  constructor(options: AwsChunkedOptions = {}) {
    super({ highWaterMark: 64 * 1024 });
    this.auth = options.auth;
    this.decodedLength = options.decodedLength;
    this.previousSignature = options.auth?.signature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'trailer' && this.line.length === 0) this.finishTrailers();
    if (this.state !== 'done') callback(new S3Error('IncompleteBody', 'The aws-chunked body ended early'));
    else if (this.decodedLength !== undefined && this.decoded !== this.decodedLength) {
      callback(new S3Error('IncompleteBody', 'x-amz-decoded-content-length does not match the decoded body'));
    } else callback();
  }

  private consume(input: Buffer): void {
    let offset = 0;
    while (offset < input.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, input.length - offset);
        const slice = input.subarray(offset, offset + take);
        this.chunkHash?.update(slice);
        this.push(slice);
        this.decoded += take;
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') {
        // Bytes after the final CRLF are ignored, as S3 does.
        return;
      }
      const newline = input.indexOf(0x0a, offset);
      const end = newline === -1 ? input.length : newline + 1;
      this.line = Buffer.concat([this.line, input.subarray(offset, end)]);
      if (this.line.length > MAX_LINE_BYTES) throw new S3Error('IncompleteBody', 'aws-chunked line too long');
      offset = end;
      if (newline === -1) continue;
      const text = this.line.toString('latin1').replace(/\r?\n$/, '');
      this.line = Buffer.alloc(0);
      this.onLine(text);
    }
  }

  private onLine(text: string): void {
    if (this.state === 'data-end') {
      if (text !== '') throw new S3Error('IncompleteBody', 'chunk data is not followed by CRLF');
      this.verifyChunk();
      this.state = 'size';
      return;
    }
    if (this.state === 'size') {
      const [sizeField, ...extensions] = text.split(';');
      const size = Number.parseInt(sizeField, 16);
      if (!/^[0-9a-fA-F]+$/.test(sizeField.trim()) || Number.isNaN(size)) {
        throw new S3Error('IncompleteBody', 'invalid aws-chunked chunk size');
      }
      const signature = extensions.find((extension) => extension.startsWith('chunk-signature='));
      this.chunkSignature = signature?.slice('chunk-signature='.length) ?? '';
      if (this.auth && !this.chunkSignature) throw new S3Error('SignatureDoesNotMatch', 'chunk signature missing');
      this.chunkHash = this.auth ? createHash('sha256') : undefined;
      if (size === 0) {
        this.verifyChunk();
        this.state = 'trailer';
      } else {
        this.remaining = size;
        this.state = 'data';
      }
      return;
    }
    // Trailer section: header lines until an empty line. An empty line before any trailer is the end of a body
    // without trailers.
    if (text === '') this.finishTrailers();
    else this.trailerLines.push(text);
  }

  private verifyChunk(): void {
    if (!this.auth || !this.chunkHash) return;
    const expected = sign(
      this.auth.signingKey,
      chunkStringToSign(this.auth, this.previousSignature, this.chunkHash.digest('hex')),
    );
    if (!signaturesEqual(expected, this.chunkSignature)) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature does not match');
    }
    this.previousSignature = expected;
  }

  private finishTrailers(): void {
    let trailerSignature: string | undefined;
    const signedLines: string[] = [];
    for (const line of this.trailerLines) {
      const colon = line.indexOf(':');
      if (colon === -1) throw new S3Error('IncompleteBody', 'malformed trailer');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') trailerSignature = value;
      else {
        this.trailers.set(name, value);
        signedLines.push(`${name}:${value}\n`);
      }
    }
    if (this.auth && trailerSignature !== undefined) {
      const expected = sign(
        this.auth.signingKey,
        trailerStringToSign(this.auth, this.previousSignature, sha256Hex(signedLines.join(''))),
      );
      if (!signaturesEqual(expected, trailerSignature)) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature does not match');
      }
    }
    this.state = 'done';
  }
}
