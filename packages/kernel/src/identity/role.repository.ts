import { asc, eq, inArray } from 'drizzle-orm';
import type { Orm } from '../db/database.ts';
import { permissions, roles } from '../db/kernel.schema.ts';

export type RoleRow = typeof roles.$inferSelect;

export class RoleRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  list(): Promise<RoleRow[]> {
    return this.orm.select().from(roles).orderBy(asc(roles.name));
  }

  async find(name: string): Promise<RoleRow | undefined> {
    const [row] = await this.orm.select().from(roles).where(eq(roles.name, name));
    return row;
  }

  async grantsOf(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.orm
      .select({ permissions: roles.permissions })
      .from(roles)
      .where(inArray(roles.name, names));
    return rows.flatMap((row) => row.permissions);
  }

  async upsert(values: typeof roles.$inferInsert): Promise<RoleRow> {
    const [row] = await this.orm
      .insert(roles)
      .values(values)
      .onConflictDoUpdate({
        target: roles.name,
        set: { description: values.description, permissions: values.permissions, updatedAt: new Date() },
      })
      .returning();
    return row!;
  }

  async insertMissing(values: (typeof roles.$inferInsert)[]): Promise<void> {
    if (values.length) await this.orm.insert(roles).values(values).onConflictDoNothing();
  }

  listPermissions(): Promise<(typeof permissions.$inferSelect)[]> {
    return this.orm.select().from(permissions).orderBy(asc(permissions.permission));
  }

  async knownPermissions(): Promise<Set<string>> {
    const rows = await this.orm.select({ permission: permissions.permission }).from(permissions);
    return new Set(rows.map((row) => row.permission));
  }

  async recordPermissions(values: (typeof permissions.$inferInsert)[]): Promise<void> {
    if (values.length) await this.orm.insert(permissions).values(values).onConflictDoNothing();
  }
}
