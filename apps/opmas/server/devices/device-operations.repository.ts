import type { Orm } from '@platform/kernel/db/database.ts';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { findings } from '../findings/finding.tables.ts';
import { type DeviceRow, devices } from '../opmas.schema.ts';

/** Queries behind the device status and discovery routes. */
export class DeviceOperationsRepository {
  readonly #orm: Orm;
  constructor(orm: Orm) {
    this.#orm = orm;
  }

  /** Findings of the device still open (spec "Finding states": `new` or `investigating`). */
  async openFindingCount(deviceId: string): Promise<number> {
    const [row] = await this.#orm
      .select({ total: count() })
      .from(findings)
      .where(and(eq(findings.deviceId, deviceId), inArray(findings.status, ['new', 'investigating'])));
    return Number(row?.total ?? 0);
  }

  /** Auto-registered devices not acknowledged yet, oldest first. */
  unacknowledged(limit: number): Promise<DeviceRow[]> {
    return this.#orm
      .select()
      .from(devices)
      .where(and(eq(devices.autoRegistered, true), eq(devices.acknowledged, false)))
      .orderBy(asc(devices.createdAt), asc(devices.slug))
      .limit(limit);
  }
}
