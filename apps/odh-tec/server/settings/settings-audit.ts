import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyRequest } from 'fastify';
import { auditedSettings } from './settings.presenter.ts';
import type { OdhTecSettings } from './settings.service.ts';

/** Audits a settings change (spec "Security": audit entries for settings actions), proxy passwords masked. */
export const auditSettingsChange = (
  kernel: Kernel,
  request: FastifyRequest,
  before: OdhTecSettings,
  after: OdhTecSettings,
): Promise<void> =>
  kernel.audit.record(auditContextOf(request), {
    action: 'odh-tec.settings.update',
    targetType: 'odh-tec.settings',
    targetId: 'global',
    before: auditedSettings(before),
    after: auditedSettings(after),
  });

/** Audits a change of the Hub token: what happened, never the token or its hint. */
export const auditHfTokenChange = async (
  kernel: Kernel,
  request: FastifyRequest,
  outcome: 'kept' | 'set' | 'cleared',
): Promise<void> => {
  if (outcome === 'kept') return;
  await kernel.audit.record(auditContextOf(request), {
    action: outcome === 'set' ? 'odh-tec.hf_token.set' : 'odh-tec.hf_token.clear',
    targetType: 'odh-tec.secret',
    targetId: 'hf_token',
  });
};
