import type { Orm } from '@platform/kernel/db/database.ts';
import { asc, count, eq, gt, sql } from 'drizzle-orm';
import { type DeviceRow, devices, type NewDevice } from '../opmas.schema.ts';

export type DeviceChanges = Partial<Omit<NewDevice, 'id' | 'slug' | 'identity' | 'createdAt'>>;

/** Devices of the fleet (shared: not owned by a user). Lists are keyset-paginated by slug. */
export class DeviceRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  /** Inserts unless the slug or identity is taken; undefined means taken. */
  async insert(values: NewDevice): Promise<DeviceRow | undefined> {
    const [row] = await this.orm.insert(devices).values(values).onConflictDoNothing().returning();
    return row;
  }

  async findById(id: string): Promise<DeviceRow | undefined> {
    const [row] = await this.orm.select().from(devices).where(eq(devices.id, id));
    return row;
  }

  async findByIdentity(identity: string): Promise<DeviceRow | undefined> {
    const [row] = await this.orm.select().from(devices).where(eq(devices.identity, identity));
    return row;
  }

  async slugTaken(slug: string): Promise<boolean> {
    const [row] = await this.orm.select({ id: devices.id }).from(devices).where(eq(devices.slug, slug));
    return row !== undefined;
  }

  /** One page after `cursor` (a slug), plus the total count. */
  async list(limit: number, cursor?: string): Promise<{ rows: DeviceRow[]; total: number }> {
    const rows = await this.orm
      .select()
      .from(devices)
      .where(cursor ? gt(devices.slug, cursor) : undefined)
      .orderBy(asc(devices.slug))
      .limit(limit);
    return { rows, total: await this.count() };
  }

  async count(): Promise<number> {
    const [row] = await this.orm.select({ total: count() }).from(devices);
    return Number(row?.total ?? 0);
  }

  async update(id: string, changes: DeviceChanges): Promise<DeviceRow | undefined> {
    const [row] = await this.orm
      .update(devices)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(devices.id, id))
      .returning();
    return row;
  }

  async delete(id: string): Promise<DeviceRow | undefined> {
    const [row] = await this.orm.delete(devices).where(eq(devices.id, id)).returning();
    return row;
  }

  /** Adds message counts and moves `last_seen` forward (the 10 s flush of spec "Devices"). */
  async recordTraffic(id: string, messages: number, lastSeen: Date, lastSourceIp: string): Promise<void> {
    await this.orm
      .update(devices)
      .set({
        msgCount: sql`${devices.msgCount} + ${messages}`,
        lastSeen: sql`greatest(${devices.lastSeen}, ${lastSeen.toISOString()}::timestamptz)`,
        firstSeen: sql`coalesce(${devices.firstSeen}, ${lastSeen.toISOString()}::timestamptz)`,
        lastSourceIp,
      })
      .where(eq(devices.id, id));
  }
}
