import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError, conflict, notFound } from '@platform/kernel/http/errors.ts';
import { hasPermission } from '@platform/kernel/identity/principal.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { eq } from 'drizzle-orm';
import { TemplateError } from '../executor/command-template.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { devices, type ExecutionMode } from '../opmas.schema.ts';
import { presentAction } from './orchestrator.presenter.ts';
import { OrchestratorRepository } from './orchestrator.repository.ts';
import {
  ActionChange,
  ActionList,
  ActionListQuery,
  ActionView,
  IdParams,
  ManualAction,
} from './orchestrator.schema.ts';
import type { ActionRow } from './orchestrator.tables.ts';
import { systemMode } from './orchestrator.ts';
import { orchestratorOf } from './orchestrator-runtime.ts';
import { minMode } from './step-params.ts';

const tags = ['opmas actions'];

/** A template or parameter refusal as the API answers it (spec "Bad input": 400 `param_invalid {param, type}`). */
export function templateHttpError(error: unknown): unknown {
  if (!(error instanceof TemplateError)) return error;
  return new AppError(400, error.code, error.message, { param: error.param, type: error.type });
}

/** `/api/v1/actions` and `/api/v1/intended-actions` (spec 02-opmas "API"). */
export const actionRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const repository = new OrchestratorRepository(kernel.db.orm);

  /** Runs an approved or manual action in the background; the request only waits for it to be stored. */
  const runLater = (row: ActionRow) => {
    const { allowlist, actionRunner } = orchestratorOf(kernel);
    void (async () => {
      const [device] = row.deviceId
        ? await kernel.db.orm.select().from(devices).where(eq(devices.id, row.deviceId))
        : [];
      if (!device) return;
      await actionRunner.execute(row, device, allowlist.render(row.templateId, row.params));
    })().catch((error: unknown) => kernel.logger.error({ err: error, action: row.id }, 'opmas action failed to run'));
  };

  app.get(
    '/api/v1/actions',
    {
      schema: {
        tags,
        summary: 'Actions, newest first',
        querystring: ActionListQuery,
        response: { 200: ActionList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.actionsRead);
      const limit = request.query.limit ?? 50;
      const rows = await repository.actions(request.query, limit);
      const last = rows.at(-1);
      return { items: rows.map(presentAction), next_cursor: rows.length === limit && last ? String(last.seq) : null };
    },
  );

  app.get(
    '/api/v1/intended-actions',
    {
      schema: {
        tags,
        summary: 'What would run or waits for approval (dry_run and pending_approval actions)',
        querystring: ActionListQuery,
        response: { 200: ActionList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.actionsRead);
      const limit = request.query.limit ?? 50;
      const rows = await repository.actions(request.query, limit, ['dry_run', 'pending_approval']);
      const last = rows.at(-1);
      return { items: rows.map(presentAction), next_cursor: rows.length === limit && last ? String(last.seq) : null };
    },
  );

  app.get(
    '/api/v1/actions/:id',
    {
      schema: {
        tags,
        summary: 'One action with its output',
        params: IdParams,
        response: { 200: ActionView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.actionsRead);
      const row = await repository.action(request.params.id);
      if (!row) throw notFound('action');
      return presentAction(row);
    },
  );

  app.post(
    '/api/v1/actions',
    {
      schema: {
        tags,
        summary: 'Run one allowlisted command on a device (typed parameters; mode execute is for admins)',
        body: ManualAction,
        response: { 202: ActionView, ...errorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.actionsWrite);
      const { device_id: deviceId, template_id: templateId, params = {}, reason } = request.body;
      const { allowlist, actionRunner, config } = orchestratorOf(kernel);
      const requested: ExecutionMode = request.body.mode ?? (await systemMode(kernel.db.orm, config.mode));
      if (
        requested === 'execute' &&
        !(request.principal && hasPermission(request.principal, PERMISSIONS.modeExecute))
      ) {
        throw new AppError(403, 'mode_forbidden', 'only administrators may run actions in execute mode');
      }
      const [device] = await kernel.db.orm.select().from(devices).where(eq(devices.id, deviceId));
      if (!device) throw notFound('device');
      let rendered: ReturnType<typeof allowlist.render>;
      try {
        rendered = allowlist.render(templateId, params);
      } catch (error) {
        throw templateHttpError(error);
      }
      const mode = minMode(requested, device.maxMode, device.status === 'maintenance' ? 'observe' : null);
      if (mode === 'observe') throw conflict(`device ${device.slug} only allows observe`, 'mode_observe');
      const row = await actionRunner.store({ device, templateId, params, rendered, mode, reason });
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.action.request',
        targetType: 'opmas.action',
        targetId: row.id,
        after: { rendered_command: row.renderedCommand, mode, reason },
      });
      if (row.status === 'queued') runLater(row);
      return reply.code(202).send(presentAction(row));
    },
  );

  const change = async (id: string, to: 'approved' | 'rejected' | 'cancelled', by: string | null) => {
    const before = await repository.action(id);
    if (!before) throw notFound('action');
    const moves = {
      approved: { from: ['pending_approval'] as const, set: { status: 'queued' as const, approvedBy: by } },
      rejected: { from: ['pending_approval'] as const, set: { status: 'rejected' as const, approvedBy: by } },
      cancelled: { from: ['pending_approval', 'queued'] as const, set: { status: 'cancelled' as const } },
    }[to];
    const row = await repository.moveAction(id, [...moves.from], {
      ...moves.set,
      completedAt: to === 'approved' ? null : new Date(),
    });
    if (!row) throw conflict(`a ${before.status} action cannot be ${to}`, 'action_not_cancellable');
    if (to === 'approved') runLater(row);
    return { before, row };
  };

  app.put(
    '/api/v1/actions/:id',
    {
      schema: {
        tags,
        summary: 'Approve, reject or cancel an action',
        params: IdParams,
        body: ActionChange,
        response: { 200: ActionView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.actionsWrite);
      const { before, row } = await change(request.params.id, request.body.status, request.principal?.userId ?? null);
      await kernel.audit.record(auditContextOf(request), {
        action: `opmas.action.${request.body.status}`,
        targetType: 'opmas.action',
        targetId: row.id,
        before: { status: before.status },
        after: { status: row.status, rendered_command: row.renderedCommand },
      });
      return presentAction(row);
    },
  );

  app.delete(
    '/api/v1/actions/:id',
    { schema: { tags, summary: 'Cancel an action that has not started', params: IdParams } },
    async (request, reply) => {
      request.authorize(PERMISSIONS.actionsWrite);
      const { row } = await change(request.params.id, 'cancelled', request.principal?.userId ?? null);
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.action.cancelled',
        targetType: 'opmas.action',
        targetId: row.id,
      });
      return reply.code(204).send();
    },
  );
};
