// The embedded S3-compatible server: a node:http request handler over the filesystem store, usable in-process
// (`createS3Handler`) or listening on a port (`startS3Server`). Path-style addressing only: `/<bucket>/<key>`.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ObjectStore } from './object-store.ts';
import { resolveRoute } from './router.ts';
import { type Credential, DEFAULT_SWITCHES, type S3Context, type S3Service, type S3Switches } from './s3-context.ts';
import { isS3Error, S3Error } from './s3-error.ts';
import { authenticate, type SignableRequest } from './sigv4.ts';
import { type S3Stats, StatsRecorder } from './stats.ts';
import { UploadStore } from './upload-store.ts';
import { toXml } from './xml.ts';

/** S3 limits keys to 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;

export interface S3ServerOptions {
  /** Data directory; `dataDir` is accepted as an alias. */
  dir?: string;
  dataDir?: string;
  host?: string;
  port?: number;
  region?: string;
  credentials: Credential[];
  /** Buckets created at start when missing. */
  buckets?: string[];
  switches?: Partial<S3Switches>;
  /** fsync data and metadata before renaming them into place (default true); tests with many objects turn it off. */
  fsync?: boolean;
}

export interface S3Handler {
  /** Handles one request; never throws (errors become S3 error responses). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  readonly stats: S3Stats;
  setSwitches(patch: Partial<S3Switches>): void;
}

export interface RunningS3Server extends S3Handler {
  /** `http://host:port`, the endpoint for clients. */
  url: string;
  /** Same as `url`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

function requestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new S3Error('InvalidURI', 'Could not parse the specified URI.');
  }
}

function splitPath(rawPath: string): { bucket: string; key: string } {
  const rest = rawPath.replace(/^\//, '');
  const slash = rest.indexOf('/');
  if (slash === -1) return { bucket: decodeComponent(rest), key: '' };
  return { bucket: decodeComponent(rest.slice(0, slash)), key: decodeComponent(rest.slice(slash + 1)) };
}

function signable(req: IncomingMessage, rawPath: string, rawQuery: string): SignableRequest {
  return { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headersDistinct };
}

export async function createS3Handler(options: S3ServerOptions): Promise<S3Handler> {
  const dir = options.dir ?? options.dataDir;
  if (!dir) throw new Error('startS3Server: `dir` is required');
  const store = new ObjectStore(dir, options.fsync ?? true);
  await store.open();
  const uploads = new UploadStore(dir, store.tmpDir, store.fsync);
  await uploads.open();
  for (const bucket of options.buckets ?? []) if (!store.hasBucket(bucket)) await store.createBucket(bucket);
  const recorder = new StatsRecorder();
  const service: S3Service = {
    store,
    uploads,
    stats: recorder,
    switches: { ...DEFAULT_SWITCHES, ...options.switches },
    region: options.region ?? 'us-east-1',
  };
  const faultCounters = new Map<string, number>();

  function injectFault(op: string): void {
    for (const fault of service.switches.faults) {
      if (fault.op !== op) continue;
      const count = (faultCounters.get(op) ?? 0) + 1;
      faultCounters.set(op, count);
      if (fault.every > 0 && count % fault.every === 0) throw new S3Error(fault.code, `Injected fault ${fault.code}`);
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const url = req.url ?? '/';
    const questionMark = url.indexOf('?');
    const rawPath = questionMark === -1 ? url : url.slice(0, questionMark);
    const rawQuery = questionMark === -1 ? '' : url.slice(questionMark + 1);
    const query = new URLSearchParams(rawQuery);
    const { bucket, key } = splitPath(rawPath);
    const route = resolveRoute(req.method ?? 'GET', bucket, key, query, req.headers);
    const op = route?.op ?? 'NotImplemented';
    recorder.request(op, req.method ?? 'GET', url, req.headers);
    if (service.switches.latencyMs > 0) await delay(service.switches.latencyMs);
    const auth = authenticate(signable(req, rawPath, rawQuery), options.credentials, Date.now());
    if (!route)
      throw new S3Error(
        'NotImplemented',
        'A header or query you provided implies functionality that is not implemented',
      );
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 'Your key is too long');
    injectFault(op);
    const ctx: S3Context = { req, res, service, requestId: id, op, bucket, key, query, auth };
    await route.handler(ctx);
  }

  function sendError(req: IncomingMessage, res: ServerResponse, id: string, error: unknown): void {
    // A client that goes away mid-response (a cancelled download, a closed browser tab) is not a server fault.
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE' && (res.destroyed || req.destroyed)) {
      recorder.error('ClientDisconnected');
      res.destroy();
      return;
    }
    const s3Error = isS3Error(error)
      ? error
      : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
    if (!isS3Error(error)) console.error('s3-server: internal error', error);
    recorder.error(s3Error.code);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const resource = (req.url ?? '/').split('?')[0];
    const body = Buffer.from(
      toXml('Error', { Code: s3Error.code, Message: s3Error.message, Resource: resource, RequestId: id }, false),
    );
    const headers: Record<string, string | number> = { ...s3Error.headers, 'Content-Type': 'application/xml' };
    // An unread request body cannot be skipped reliably, so the connection is not reused.
    if (!req.complete) headers.Connection = 'close';
    if (req.method === 'HEAD') {
      res.writeHead(s3Error.status, { ...headers, 'x-amz-error-code': s3Error.code });
      res.end();
    } else {
      res.writeHead(s3Error.status, { ...headers, 'Content-Length': body.length });
      res.end(body);
    }
  }

  return {
    handle(req, res) {
      const id = requestId();
      res.setHeader('x-amz-request-id', id);
      res.setHeader('x-amz-id-2', id);
      res.setHeader('Server', 'AmazonS3');
      serve(req, res, id).catch((error: unknown) => sendError(req, res, id, error));
    },
    get stats() {
      return recorder.stats;
    },
    setSwitches(patch) {
      Object.assign(service.switches, patch);
    },
  };
}

export async function startS3Server(options: S3ServerOptions): Promise<RunningS3Server> {
  const handler = await createS3Handler(options);
  // A 64 KiB high-water mark per connection bounds memory however large the objects are.
  const server = createServer({ highWaterMark: 64 * 1024, requestTimeout: 0 }, handler.handle);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    endpoint: url,
    port,
    handle: handler.handle,
    get stats() {
      return handler.stats;
    },
    setSwitches: handler.setSwitches,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
