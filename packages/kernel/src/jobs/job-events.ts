import type { FastifyReply, FastifyRequest } from 'fastify';
import { lastEventId, openSse } from '../sse/sse.ts';
import { isTerminal, type JobEventRow, type JobQueue } from './job-queue.ts';

/** SSE event names: progress, status (queued/running/retrying), and one terminal event (succeeded/failed/cancelled). */
const eventName = (type: string): string => {
  if (type === 'progress') return 'progress';
  if (type === 'dead') return 'failed';
  if (isTerminal(type)) return type;
  return 'status';
};

/**
 * Streams a job's events: first those after Last-Event-ID, then live ones, and always ends with a terminal event,
 * even when the client reconnects after the job already finished.
 */
export async function streamJobEvents(
  jobs: JobQueue,
  jobId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  let lastSent = Number(lastEventId(request) ?? 0) || 0;
  const stream = openSse(request, reply);
  let sending = Promise.resolve();
  let finished = false;

  const sendRows = (rows: JobEventRow[]) => {
    for (const row of rows) {
      if (finished) return;
      const name = eventName(row.type);
      stream.send({ id: row.id, event: name, data: { type: row.type, ...(row.data as object) } });
      lastSent = row.id;
      if (isTerminal(row.type)) finished = true;
    }
  };

  const flush = () => {
    sending = sending.then(async () => {
      if (finished || stream.closed) return;
      sendRows(await jobs.events(jobId, lastSent));
      if (!finished) {
        const job = await jobs.get(jobId);
        if (job && isTerminal(job.status)) {
          stream.send({
            id: lastSent,
            event: eventName(job.status),
            data: { type: job.status, error: job.error, result: job.result },
          });
          finished = true;
        }
      }
      if (finished) stream.close();
    });
    return sending;
  };

  const stop = jobs.onEvents((id) => {
    if (id === jobId) void flush();
  });
  stream.onClose(stop);
  await flush();
}
