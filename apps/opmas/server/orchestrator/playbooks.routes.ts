import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError, badRequest, notFound } from '@platform/kernel/http/errors.ts';
import { hasPermission } from '@platform/kernel/identity/principal.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { eq } from 'drizzle-orm';
import { Type } from 'typebox';
import { findings } from '../findings/finding.tables.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { devices } from '../opmas.schema.ts';
import { appendConfigHistory } from '../system/system-config.repository.ts';
import { presentExecution, presentPlaybook, presentProfile } from './orchestrator.presenter.ts';
import { OrchestratorRepository } from './orchestrator.repository.ts';
import {
  ExecuteRequest,
  ExecutionView,
  IdParams,
  PlaybookView,
  ProfileView,
  SlugParams,
  SystemConfigView,
} from './orchestrator.schema.ts';
import { systemConfig } from './orchestrator.tables.ts';
import { effectiveMode, enqueueExecution, MODE_KEY, systemMode } from './orchestrator.ts';
import { orchestratorConfigOf } from './orchestrator-config-cache.ts';
import { orchestratorOf } from './orchestrator-runtime.ts';

const tags = ['opmas playbooks'];

/** Playbooks, profiles, executions and the runtime mode (spec 02-opmas "API"). */
export const playbookRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const repository = new OrchestratorRepository(kernel.db.orm);
  const mayExecute = (principal: Parameters<typeof hasPermission>[0] | undefined) =>
    principal !== undefined && hasPermission(principal, PERMISSIONS.modeExecute);

  app.get(
    '/api/v1/playbooks',
    {
      schema: {
        tags,
        summary: 'Playbooks with their steps',
        response: { 200: Type.Object({ items: Type.Array(PlaybookView) }), ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.playbooksRead);
      const steps = await repository.steps();
      const items = (await repository.playbooks()).map((row) =>
        presentPlaybook(
          row,
          steps.filter((step) => step.playbookId === row.id),
        ),
      );
      return { items };
    },
  );

  app.get(
    '/api/v1/playbooks/:id',
    {
      schema: { tags, summary: 'One playbook', params: SlugParams, response: { 200: PlaybookView, ...errorResponses } },
    },
    async (request) => {
      request.authorize(PERMISSIONS.playbooksRead);
      const row = await repository.playbook(request.params.id);
      if (!row) throw notFound('playbook');
      return presentPlaybook(row, await repository.steps(row.id));
    },
  );

  app.post(
    '/api/v1/playbooks/:id/execute',
    {
      schema: {
        tags,
        summary: 'Run a playbook for a finding or a device',
        params: SlugParams,
        body: ExecuteRequest,
        response: {
          202: Type.Object({ execution_id: Type.String({ description: 'follow it at executions/{id}' }) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.playbooksExecute);
      const playbook = await repository.playbook(request.params.id);
      if (!playbook) throw notFound('playbook');
      const { finding_id: findingId, params = {} } = request.body;
      const [finding] = findingId ? await kernel.db.orm.select().from(findings).where(eq(findings.id, findingId)) : [];
      if (findingId && !finding) throw notFound('finding');
      const deviceId = request.body.device_id ?? finding?.deviceId;
      if (!deviceId) throw badRequest('finding_id or device_id is required', undefined, 'validation_failed');
      const [device] = await kernel.db.orm.select().from(devices).where(eq(devices.id, deviceId));
      if (!device) throw notFound('device');
      if (request.body.mode === 'execute' && !mayExecute(request.principal)) {
        throw new AppError(403, 'mode_forbidden', 'only administrators may run playbooks in execute mode');
      }
      const system = request.body.mode ?? (await systemMode(kernel.db.orm, orchestratorOf(kernel).config.mode));
      const row = await kernel.db.transaction((tx) =>
        enqueueExecution(kernel, tx, {
          playbookId: playbook.id,
          findingId: finding?.id ?? null,
          deviceId: device.id,
          device: device.slug,
          mode: effectiveMode(system, null, playbook.maxMode, device),
          trigger: 'manual',
          params,
          createdBy: request.principal?.userId ?? null,
        }),
      );
      if (!row) throw new AppError(409, 'conflict', 'execution not created');
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.playbook.execute',
        targetType: 'opmas.playbook',
        targetId: playbook.id,
        after: { execution_id: row.id, mode: row.mode, device: device.slug },
      });
      return reply.code(202).send({ execution_id: row.id });
    },
  );

  app.get(
    '/api/v1/playbooks/executions/:id',
    {
      schema: {
        tags,
        summary: 'One execution with its step results',
        params: IdParams,
        response: { 200: ExecutionView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.playbooksRead);
      const row = await repository.execution(request.params.id);
      if (!row) throw notFound('execution');
      return presentExecution(row);
    },
  );

  app.get(
    '/api/v1/profiles',
    {
      schema: {
        tags,
        summary: 'Profiles in priority order',
        response: { 200: Type.Object({ items: Type.Array(ProfileView) }), ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.playbooksRead);
      return { items: (await repository.profiles()).map(presentProfile) };
    },
  );

  app.get(
    '/api/v1/system/config',
    {
      schema: {
        tags: ['opmas system'],
        summary: 'Runtime settings',
        response: { 200: SystemConfigView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.systemRead);
      return { mode: await systemMode(kernel.db.orm, orchestratorOf(kernel).config.mode) };
    },
  );

  app.put(
    '/api/v1/system/config',
    {
      schema: {
        tags: ['opmas system'],
        summary: 'Change runtime settings (mode execute needs an administrator); audited',
        body: SystemConfigView,
        response: { 200: SystemConfigView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.systemWrite);
      const { mode } = request.body;
      if (mode === 'execute' && !mayExecute(request.principal)) {
        throw new AppError(403, 'mode_forbidden', 'only administrators may switch to execute');
      }
      const before = await systemMode(kernel.db.orm, orchestratorOf(kernel).config.mode);
      const by = request.principal?.userId ?? null;
      await kernel.db.transaction(async (tx) => {
        await tx
          .insert(systemConfig)
          .values({ key: MODE_KEY, value: mode, updatedBy: by })
          .onConflictDoUpdate({ target: systemConfig.key, set: { value: mode, updatedBy: by, updatedAt: new Date() } });
        await appendConfigHistory(tx, { key: MODE_KEY, before, after: mode, by });
        await kernel.audit.record(
          auditContextOf(request),
          { action: 'opmas.system.mode', targetType: 'opmas.system', before: { mode: before }, after: { mode } },
          tx,
        );
      });
      orchestratorConfigOf(kernel).invalidate();
      return { mode };
    },
  );
};
