import type { Orm } from '@platform/kernel/db/database.ts';
import { and, asc, eq, sql } from 'drizzle-orm';
import { type S3ConnectionRow, s3Connections } from '../odh-tec.schema.ts';

export type NewS3Connection = typeof s3Connections.$inferInsert;
export type S3ConnectionChanges = Partial<Omit<NewS3Connection, 'id' | 'createdBy' | 'version' | 'createdAt'>>;

/** S3 connections. Lists are scoped by owner; single rows are found by id and then authorized by the caller. */
export class ConnectionRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  /** Inserts unless the id is taken; undefined means taken. */
  async create(values: NewS3Connection): Promise<S3ConnectionRow | undefined> {
    const [row] = await this.orm.insert(s3Connections).values(values).onConflictDoNothing().returning();
    return row;
  }

  listForOwner(ownerId: string): Promise<S3ConnectionRow[]> {
    return this.orm
      .select()
      .from(s3Connections)
      .where(eq(s3Connections.createdBy, ownerId))
      .orderBy(asc(s3Connections.id));
  }

  async findById(id: string): Promise<S3ConnectionRow | undefined> {
    const [row] = await this.orm.select().from(s3Connections).where(eq(s3Connections.id, id));
    return row;
  }

  /** Applies changes only at the expected version (optimistic concurrency); undefined means the version moved on. */
  async update(
    ownerId: string,
    id: string,
    expectedVersion: number,
    changes: S3ConnectionChanges,
  ): Promise<S3ConnectionRow | undefined> {
    const [row] = await this.orm
      .update(s3Connections)
      .set({ ...changes, version: sql`${s3Connections.version} + 1`, updatedAt: new Date() })
      .where(
        and(eq(s3Connections.createdBy, ownerId), eq(s3Connections.id, id), eq(s3Connections.version, expectedVersion)),
      )
      .returning();
    return row;
  }

  async delete(ownerId: string, id: string): Promise<S3ConnectionRow | undefined> {
    const [row] = await this.orm
      .delete(s3Connections)
      .where(and(eq(s3Connections.createdBy, ownerId), eq(s3Connections.id, id)))
      .returning();
    return row;
  }
}
