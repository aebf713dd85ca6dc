import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { baseUrl, buildTestApp } from '@platform/testing/build-test-app.ts';
import { defineApp } from '../apps/define-app.ts';
import type { JobContext } from './job-queue.ts';
import { gate, waitFor } from './test-fixtures/wait-for.ts';

interface SseFrame {
  id?: string;
  event?: string;
  data: { type: string; current?: number; result?: unknown };
}

const TERMINAL_EVENTS = new Set(['succeeded', 'failed', 'cancelled']);

/** Parses one SSE block; blocks without data (the `retry:` preamble, heartbeat comments) give undefined. */
function parseFrame(block: string): SseFrame | undefined {
  const fields: Record<string, string> = {};
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'data') data.push(value);
    else fields[name] = value;
  }
  if (!data.length) return undefined;
  return { id: fields.id, event: fields.event, data: JSON.parse(data.join('\n')) };
}

/** An SSE client over fetch, as a browser's EventSource would talk to the server (cookie, Last-Event-ID). */
async function follow(url: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  /** The next event, or undefined once the server has ended the stream. */
  const next = async (): Promise<SseFrame | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = parseFrame(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (frame) return frame;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffer += value;
    }
  };
  const rest = async (): Promise<SseFrame[]> => {
    const frames: SseFrame[] = [];
    for (let frame = await next(); frame; frame = await next()) frames.push(frame);
    return frames;
  };
  return { next, rest, disconnect: () => controller.abort() };
}

const ids = (frames: SseFrame[]) => frames.map((frame) => Number(frame.id));
const increasing = (numbers: number[]) => numbers.every((value, index) => index === 0 || value > numbers[index - 1]);

// Spec 00 "Background work": clients follow job progress over SSE with Last-Event-ID replay; a terminal event is
// always sent, also to a client that reconnects after the job finished.
test('a job followed over SSE resumes after Last-Event-ID and ends with one terminal event', async (t) => {
  const steps = [gate(), gate(), gate(), gate()];
  const app = defineApp({
    id: 'eventstest',
    title: 'Job events test',
    jobs: [
      {
        queue: 'eventstest.steps',
        handler: async ({ progress }: JobContext) => {
          for (let step = 1; step <= steps.length; step++) {
            await steps[step - 1].opened;
            // Progress is stored at most every 250 ms (the last step always); wait so that no step is dropped.
            if (step > 1) await sleep(300);
            await progress(step, steps.length, `step ${step}`);
          }
          return { steps: steps.length };
        },
      },
    ],
  });
  const platform = await buildTestApp({ apps: [app], startBackground: true, listen: true });
  t.after(() => platform.close());
  const alice = await platform.createUser('alice');
  const bob = await platform.createUser('bob');
  const { jobs } = platform.kernel;
  const job = await jobs.enqueue('eventstest.steps', {}, { ownerId: alice.id });
  const url = `${baseUrl(platform)}/platform/api/jobs/${job.id}/events`;

  const first = await follow(url, alice.headers);
  const seenFirst: SseFrame[] = [];
  const readUntil = async (predicate: (frame: SseFrame) => boolean) => {
    for (;;) {
      const frame = await first.next();
      assert.ok(frame, 'stream ended early');
      seenFirst.push(frame);
      if (predicate(frame)) return frame;
    }
  };
  await readUntil((frame) => frame.data.type === 'running');
  steps[0].open();
  await readUntil((frame) => frame.event === 'progress' && frame.data.current === 1);
  steps[1].open();
  const lastSeen = await readUntil((frame) => frame.event === 'progress' && frame.data.current === 2);
  first.disconnect();
  assert.deepEqual(
    seenFirst.map((frame) => [frame.event, frame.data.type]),
    [
      ['status', 'queued'],
      ['status', 'running'],
      ['progress', 'progress'],
      ['progress', 'progress'],
    ],
  );
  assert.ok(increasing(ids(seenFirst)));

  // Step 3 happens while nobody listens; the reconnecting client gets it replayed, then step 4 live.
  steps[2].open();
  await waitFor('step 3 to be stored', async () =>
    (await jobs.events(job.id)).some((event) => (event.data as { current?: number }).current === 3),
  );
  const second = await follow(url, { ...alice.headers, 'last-event-id': String(lastSeen.id) });
  const replayed = await second.next();
  assert.equal(replayed?.event, 'progress');
  assert.equal(replayed?.data.current, 3);
  steps[3].open();
  const resumed = [replayed as SseFrame, ...(await second.rest())];
  assert.deepEqual(
    resumed.map((frame) => [frame.event, frame.data.current]),
    [
      ['progress', 3],
      ['progress', 4],
      ['succeeded', undefined],
    ],
  );
  assert.deepEqual(resumed[2].data, { type: 'succeeded', result: { steps: 4 } });
  assert.ok(ids(resumed).every((id) => id > Number(lastSeen.id)));
  assert.ok(increasing(ids(resumed)));

  // After the end: the terminal event at once, then the stream closes.
  const terminalId = resumed[2].id;
  const late = await (await follow(url, { ...alice.headers, 'last-event-id': String(terminalId) })).rest();
  assert.deepEqual(
    late.map((frame) => [frame.id, frame.event]),
    [[terminalId, 'succeeded']],
  );
  const stored = await jobs.events(job.id);
  const replay = await (await follow(url, alice.headers)).rest();
  assert.deepEqual(
    replay.map((frame) => Number(frame.id)),
    stored.map((event) => event.id),
  );
  assert.equal(replay.filter((frame) => TERMINAL_EVENTS.has(frame.event ?? '')).length, 1);
  assert.equal(replay.at(-1)?.event, 'succeeded');

  const foreign = await fetch(url, { headers: bob.headers });
  assert.equal(foreign.status, 404);
  const anonymous = await fetch(url);
  assert.equal(anonymous.status, 401);
});

test('a job retried after it died streams its old end as history and ends with its new one', async (t) => {
  let calls = 0;
  const app = defineApp({
    id: 'eventstest',
    title: 'Job events test',
    jobs: [
      {
        queue: 'eventstest.second-try',
        maxAttempts: 1,
        handler: async () => {
          calls++;
          if (calls === 1) throw new Error('first try fails');
          return { calls };
        },
      },
    ],
  });
  const platform = await buildTestApp({ apps: [app], startBackground: true, listen: true });
  t.after(() => platform.close());
  const alice = await platform.createUser('alice');
  const { jobs } = platform.kernel;
  const job = await jobs.enqueue('eventstest.second-try', {}, { ownerId: alice.id });
  const url = `${baseUrl(platform)}/platform/api/jobs/${job.id}/events`;

  const dead = await (await follow(url, alice.headers)).rest();
  assert.deepEqual(
    dead.map((frame) => [frame.event, frame.data.type]),
    [
      ['status', 'queued'],
      ['status', 'running'],
      ['failed', 'dead'],
    ],
  );

  await jobs.retry(job.id);
  await waitFor('the retried job to succeed', async () => (await jobs.get(job.id))?.status === 'succeeded');
  const replay = await (await follow(url, alice.headers)).rest();
  assert.deepEqual(
    replay.map((frame) => [frame.event, frame.data.type]),
    [
      ['status', 'queued'],
      ['status', 'running'],
      ['status', 'dead'],
      ['status', 'queued'],
      ['status', 'running'],
      ['succeeded', 'succeeded'],
    ],
  );
});
