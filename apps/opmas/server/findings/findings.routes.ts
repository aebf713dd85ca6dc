import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { badRequest, conflict, notFound } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { parseDuration } from '../rules/rule-document.ts';
import { presentFinding } from './finding.presenter.ts';
import { FindingRepository } from './finding.repository.ts';
import { FindingChange, FindingIdParams, FindingList, FindingListQuery, FindingView } from './finding.schema.ts';
import { findingChangeSubject } from './finding-recorder.ts';
import { findingStreamRoutes } from './finding-stream.ts';
import { canTransition, isOpen } from './finding-transitions.ts';

const tags = ['opmas findings'];
const findingNotFound = () => notFound('finding');

/** `/api/v1/findings` list, detail and status changes (spec 02-opmas "API"); findings are fleet-wide, not owned. */
export const findingRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const repository = new FindingRepository(kernel.db.orm);
  await app.register(findingStreamRoutes, { kernel, repository });

  app.get(
    '/api/v1/findings',
    {
      schema: {
        tags,
        summary: 'Findings, newest first',
        querystring: FindingListQuery,
        response: { 200: FindingList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.findingsRead);
      const limit = request.query.limit ?? 50;
      const rows = await repository.list(request.query, limit);
      const last = rows.at(-1);
      return { items: rows.map(presentFinding), next_cursor: rows.length === limit && last ? String(last.seq) : null };
    },
  );

  app.get(
    '/api/v1/findings/:id',
    {
      schema: {
        tags,
        summary: 'One finding with its evidence',
        params: FindingIdParams,
        response: { 200: FindingView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.findingsRead);
      const row = await repository.findById(request.params.id);
      if (!row) throw findingNotFound();
      return presentFinding(row);
    },
  );

  // The spec names PUT; PATCH is accepted too because a status change is a partial update.
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/findings/:id',
      schema: {
        tags,
        summary: 'Change the status of a finding (spec "Finding states")',
        params: FindingIdParams,
        body: FindingChange,
        response: { 200: FindingView, ...errorResponses },
      },
      handler: async (request) => {
        request.authorize(PERMISSIONS.findingsWrite);
        const before = await repository.findById(request.params.id);
        if (!before) throw findingNotFound();
        const to = request.body.status;
        const { suppress_for: suppressFor } = request.body;
        if (suppressFor !== undefined && to !== 'false_positive') {
          throw badRequest('suppress_for goes with status false_positive', undefined, 'validation_failed');
        }
        const reopensOverOpen = isOpen(to) && !isOpen(before.status) && (await repository.otherOpen(before));
        if (!canTransition(before.status, to) || reopensOverOpen) {
          throw conflict(`a ${before.status} finding cannot become ${to}`, 'invalid_transition');
        }
        const by = request.principal?.userId ?? null;
        const suppressedUntil = suppressFor && new Date(Date.now() + parseDuration(suppressFor, 'suppress_for'));
        // The change, its suppression, its audit entry and its stream event commit together.
        const row = await kernel.db.transaction(async (tx) => {
          const inTransaction = new FindingRepository(tx);
          const changed = await inTransaction.setStatus(before, to, by, request.body.note);
          if (!changed) throw conflict('the finding changed meanwhile', 'invalid_transition');
          if (suppressedUntil) await inTransaction.suppress(changed, suppressedUntil, by);
          await kernel.outbox.write(tx, findingChangeSubject(changed.domain), {
            kind: 'status_changed',
            finding_id: changed.id,
            domain: changed.domain,
            severity: changed.severity,
            device: changed.device,
            status: changed.status,
          });
          await kernel.audit.record(
            auditContextOf(request),
            {
              action: 'opmas.finding.status',
              targetType: 'opmas.finding',
              targetId: changed.id,
              before: { status: before.status },
              after: {
                status: changed.status,
                note: request.body.note ?? null,
                suppressed_until: suppressedUntil || null,
              },
            },
            tx,
          );
          return changed;
        });
        return presentFinding(row);
      },
    });
  }
};
