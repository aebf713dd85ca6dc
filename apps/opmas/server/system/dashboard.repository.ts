import type { Orm } from '@platform/kernel/db/database.ts';
import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { findings } from '../findings/finding.tables.ts';
import { devices } from '../opmas.schema.ts';
import { actions, decisions } from '../orchestrator/orchestrator.tables.ts';
import { ruleVersions } from '../rules/rule.tables.ts';

const OPEN_STATUSES = ['new', 'investigating'] as const;
/** Actions that wait: for an approval, or for a free executor slot. */
const PENDING_ACTIONS = ['pending_approval', 'queued'] as const;
/** Actions that ran to an end state on the device. */
const EXECUTED_ACTIONS = ['succeeded', 'failed', 'timed_out'] as const;

const count = sql<number>`count(*)`;

/** Rows of one activity source, newest first. */
export interface ActivityRow {
  id: string;
  at: Date;
  title: string;
  severity?: string;
}

/** The counts and recent rows behind the dashboard (spec 02-opmas "API" `/dashboard/*`). */
export class DashboardRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  /** Devices total, and how many were seen since each of the two cut-offs. */
  async deviceCounts(onlineSince: Date, staleSince: Date): Promise<{ total: number; online: number; seen: number }> {
    const [row] = await this.#orm
      .select({
        total: count,
        online: sql<number>`count(*) filter (where ${devices.lastSeen} >= ${onlineSince.toISOString()})`,
        seen: sql<number>`count(*) filter (where ${devices.lastSeen} >= ${staleSince.toISOString()})`,
      })
      .from(devices);
    return { total: Number(row.total), online: Number(row.online), seen: Number(row.seen) };
  }

  /** Open findings per (severity, domain). */
  openFindings(): Promise<{ severity: string; domain: string; n: number }[]> {
    return this.#orm
      .select({ severity: findings.severity, domain: findings.domain, n: count })
      .from(findings)
      .where(inArray(findings.status, [...OPEN_STATUSES]))
      .groupBy(findings.severity, findings.domain);
  }

  async pendingActions(): Promise<number> {
    const [row] = await this.#orm
      .select({ n: count })
      .from(actions)
      .where(inArray(actions.status, [...PENDING_ACTIONS]));
    return Number(row.n);
  }

  async executedActionsSince(since: Date): Promise<number> {
    const [row] = await this.#orm
      .select({ n: count })
      .from(actions)
      .where(and(inArray(actions.status, [...EXECUTED_ACTIONS]), gte(actions.completedAt, since)));
    return Number(row.n);
  }

  async activeDecisions(): Promise<number> {
    const [row] = await this.#orm.select({ n: count }).from(decisions).where(eq(decisions.status, 'active'));
    return Number(row.n);
  }

  recentFindings(limit: number): Promise<ActivityRow[]> {
    return this.#orm
      .select({ id: findings.id, at: findings.createdAt, title: findings.title, severity: findings.severity })
      .from(findings)
      .orderBy(desc(findings.createdAt))
      .limit(limit);
  }

  recentActions(limit: number): Promise<ActivityRow[]> {
    return this.#orm
      .select({
        id: actions.id,
        at: actions.createdAt,
        title: sql<string>`${actions.templateId} || ' on ' || coalesce(${actions.device}, '?') || ': ' || ${actions.status}`,
      })
      .from(actions)
      .orderBy(desc(actions.createdAt))
      .limit(limit);
  }

  recentDecisions(limit: number): Promise<ActivityRow[]> {
    return this.#orm
      .select({
        id: decisions.id,
        at: decisions.createdAt,
        title: sql<string>`${decisions.type} || ' ' || ${decisions.value} || case when ${decisions.simulated} then ' (simulated)' else '' end`,
      })
      .from(decisions)
      .orderBy(desc(decisions.createdAt))
      .limit(limit);
  }

  recentRegistrations(limit: number): Promise<ActivityRow[]> {
    return this.#orm
      .select({
        id: devices.id,
        at: devices.createdAt,
        title: sql<string>`'device ' || ${devices.slug} || ' registered'`,
      })
      .from(devices)
      .orderBy(desc(devices.createdAt))
      .limit(limit);
  }

  recentRuleChanges(limit: number): Promise<ActivityRow[]> {
    return this.#orm
      .select({
        id: sql<string>`${ruleVersions.ruleId} || '@' || ${ruleVersions.version}`,
        at: ruleVersions.changedAt,
        title: sql<string>`'rule ' || ${ruleVersions.ruleId} || ' version ' || ${ruleVersions.version}`,
      })
      .from(ruleVersions)
      .orderBy(desc(ruleVersions.changedAt))
      .limit(limit);
  }
}
