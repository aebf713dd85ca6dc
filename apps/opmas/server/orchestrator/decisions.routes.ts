import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { conflict } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Type } from 'typebox';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { presentDecision } from './orchestrator.presenter.ts';
import { OrchestratorRepository } from './orchestrator.repository.ts';
import { DecisionListQuery, DecisionStreamQuery, DecisionView, IdParams } from './orchestrator.schema.ts';
import { orchestratorOf, revertDecision } from './orchestrator-runtime.ts';

const tags = ['opmas decisions'];

/** `/api/v1/decisions` list, revoke and the bouncer pull stream (spec 02-opmas "API"). */
export const decisionRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const repository = new OrchestratorRepository(kernel.db.orm);

  app.get(
    '/api/v1/decisions',
    {
      schema: {
        tags,
        summary: 'Decisions, newest first',
        querystring: DecisionListQuery,
        response: { 200: Type.Object({ items: Type.Array(DecisionView) }), ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.decisionsRead);
      return { items: (await repository.decisions(request.query)).map(presentDecision) };
    },
  );

  app.get(
    '/api/v1/decisions/stream',
    {
      schema: {
        tags,
        summary: 'Bouncer pull: new and deleted decisions since this caller’s last pull (startup: all active)',
        querystring: DecisionStreamQuery,
        response: {
          200: Type.Object({ new: Type.Array(DecisionView), deleted: Type.Array(DecisionView) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.decisionsRead);
      // One cursor per caller: a bouncer normally holds its own API token, so its user is its identity.
      const caller = `${principal.via}:${principal.userId}`;
      const { decisions } = orchestratorOf(kernel);
      const result = await decisions.stream(caller, request.query.startup ?? false, request.query.device_id);
      return { new: result.new.map(presentDecision), deleted: result.deleted.map(presentDecision) };
    },
  );

  app.delete(
    '/api/v1/decisions/:id',
    { schema: { tags, summary: 'Revoke a decision (runs its revert command when it was applied)', params: IdParams } },
    async (request, reply) => {
      request.authorize(PERMISSIONS.decisionsRevoke);
      const row = await orchestratorOf(kernel).decisions.revoke(request.params.id, request.principal?.userId ?? null);
      if (!row) throw conflict('the decision is not active', 'invalid_transition');
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.decision.revoke',
        targetType: 'opmas.decision',
        targetId: row.id,
        after: { scope: row.scope, value: row.value, simulated: row.simulated },
      });
      await revertDecision(kernel, row, `decision ${row.id} revoked`, { background: true });
      return reply.code(204).send();
    },
  );
};
