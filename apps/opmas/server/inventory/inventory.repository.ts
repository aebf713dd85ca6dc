import type { Orm } from '@platform/kernel/db/database.ts';
import { and, desc, eq, sql } from 'drizzle-orm';
import { type ClientRow, clientInventory } from './inventory.tables.ts';

export interface ClientQuery {
  device_id?: string;
  mac?: string;
  ip?: string;
  hostname?: string;
}

/** Client inventory reads and the lease upsert; clients belong to the fleet, not to a user. */
export class InventoryRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  /** Records a lease: a known MAC keeps its first sighting and takes the newest address and name. */
  async upsertLease(lease: {
    deviceId: string;
    mac: string;
    ip?: string;
    hostname?: string;
    iface?: string;
    at: Date;
  }) {
    await this.orm
      .insert(clientInventory)
      .values({
        deviceId: lease.deviceId,
        mac: lease.mac,
        ip: lease.ip ?? null,
        hostname: lease.hostname ?? null,
        iface: lease.iface ?? null,
        firstSeen: lease.at,
        lastSeen: lease.at,
      })
      .onConflictDoUpdate({
        target: [clientInventory.deviceId, clientInventory.mac],
        set: {
          ip: sql`coalesce(excluded.ip, ${clientInventory.ip})`,
          hostname: sql`coalesce(excluded.hostname, ${clientInventory.hostname})`,
          iface: sql`coalesce(excluded.iface, ${clientInventory.iface})`,
          lastSeen: sql`greatest(excluded.last_seen, ${clientInventory.lastSeen})`,
        },
      });
  }

  async find(query: ClientQuery, limit = 200): Promise<ClientRow[]> {
    return this.orm
      .select()
      .from(clientInventory)
      .where(
        and(
          query.device_id === undefined ? undefined : eq(clientInventory.deviceId, query.device_id),
          query.mac === undefined ? undefined : eq(clientInventory.mac, query.mac.toLowerCase()),
          query.ip === undefined ? undefined : eq(clientInventory.ip, query.ip),
          query.hostname === undefined ? undefined : eq(clientInventory.hostname, query.hostname),
        ),
      )
      .orderBy(desc(clientInventory.lastSeen))
      .limit(limit);
  }
}
