import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { partSizeFor, queueSizeFor } from '../../apps/odh-tec/server/storage/part-size.ts';
import type { AppProcess, EmbeddedStore } from './app-process.ts';
import { DiscardingSink, seededSource } from './prng-stream.ts';

const MiB = 1024 * 1024;

/** One timed transfer: bytes moved and the SHA-256 of the bytes the client sent or received. */
export interface Transfer {
  seconds: number;
  bytes: number;
  sha256: string;
}

export const mibPerSecond = (transfer: Transfer): number => transfer.bytes / MiB / transfer.seconds;

/** Generous: a transfer slower than 2 MiB/s (plus a minute) is stuck, and the bench must stop by itself. */
const timeoutFor = (size: number): AbortSignal => AbortSignal.timeout(60_000 + (size / (2 * MiB)) * 1000);

const encodeKey = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

const readBody = async (response: IncomingMessage): Promise<string> => {
  const parts: Buffer[] = [];
  for await (const part of response) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
};

/**
 * Uploads `size` seeded bytes through `POST /odh-tec/api/objects/upload/<bucket>?key=…&size=…` as a browser form
 * does: one multipart `file` part, written with back-pressure so the client never holds more than a chunk.
 */
export async function uploadThroughApp(app: AppProcess, key: string, size: number, seed: string): Promise<Transfer> {
  const source = seededSource(seed, size);
  const boundary = `----odh-tec-bench-${Date.now().toString(36)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = `${app.baseUrl}/odh-tec/api/objects/upload/${app.store.bucket}?key=${encodeKey(key)}&size=${size}`;
  const started = performance.now();
  const outgoing = request(url, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + size + tail.length),
    },
    signal: timeoutFor(size),
  });
  const answered = once(outgoing, 'response') as Promise<[IncomingMessage]>;
  // An early answer (a refusal) ends the writing instead of waiting for a drain that never comes.
  let early = false;
  const stopWriting = answered.then(
    () => {
      early = true;
    },
    () => {
      early = true;
    },
  );
  outgoing.write(head);
  for (const chunk of source.chunks()) {
    if (early) break;
    if (!outgoing.write(chunk)) await Promise.race([once(outgoing, 'drain'), stopWriting]);
  }
  if (!early) outgoing.end(tail);
  const [response] = await answered;
  const body = await readBody(response);
  const seconds = (performance.now() - started) / 1000;
  if (!outgoing.writableEnded) outgoing.destroy(); // answered before the whole body was sent
  if (response.statusCode !== 200) throw new Error(`app upload answered ${response.statusCode}: ${body.slice(0, 500)}`);
  return { seconds, bytes: size, sha256: source.sha256() };
}

/** Streams `GET /odh-tec/api/objects/download/<bucket>/<key>` into a hashing sink. */
export async function downloadThroughApp(app: AppProcess, key: string, size: number): Promise<Transfer> {
  const sink = new DiscardingSink();
  const started = performance.now();
  const outgoing = request(`${app.baseUrl}/odh-tec/api/objects/download/${app.store.bucket}/${encodeKey(key)}`, {
    signal: timeoutFor(size),
  });
  outgoing.end();
  const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
  if (response.statusCode !== 200) {
    throw new Error(`app download answered ${response.statusCode}: ${(await readBody(response)).slice(0, 500)}`);
  }
  for await (const chunk of response) sink.add(chunk as Buffer);
  return { seconds: (performance.now() - started) / 1000, bytes: sink.bytes, sha256: sink.sha256() };
}

/** The `x-amz-meta-sha256` the app recorded on an object. */
export async function storedSha256(store: EmbeddedStore, key: string): Promise<string | undefined> {
  const head = await store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key }));
  return head.Metadata?.sha256;
}

/** The peer: `@aws-sdk/lib-storage` `Upload` straight to the s3-server, with the part size and queue the app uses. */
export async function uploadWithSdk(store: EmbeddedStore, key: string, size: number, seed: string): Promise<Transfer> {
  const source = seededSource(seed, size);
  const partSize = partSizeFor(size);
  const started = performance.now();
  const upload = new Upload({
    client: store.client,
    params: { Bucket: store.bucket, Key: key, Body: source.readable() },
    partSize,
    queueSize: queueSizeFor(partSize),
    leavePartsOnError: false,
  });
  const stuck = timeoutFor(size);
  const abort = () => void upload.abort();
  stuck.addEventListener('abort', abort, { once: true });
  try {
    await upload.done();
  } finally {
    stuck.removeEventListener('abort', abort);
  }
  return { seconds: (performance.now() - started) / 1000, bytes: size, sha256: source.sha256() };
}

/** The peer: SDK `GetObject` streamed from the s3-server into a hashing sink. */
export async function downloadWithSdk(store: EmbeddedStore, key: string, size: number): Promise<Transfer> {
  const sink = new DiscardingSink();
  const started = performance.now();
  const object = await store.client.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }), {
    abortSignal: timeoutFor(size),
  });
  for await (const chunk of object.Body as Readable) sink.add(chunk as Buffer);
  return { seconds: (performance.now() - started) / 1000, bytes: sink.bytes, sha256: sink.sha256() };
}

/** The AWS CLI environment for the embedded store: its keys only, no user profile, `when_required` checksums. */
function awsEnv(store: EmbeddedStore): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: store.accessKeyId,
    AWS_SECRET_ACCESS_KEY: store.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  };
}

/** Whether `aws` runs here; the reason when it does not. */
export function awsUnavailable(): Promise<string | undefined> {
  return new Promise((done) => {
    const probe = spawn('aws', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    probe.once('error', () => done('aws not on PATH'));
    probe.once('exit', (code) => done(code === 0 ? undefined : `aws --version exited with ${code}`));
  });
}

/** Runs `aws s3 cp <args>` against the store, feeding stdin from `feed` and/or handing stdout to `sink`. */
async function runAws(args: string[], store: EmbeddedStore, size: number, feed?: Readable, sink?: DiscardingSink) {
  const child = spawn('aws', ['s3', 'cp', ...args, '--endpoint-url', store.url, '--only-show-errors'], {
    env: awsEnv(store),
    stdio: [feed ? 'pipe' : 'ignore', sink ? 'pipe' : 'ignore', 'pipe'],
    signal: timeoutFor(size),
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-2000);
  });
  if (sink) child.stdout!.on('data', (chunk: Buffer) => sink.add(chunk));
  // 'close' comes after the exit and after stdout has been read to its end.
  const closed = once(child, 'close') as Promise<[number | null]>;
  if (feed) await pipeline(feed, child.stdin!);
  const [code] = await closed;
  if (code !== 0) throw new Error(`aws s3 cp exited with ${code}: ${errors.trim()}`);
}

/** The peer: `aws s3 cp - s3://…` fed the seeded stream on stdin. */
export async function uploadWithAws(store: EmbeddedStore, key: string, size: number, seed: string): Promise<Transfer> {
  const source = seededSource(seed, size);
  const started = performance.now();
  await runAws(['-', `s3://${store.bucket}/${key}`], store, size, source.readable());
  return { seconds: (performance.now() - started) / 1000, bytes: size, sha256: source.sha256() };
}

/** The peer: `aws s3 cp s3://… -` with stdout hashed and discarded. */
export async function downloadWithAws(store: EmbeddedStore, key: string, size: number): Promise<Transfer> {
  const sink = new DiscardingSink();
  const started = performance.now();
  await runAws([`s3://${store.bucket}/${key}`, '-'], store, size, undefined, sink);
  return { seconds: (performance.now() - started) / 1000, bytes: sink.bytes, sha256: sink.sha256() };
}
