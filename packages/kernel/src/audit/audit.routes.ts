import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/error-shape.schema.ts';
import type { Kernel } from '../kernel.ts';

const AuditEntry = Type.Object({
  /** entry id, increasing */
  id: Type.Number({ description: 'entry id' }),
  /** when */
  at: Type.String({ description: 'ISO time' }),
  /** who (null for the system) */
  actorId: Type.Union([Type.String(), Type.Null()], { description: 'acting user id' }),
  /** who, by name */
  actorName: Type.Union([Type.String(), Type.Null()], { description: 'acting user name' }),
  /** what, e.g. token.create */
  action: Type.String({ description: 'action, e.g. token.create' }),
  /** kind of target */
  targetType: Type.Union([Type.String(), Type.Null()], { description: 'kind of target' }),
  /** target id */
  targetId: Type.Union([Type.String(), Type.Null()], { description: 'target id' }),
  /** state before (secrets redacted) */
  before: Type.Unknown({ description: 'state before' }),
  /** state after (secrets redacted) */
  after: Type.Unknown({ description: 'state after' }),
  /** request id, to find the log lines */
  requestId: Type.Union([Type.String(), Type.Null()], { description: 'request id' }),
  /** client address */
  ip: Type.Union([Type.String(), Type.Null()], { description: 'client address' }),
});

export const AuditQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 200, description: 'actor name (substring)' })),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'action prefix, e.g. token.' })),
  target: Type.Optional(Type.String({ maxLength: 200, description: 'target id, or target type prefix' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'from this time' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'up to this time' })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'nextCursor of the previous page' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'page size' }),
});

/** The audit log, newest first, for administrators. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  app.get(
    '/platform/api/audit',
    {
      schema: {
        tags: ['platform'],
        querystring: AuditQuery,
        response: {
          200: Type.Object({ items: Type.Array(AuditEntry), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      request.authorize('platform:admin:manage');
      const { actor, action, target, from, to, cursor, limit } = request.query;
      const rows = await kernel.audit.list({
        actor,
        action,
        target,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
        beforeId: cursor ? Number(cursor) : undefined,
        limit,
      });
      return {
        items: rows.map((row) => ({ ...row, at: row.at.toISOString() })),
        nextCursor: rows.length === limit ? String(rows.at(-1)!.id) : null,
      };
    },
  );
};
