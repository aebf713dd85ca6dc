import type { Orm } from '@platform/kernel/db/database.ts';
import { and, asc, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { ActionListQuery, DecisionListQuery } from './orchestrator.schema.ts';
import {
  type ActionRow,
  type ActionStatus,
  actions,
  type DecisionRow,
  decisions,
  type ExecutionRow,
  type PlaybookRow,
  type PlaybookStepRow,
  type ProfileRow,
  playbookExecutions,
  playbookSteps,
  playbooks,
  profiles,
} from './orchestrator.tables.ts';

/** Reads of the orchestrator's tables; playbooks, actions and decisions are fleet-wide, not owned by a user. */
export class OrchestratorRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  async actions(query: ActionListQuery, limit: number, statuses?: ActionStatus[]): Promise<ActionRow[]> {
    const filters: (SQL | undefined)[] = [
      query.status === undefined ? undefined : eq(actions.status, query.status as ActionStatus),
      statuses === undefined ? undefined : inArray(actions.status, statuses),
      query.device_id === undefined ? undefined : eq(actions.deviceId, query.device_id),
      query.finding_id === undefined ? undefined : eq(actions.findingId, query.finding_id),
      query.cursor === undefined ? undefined : lt(actions.seq, Number(query.cursor)),
    ];
    return this.orm
      .select()
      .from(actions)
      .where(and(...filters))
      .orderBy(desc(actions.seq))
      .limit(limit);
  }

  async action(id: string): Promise<ActionRow | undefined> {
    const [row] = await this.orm.select().from(actions).where(eq(actions.id, id));
    return row;
  }

  /** Moves an action from one status to another; undefined when it was not in `from` anymore. */
  async moveAction(id: string, from: ActionStatus[], changes: Partial<ActionRow>): Promise<ActionRow | undefined> {
    const [row] = await this.orm
      .update(actions)
      .set(changes)
      .where(and(eq(actions.id, id), inArray(actions.status, from)))
      .returning();
    return row;
  }

  async playbooks(): Promise<PlaybookRow[]> {
    return this.orm.select().from(playbooks).orderBy(asc(playbooks.id));
  }

  async playbook(id: string): Promise<PlaybookRow | undefined> {
    const [row] = await this.orm.select().from(playbooks).where(eq(playbooks.id, id));
    return row;
  }

  async steps(playbookId?: string): Promise<PlaybookStepRow[]> {
    return this.orm
      .select()
      .from(playbookSteps)
      .where(playbookId === undefined ? undefined : eq(playbookSteps.playbookId, playbookId))
      .orderBy(asc(playbookSteps.playbookId), asc(playbookSteps.position));
  }

  async profiles(): Promise<ProfileRow[]> {
    return this.orm.select().from(profiles).orderBy(asc(profiles.priority), asc(profiles.id));
  }

  async execution(id: string): Promise<ExecutionRow | undefined> {
    const [row] = await this.orm.select().from(playbookExecutions).where(eq(playbookExecutions.id, id));
    return row;
  }

  async executions(filter: { findingId?: string; playbookId?: string }, limit = 100): Promise<ExecutionRow[]> {
    return this.orm
      .select()
      .from(playbookExecutions)
      .where(
        and(
          filter.findingId === undefined ? undefined : eq(playbookExecutions.findingId, filter.findingId),
          filter.playbookId === undefined ? undefined : eq(playbookExecutions.playbookId, filter.playbookId),
        ),
      )
      .orderBy(desc(playbookExecutions.seq))
      .limit(limit);
  }

  async decisions(query: DecisionListQuery): Promise<DecisionRow[]> {
    return this.orm
      .select()
      .from(decisions)
      .where(
        and(
          query.active ? eq(decisions.status, 'active') : undefined,
          query.scope === undefined ? undefined : eq(decisions.scope, query.scope as DecisionRow['scope']),
          query.value === undefined ? undefined : eq(decisions.value, query.value),
          query.device_id === undefined ? undefined : eq(decisions.deviceId, query.device_id),
        ),
      )
      .orderBy(desc(decisions.seq))
      .limit(500);
  }
}
