import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError, badRequest } from '@platform/kernel/http/errors.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import type { IngestRuntime } from './ingest-runtime.ts';
import type { RawMessage } from './ingest-types.ts';
import { LogsAccepted, type LogsBody, LogsBody as LogsBodySchema, LogsQuery, LogsStatus } from './logs.schema.ts';

const tags = ['opmas logs'];
/** spec "API": at most 100 per-line errors are listed; the counts cover every line. */
const MAX_LISTED_ERRORS = 100;

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
      request.authorize(PERMISSIONS.logsIngest);
      const { entries: parsedEntries, host, sourceIp } = entriesOf(request.body);
      // A trailing separator in text/plain leaves one empty string, which is not a line.
      const entries =
        typeof request.body === 'string' && parsedEntries.at(-1)?.line === ''
          ? parsedEntries.slice(0, -1)
          : parsedEntries;
      if (entries.length > config.httpBatchMaxLines) {
        throw badRequest(`at most ${config.httpBatchMaxLines} lines per request`, undefined, 'too_many_logs');
      }
      const batchHost = host ?? request.query.source_identifier;
      const batchIp = sourceIp ?? request.query.source_ip;
      assertIp(batchIp);
      for (const entry of entries) assertIp(entry.sourceIp);
      let referenceTime: number | undefined;
      if (request.query.reference_time !== undefined) {
        referenceTime = Date.parse(request.query.reference_time);
        if (Number.isNaN(referenceTime))
          throw badRequest('reference_time is not a date', undefined, 'validation_failed');
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
      return reply.status(202).send({
        message: `accepted ${accepted} of ${entries.length} lines`,
        batch_id: randomUUID(),
        accepted,
        rejected: entries.length - accepted,
        errors: errors.slice(0, MAX_LISTED_ERRORS),
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
