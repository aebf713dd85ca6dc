import type { FastifyRequest } from 'fastify';
import type { AuditContext } from './audit.service.ts';

export const auditContextOf = (request: FastifyRequest): AuditContext => ({
  principal: request.principal,
  requestId: request.id,
  ip: request.ip,
});
