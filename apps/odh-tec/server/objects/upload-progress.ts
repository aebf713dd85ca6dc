import { openSse } from '@platform/kernel/sse/sse.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyedUpload, UploadService } from './upload.service.ts';

const POLL_MS = 1000;
/** An upload that ended this shortly before the stream opened is still reported (a small file can beat the stream). */
const LOOKBACK_MS = 5000;
const RUNNING = new Set(['queued', 'active', 'cancelling']);

/** Upstream's progress vocabulary for a transfer status. */
const statusOf = (status: string): 'uploading' | 'completed' | 'aborted' | 'error' =>
  RUNNING.has(status)
    ? 'uploading'
    : status === 'completed'
      ? 'completed'
      : status === 'cancelled'
        ? 'aborted'
        : 'error';

/** The upload the stream reports: the newest of the key, unless it ended before the stream was opened. */
function followed(newest: KeyedUpload | undefined, openedAt: number): KeyedUpload | undefined {
  if (!newest) return undefined;
  const { transfer } = newest;
  if (RUNNING.has(transfer.status)) return newest;
  return (transfer.finishedAt?.getTime() ?? 0) >= openedAt - LOOKBACK_MS ? newest : undefined;
}

/**
 * Upstream alias `GET /api/objects/upload-progress/:encodedKey` (spec "SSE"): data-only `{"loaded":n,"status":
 * "uploading"}` at most once a second for the user's newest upload of the key, then one terminal `completed`,
 * `aborted` or `error` event and close. A stream opened before its upload starts waits for it (heartbeats keep it
 * open), as upstream clients open it just before posting the file.
 */
export async function streamUploadProgress(
  service: UploadService,
  ownerId: string,
  key: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const stream = openSse(request, reply);
  const openedAt = Date.now();
  let last = '';
  while (!stream.closed) {
    const [newest] = await service.uploadsOf(ownerId, key, { limit: 1 });
    const upload = followed(newest, openedAt);
    if (upload) {
      const status = statusOf(upload.transfer.status);
      const loaded = status === 'completed' ? (upload.file.size ?? upload.file.loaded) : upload.file.loaded;
      const payload = JSON.stringify({ loaded, status });
      if (payload !== last) stream.send({ data: payload });
      last = payload;
      if (status !== 'uploading') break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  stream.close();
}
