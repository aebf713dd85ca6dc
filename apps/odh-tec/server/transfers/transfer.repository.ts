import type { Executor, Orm } from '@platform/kernel/db/database.ts';
import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import {
  type FileStatus,
  type TransferEventRow,
  type TransferFileRow,
  type TransferRow,
  type TransferStatus,
  transferEvents,
  transferFiles,
  transfers,
} from './transfer.tables.ts';

export type NewTransfer = typeof transfers.$inferInsert;
export type NewTransferFile = Omit<typeof transferFiles.$inferInsert, 'transferId'>;

/** Transfers, their files and events. Lists are scoped by owner; rows by id are authorized by the caller. */
export class TransferRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  async create(values: NewTransfer, files: NewTransferFile[], executor: Executor = this.orm): Promise<TransferRow> {
    const [row] = await executor
      .insert(transfers)
      .values({ ...values, totalFiles: files.length, totalBytes: files.reduce((s, f) => s + (f.size ?? 0), 0) })
      .returning();
    if (files.length) {
      await executor.insert(transferFiles).values(files.map((f) => ({ ...f, transferId: row.id })));
    }
    return row;
  }

  async find(id: string): Promise<TransferRow | undefined> {
    const [row] = await this.orm.select().from(transfers).where(eq(transfers.id, id));
    return row;
  }

  listForOwner(
    ownerId: string,
    filter: { status?: string; kind?: string; limit: number; before?: Date },
  ): Promise<TransferRow[]> {
    const conditions = [eq(transfers.ownerId, ownerId)];
    if (filter.status) conditions.push(eq(transfers.status, filter.status as TransferStatus));
    if (filter.kind) conditions.push(eq(transfers.kind, filter.kind as TransferRow['kind']));
    if (filter.before) conditions.push(lt(transfers.createdAt, filter.before));
    return this.orm
      .select()
      .from(transfers)
      .where(and(...conditions))
      .orderBy(desc(transfers.createdAt))
      .limit(filter.limit);
  }

  files(transferId: string): Promise<TransferFileRow[]> {
    return this.orm
      .select()
      .from(transferFiles)
      .where(eq(transferFiles.transferId, transferId))
      .orderBy(asc(transferFiles.idx));
  }

  async setStatus(id: string, status: TransferStatus, changes: Partial<NewTransfer> = {}, from?: TransferStatus[]) {
    const [row] = await this.orm
      .update(transfers)
      .set({ ...changes, status, updatedAt: new Date() })
      .where(from ? and(eq(transfers.id, id), inArray(transfers.status, from)) : eq(transfers.id, id))
      .returning();
    return row;
  }

  async updateFile(transferId: string, idx: number, changes: Partial<typeof transferFiles.$inferInsert>) {
    const [row] = await this.orm
      .update(transferFiles)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(transferFiles.transferId, transferId), eq(transferFiles.idx, idx)))
      .returning();
    return row;
  }

  /** Files that a run (or a resume) still has to move. */
  async requeueUnfinished(transferId: string): Promise<void> {
    await this.orm
      .update(transferFiles)
      .set({ status: 'queued', loaded: 0, errorCode: null, errorMessage: null, updatedAt: new Date() })
      .where(
        and(
          eq(transferFiles.transferId, transferId),
          inArray(transferFiles.status, ['error', 'cancelled', 'transferring'] satisfies FileStatus[]),
        ),
      );
  }

  /** Recomputes the job's counters from its files (one statement, so concurrent file updates cannot drift). */
  async refreshTotals(transferId: string): Promise<TransferRow | undefined> {
    const [row] = await this.orm
      .update(transfers)
      .set({
        completedFiles: sql`(select count(*) from ${transferFiles} where ${transferFiles.transferId} = ${transferId} and ${transferFiles.status} = 'completed')`,
        failedFiles: sql`(select count(*) from ${transferFiles} where ${transferFiles.transferId} = ${transferId} and ${transferFiles.status} = 'error')`,
        skippedFiles: sql`(select count(*) from ${transferFiles} where ${transferFiles.transferId} = ${transferId} and ${transferFiles.status} = 'skipped')`,
        loadedBytes: sql`(select coalesce(sum(case when ${transferFiles.status} in ('completed', 'skipped') then coalesce(${transferFiles.size}, ${transferFiles.loaded}) else ${transferFiles.loaded} end), 0) from ${transferFiles} where ${transferFiles.transferId} = ${transferId})`,
        updatedAt: new Date(),
      })
      .where(eq(transfers.id, transferId))
      .returning();
    return row;
  }

  async appendEvent(transferId: string, type: TransferEventRow['type'], data: Record<string, unknown>) {
    const [row] = await this.orm.insert(transferEvents).values({ transferId, type, data }).returning();
    return row;
  }

  eventsAfter(transferId: string, afterId: number): Promise<TransferEventRow[]> {
    return this.orm
      .select()
      .from(transferEvents)
      .where(and(eq(transferEvents.transferId, transferId), gt(transferEvents.id, afterId)))
      .orderBy(asc(transferEvents.id));
  }

  async lastEventId(transferId: string): Promise<number> {
    const [row] = await this.orm
      .select({ id: sql<number>`coalesce(max(${transferEvents.id}), 0)` })
      .from(transferEvents)
      .where(eq(transferEvents.transferId, transferId));
    return Number(row?.id ?? 0);
  }
}
