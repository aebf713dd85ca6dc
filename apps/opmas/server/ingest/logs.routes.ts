import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError, badRequest } from '@platform/kernel/http/errors.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../opmas.permissions.ts';
import type { IngestRuntime } from './ingest-runtime.ts';
import type { RawMessage } from './ingest-types.ts';
import {
  LogsAccepted,
  type LogsBody,
  LogsBody as LogsBodySchema,
  LogsIngested,
  LogsQuery,
  LogsStatus,
} from './logs.schema.ts';

const tags = ['opmas logs'];
/** spec "API": at most 100 per-line errors are listed; the counts cover every line. */
const MAX_LISTED_ERRORS = 100;
/** spec "API": the upstream `/logs/ingest` takes at most 1000 entries per request. */
const UPSTREAM_MAX_LINES = 1000;

interface Entry {
  line: string;
  host?: string;
  sourceIp?: string;
}

/** The four body shapes → entries plus the batch-level source settings. */
function entriesOf(body: LogsBody): { entries: Entry[]; host?: string; sourceIp?: string } {
  if (typeof body === 'string') return { entries: body.split(/\r?\n|\0/).map((line) => ({ line })) };
  if (!Array.isArray(body)) {
    const entries = body.logs.map((line) => ({ line }));
    return { entries, host: body.source_identifier, sourceIp: body.explicit_source_ip };
  }
  return {
    entries: body.map((item) =>
      typeof item === 'string' ? { line: item } : { line: item.message, host: item.host, sourceIp: item.source_ip },
    ),
  };
}

const assertIp = (value: string | undefined): void => {
  if (value !== undefined && isIP(value) === 0) {
    throw badRequest(`${value} is not an IP address`, undefined, 'invalid_source_ip');
  }
};

/** `POST /api/v1/logs` (HTTP batch ingest) and `GET /api/v1/logs/status` (spec 02-opmas "API"). */
export const logsRoutes: FastifyPluginAsyncTypebox<{ ingest: IngestRuntime }> = async (app, { ingest }) => {
  const { config, counters, queue, pipeline } = ingest;

  /** Parses, attributes and queues one HTTP batch; shared by `/logs` and the upstream `/logs/ingest`. */
  const ingestBatch = async (
    request: FastifyRequest,
    { body, query }: { body: LogsBody; query: LogsQuery },
    reply: FastifyReply,
    maxLines: number,
  ) => {
    request.authorize(PERMISSIONS.logsIngest);
    const { entries: parsedEntries, host, sourceIp } = entriesOf(body);
    // A trailing separator in text/plain leaves one empty string, which is not a line.
    const entries =
      typeof body === 'string' && parsedEntries.at(-1)?.line === '' ? parsedEntries.slice(0, -1) : parsedEntries;
    if (entries.length > maxLines) {
      throw badRequest(`at most ${maxLines} lines per request`, undefined, 'too_many_logs');
    }
    const batchHost = host ?? query.source_identifier;
    const batchIp = sourceIp ?? query.source_ip;
    assertIp(batchIp);
    for (const entry of entries) assertIp(entry.sourceIp);
    let referenceTime: number | undefined;
    if (query.reference_time !== undefined) {
      referenceTime = Date.parse(query.reference_time);
      if (Number.isNaN(referenceTime)) throw badRequest('reference_time is not a date', undefined, 'validation_failed');
    }
    if (queue.paused) {
      reply.header('retry-after', '1');
      throw new AppError(503, 'ingest_paused', 'ingest paused by an operator; retry later');
    }
    if (queue.pressured) {
      reply.header('retry-after', '1');
      throw new AppError(503, 'ingest_busy', 'ingest queue above 80 %; retry shortly');
    }

    const receivedAt = Date.now();
    const errors: { index: number; code: string }[] = [];
    let accepted = 0;
    for (const [index, entry] of entries.entries()) {
      counters.received('http', Buffer.byteLength(entry.line));
      if (entry.line === '') {
        counters.dropped('http', 'empty');
        errors.push({ index, code: 'empty' });
        continue;
      }
      const raw: RawMessage = {
        bytes: entry.line,
        transport: 'http',
        sourceIp: entry.sourceIp ?? batchIp ?? request.ip,
        receivedAt,
        referenceTime,
        identityHost: entry.host ?? batchHost,
      };
      const outcome = await pipeline.process(raw);
      if ('dropped' in outcome) errors.push({ index, code: outcome.dropped });
      else accepted++;
    }
    return { accepted, total: entries.length, errors };
  };

  app.post(
    '/api/v1/logs',
    {
      bodyLimit: config.httpBatchMaxBytes,
      schema: {
        tags,
        summary: 'Ingest a batch of syslog lines',
        body: LogsBodySchema,
        querystring: LogsQuery,
        response: { 202: LogsAccepted, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { accepted, total, errors } = await ingestBatch(request, request, reply, config.httpBatchMaxLines);
      return reply.status(202).send({
        message: `accepted ${accepted} of ${total} lines`,
        batch_id: randomUUID(),
        accepted,
        rejected: total - accepted,
        errors: errors.slice(0, MAX_LISTED_ERRORS),
      });
    },
  );

  app.post(
    '/api/v1/logs/ingest',
    {
      bodyLimit: config.httpBatchMaxBytes,
      schema: {
        tags,
        summary: 'Upstream v2 batch ingest (at most 1000 entries)',
        body: LogsBodySchema,
        querystring: LogsQuery,
        response: { 202: LogsIngested, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { accepted, total } = await ingestBatch(request, request, reply, UPSTREAM_MAX_LINES);
      return reply.status(202).send({
        message: 'Logs received and queued for processing',
        timestamp: new Date().toISOString(),
        log_count: total,
        accepted,
        rejected: total - accepted,
      });
    },
  );

  app.get(
    '/api/v1/logs/status',
    { schema: { tags, summary: 'Listener and ingest counters', response: { 200: LogsStatus, ...errorResponses } } },
    async (request) => {
      request.authorize(PERMISSIONS.logsRead);
      return {
        listeners: ingest.listenerStatuses(),
        connections: ingest.connections(),
        ingest: {
          ...counters.totals(),
          queue_depth: queue.depth,
          queue_max: queue.max,
          backpressure: queue.pressured,
        },
        transports: counters.byTransport,
        last_message_at: counters.lastMessageAt === null ? null : new Date(counters.lastMessageAt).toISOString(),
        node: ingest.node,
      };
    },
  );
};
