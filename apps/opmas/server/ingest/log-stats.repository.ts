import type { Orm } from '@platform/kernel/db/database.ts';
import { and, asc, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import { devices } from '../opmas.schema.ts';
import { type LogStatsRow, logStats } from './log-stats.tables.ts';

/** A range of minutes, both ends included (a row's `minute` is the start of its minute). */
export interface MinuteRange {
  from: Date;
  to: Date;
}

const summed = (column: typeof logStats.count | typeof logStats.parseErrors) =>
  sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

const inRange = ({ from, to }: MinuteRange): SQL | undefined =>
  and(gte(logStats.minute, from), lte(logStats.minute, to));

/** Reads and additive writes of `log_stats`; rows of deleted devices are left out by joining `devices`. */
export class LogStatsRepository {
  readonly #orm: Orm;
  constructor(orm: Orm) {
    this.#orm = orm;
  }

  /**
   * Adds the rows' counts to the stored ones in one statement: the arrays travel as six parameters and `unnest` turns
   * them back into rows, so any number of rows stays within PostgreSQL's parameter limit.
   */
  async addCounts(rows: LogStatsRow[]): Promise<void> {
    if (rows.length === 0) return;
    const column = <T>(pick: (row: LogStatsRow) => T) => sql.param(rows.map(pick));
    await this.#orm.execute(sql`
      insert into ${logStats} (device_id, minute, domain, severity, count, parse_errors)
      select * from unnest(
        ${column((row) => row.deviceId)}::uuid[],
        ${column((row) => row.minute.toISOString())}::timestamptz[],
        ${column((row) => row.domain)}::text[],
        ${column((row) => row.severity)}::integer[],
        ${column((row) => row.count)}::bigint[],
        ${column((row) => row.parseErrors)}::bigint[]
      )
      on conflict (device_id, minute, domain, severity) do update
      set count = ${logStats}.count + excluded.count,
          parse_errors = ${logStats}.parse_errors + excluded.parse_errors`);
  }

  /** Counts per device over the range, busiest first, with the device's name and last source address. */
  byDevice(range: MinuteRange) {
    return this.#orm
      .select({
        deviceId: logStats.deviceId,
        hostname: devices.hostname,
        sourceIp: sql<string | null>`coalesce(${devices.lastSourceIp}, ${devices.ipAddress})`,
        count: summed(logStats.count),
        parseErrors: summed(logStats.parseErrors),
      })
      .from(logStats)
      .innerJoin(devices, eq(devices.id, logStats.deviceId))
      .where(inRange(range))
      .groupBy(logStats.deviceId, devices.hostname, devices.lastSourceIp, devices.ipAddress)
      .orderBy(desc(summed(logStats.count)), asc(logStats.deviceId));
  }

  /** Counts per domain over the range, busiest first. */
  byDomain(range: MinuteRange) {
    return this.#orm
      .select({ domain: logStats.domain, count: summed(logStats.count), parseErrors: summed(logStats.parseErrors) })
      .from(logStats)
      .innerJoin(devices, eq(devices.id, logStats.deviceId))
      .where(inRange(range))
      .groupBy(logStats.domain)
      .orderBy(desc(summed(logStats.count)), asc(logStats.domain));
  }

  /** Counts per severity code over the range, most severe first. */
  bySeverity(range: MinuteRange) {
    return this.#orm
      .select({
        severity: logStats.severity,
        count: summed(logStats.count),
        parseErrors: summed(logStats.parseErrors),
      })
      .from(logStats)
      .innerJoin(devices, eq(devices.id, logStats.deviceId))
      .where(inRange(range))
      .groupBy(logStats.severity)
      .orderBy(asc(logStats.severity));
  }

  /** One device's counts per minute and severity over the range, oldest minute first. */
  deviceMinutes(deviceId: string, range: MinuteRange) {
    return this.#orm
      .select({
        minute: logStats.minute,
        severity: logStats.severity,
        count: summed(logStats.count),
        parseErrors: summed(logStats.parseErrors),
      })
      .from(logStats)
      .where(and(eq(logStats.deviceId, deviceId), inRange(range)))
      .groupBy(logStats.minute, logStats.severity)
      .orderBy(asc(logStats.minute), asc(logStats.severity));
  }

  /** One device's message count over the range. */
  async deviceTotal(deviceId: string, range: MinuteRange): Promise<number> {
    const [row] = await this.#orm
      .select({ count: summed(logStats.count) })
      .from(logStats)
      .where(and(eq(logStats.deviceId, deviceId), inRange(range)));
    return row?.count ?? 0;
  }
}
