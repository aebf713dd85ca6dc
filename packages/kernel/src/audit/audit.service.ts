import type { Executor, Orm } from '../db/database.ts';
import type { Principal } from '../identity/principal.ts';
import { type AuditFilter, AuditRepository, type AuditRow } from './audit.repository.ts';
import { scrubObject } from './scrub-object.ts';

/** Where an audited action came from. */
export interface AuditContext {
  principal?: Principal;
  requestId?: string;
  ip?: string;
}

export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
}

/** Appends to the audit log; before/after snapshots are scrubbed of secrets first. */
export class AuditService {
  readonly repository: AuditRepository;
  constructor(orm: Orm) {
    this.repository = new AuditRepository(orm);
  }

  record(context: AuditContext, event: AuditEvent, executor?: Executor): Promise<void> {
    return this.repository.append(
      {
        actorId: context.principal?.userId ?? null,
        actorName: context.principal?.username ?? 'system',
        action: event.action,
        targetType: event.targetType ?? null,
        targetId: event.targetId ?? null,
        before: event.before === undefined ? null : scrubObject(event.before),
        after: event.after === undefined ? null : scrubObject(event.after),
        requestId: context.requestId ?? null,
        ip: context.ip ?? null,
      },
      executor,
    );
  }

  list(filter: AuditFilter): Promise<AuditRow[]> {
    return this.repository.list(filter);
  }
}
