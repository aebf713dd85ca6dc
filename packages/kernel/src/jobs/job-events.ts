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

  const send = (row: JobEventRow, name = eventName(row.type)) => {
    stream.send({ id: row.id, event: name, data: { type: row.type, ...(row.data as object) } });
    lastSent = Math.max(lastSent, row.id);
  };

  const flush = () => {
    sending = sending.then(async () => {
      if (finished || stream.closed) return;
      // The status first: a job's end and its terminal event commit together, so when the job has ended the events
      // read next include how it ended.
      const job = await jobs.get(jobId);
      const rows = await jobs.events(jobId, lastSent);
      rows.forEach((row, index) => {
        const last = index === rows.length - 1;
        // A terminal event followed by more was undone by a retry: it is history, not the end of this stream.
        if (isTerminal(row.type) && !last) send(row, 'status');
        else send(row);
        if (last && isTerminal(row.type)) finished = true;
      });
      if (!finished && rows.length === 0 && job && isTerminal(job.status)) {
        // The client already saw the end (it reconnected after it): repeat the terminal event so it can stop.
        const ending = (await jobs.events(jobId)).findLast((row) => isTerminal(row.type));
        if (ending) send(ending);
        else stream.send({ id: lastSent, event: eventName(job.status), data: { type: job.status, error: job.error } });
        finished = true;
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
