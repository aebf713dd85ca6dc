import { lastEventId, openSse, type SseStream } from '@platform/kernel/sse/sse.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fileView, summaryOf, type TransferEngine } from './transfer.engine.ts';
import type { TransferFileRow, TransferRow } from './transfer.tables.ts';

const POLL_MS = 500;
const RATE_WINDOW_MS = 5000;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Bytes per second over the last 5 s and the ETA, from samples of the loaded byte count. */
class RateMeter {
  readonly #samples: { at: number; bytes: number }[] = [];
  sample(bytes: number, at = Date.now()): { bytesPerSecond: number } {
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - this.#samples[0].at > RATE_WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0];
    const seconds = (at - first.at) / 1000;
    return { bytesPerSecond: seconds > 0 ? Math.max(0, (bytes - first.bytes) / seconds) : 0 };
  }
}

function snapshot(row: TransferRow, files: TransferFileRow[], bytesPerSecond: number) {
  const summary = summaryOf(row);
  const remaining = Math.max(0, row.totalBytes - row.loadedBytes);
  return {
    jobId: row.id,
    kind: row.kind,
    status: row.status,
    progress: {
      ...summary,
      percentage: row.totalBytes > 0 ? Math.min(100, (row.loadedBytes / row.totalBytes) * 100) : 0,
      bytesPerSecond: Math.round(bytesPerSecond),
      etaSeconds: bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null,
    },
    files: files.map(fileView),
  };
}

/**
 * The canonical transfer stream (spec "SSE"): a full `progress` snapshot first, then `progress` while bytes move (at
 * most every 500 ms), `file` on every file state change, and exactly one terminal `done` or `error`, then close.
 * State comes from the database, so any replica serves any job; event ids are the job's event sequence, and a
 * reconnect with Last-Event-ID gets the snapshot again plus the later file events.
 */
export async function streamTransfer(
  engine: TransferEngine,
  transferId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  let lastId = Number(lastEventId(request) ?? 0) || 0;
  const stream = openSse(request, reply);
  const meter = new RateMeter();
  let lastLoaded = -1;
  let lastStatus = '';
  const tick = async (): Promise<boolean> => {
    const row = await engine.repository.find(transferId);
    if (!row) {
      stream.send({ event: 'error', data: { jobId: transferId, code: 'transfer_not_found', message: 'not found' } });
      return true;
    }
    const files = await engine.repository.files(transferId);
    const loaded = files.reduce(
      (sum, f) => sum + (f.status === 'completed' || f.status === 'skipped' ? (f.size ?? f.loaded) : f.loaded),
      0,
    );
    const { bytesPerSecond } = meter.sample(loaded);
    if (loaded !== lastLoaded || row.status !== lastStatus) {
      stream.send({
        id: lastId,
        event: 'progress',
        data: snapshot({ ...row, loadedBytes: loaded }, files, bytesPerSecond),
      });
      lastLoaded = loaded;
      lastStatus = row.status;
    }
    for (const event of await engine.repository.eventsAfter(transferId, lastId)) {
      lastId = event.id;
      stream.send({ id: event.id, event: event.type, data: event.data });
      if (event.type !== 'file') return true;
    }
    return false;
  };
  await pollUntilEnd(stream, tick);
}

/**
 * Upstream 2.1 progress format of `/api/transfer/progress/:jobId` (data-only JSON at most once a second, a keepalive
 * comment every 15 s, `{"error":"Job not found"}` for unknown jobs), for clients written against upstream.
 */
export async function streamTransferUpstream(
  engine: TransferEngine,
  transferId: string | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const stream = openSse(request, reply);
  let last = '';
  await pollUntilEnd(
    stream,
    async () => {
      const row = transferId ? await engine.repository.find(transferId) : undefined;
      if (!row) {
        stream.send({ data: { error: 'Job not found' } });
        return true;
      }
      const files = await engine.repository.files(row.id);
      const dest = row.destination;
      const payload = JSON.stringify({
        jobId: row.id,
        status: upstreamStatus(row.status),
        progress: {
          totalFiles: row.totalFiles,
          completedFiles: row.completedFiles + row.skippedFiles,
          failedFiles: row.failedFiles,
          totalBytes: row.totalBytes,
          loadedBytes: row.loadedBytes,
          percentage: row.totalBytes > 0 ? Math.round((row.loadedBytes / row.totalBytes) * 100) : 0,
        },
        files: files.map((f) => ({
          file:
            dest.type === 's3'
              ? `s3:${dest.path.split('/')[0]}/${f.destPath}`
              : `local:${dest.locationId}/${f.destPath}`,
          loaded: f.loaded,
          total: f.size ?? 0,
          status: f.status === 'skipped' ? 'completed' : f.status === 'cancelled' ? 'error' : f.status,
          ...(f.errorMessage ? { error: f.errorMessage } : {}),
        })),
      });
      if (payload !== last) {
        stream.send({ data: payload });
        last = payload;
      }
      return TERMINAL.has(row.status);
    },
    1000,
  );
}

const upstreamStatus = (status: string): string =>
  status === 'cancelling' ? 'active' : status === 'interrupted' ? 'queued' : status;

async function pollUntilEnd(stream: SseStream, tick: () => Promise<boolean>, intervalMs = POLL_MS): Promise<void> {
  while (!stream.closed) {
    if (await tick()) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  stream.close();
}
