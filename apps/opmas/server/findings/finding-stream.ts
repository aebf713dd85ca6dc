/**
 * `GET /api/v1/findings/stream` (spec 02-opmas "API"): Server-Sent Events `finding.created`, `finding.updated` and
 * `finding.status_changed`, fed by the committed finding changes on `opmas.finding.changed.>` (outbox), so every API replica
 * streams every change whichever node stored it. Each event carries the stored finding as the list shows it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { openSse } from '@platform/kernel/sse/sse.ts';
import { Type } from 'typebox';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { presentFinding } from './finding.presenter.ts';
import type { FindingRepository } from './finding.repository.ts';

/** What the recorder and the status route publish for a stored change. */
export interface FindingChangeMessage {
  kind: 'fired' | 'updated' | 'status_changed';
  finding_id: string;
  occurrences?: number;
  domain: string;
  severity: string;
  device: string;
}

export const FINDING_CHANGES_PATTERN = 'opmas.finding.changed.>';

const StreamQuery = Type.Object({
  domain: Type.Optional(Type.String({ maxLength: 64, description: 'only this domain' })),
  severity: Type.Optional(Type.String({ maxLength: 16, description: 'only this severity' })),
  device: Type.Optional(Type.String({ maxLength: 64, description: 'only this device slug' })),
});

const eventName = (change: FindingChangeMessage): string => {
  if (change.kind === 'status_changed') return 'finding.status_changed';
  return change.kind === 'fired' && change.occurrences === 1 ? 'finding.created' : 'finding.updated';
};

export const findingStreamRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; repository: FindingRepository }> = async (
  app,
  { kernel, repository },
) => {
  app.get(
    '/api/v1/findings/stream',
    { schema: { tags: ['opmas findings'], summary: 'Live finding changes (SSE)', querystring: StreamQuery } },
    async (request, reply) => {
      request.authorize(PERMISSIONS.findingsRead);
      const { domain, severity, device } = request.query;
      const stream = openSse(request, reply);
      // One change at a time, in bus order, so a client never sees an update before the creation.
      let tail: Promise<void> = Promise.resolve();
      const subscription = kernel.bus.subscribe<FindingChangeMessage>(FINDING_CHANGES_PATTERN, (message) => {
        const change = message.data;
        if (domain && change.domain !== domain) return;
        if (severity && change.severity !== severity) return;
        if (device && change.device !== device) return;
        tail = tail
          .then(async () => {
            const row = await repository.findById(change.finding_id);
            if (row) stream.send({ event: eventName(change), data: presentFinding(row) });
          })
          .catch((error: unknown) => request.log.warn({ err: error }, 'finding not streamed'));
      });
      stream.onClose(() => subscription.unsubscribe());
    },
  );
};
