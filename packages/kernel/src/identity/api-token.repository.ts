import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Orm } from '../db/database.ts';
import { apiTokens, users } from '../db/kernel.schema.ts';
import type { UserRow } from './user.repository.ts';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** API tokens, always scoped by their owner. */
export class ApiTokenRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  async create(values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
    const [row] = await this.orm.insert(apiTokens).values(values).returning();
    return row!;
  }

  listForOwner(userId: string): Promise<ApiTokenRow[]> {
    return this.orm
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .orderBy(desc(apiTokens.createdAt));
  }

  async revoke(userId: string, id: string): Promise<ApiTokenRow | undefined> {
    const [row] = await this.orm
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.userId, userId), eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning();
    return row;
  }

  async findByHash(tokenHash: string): Promise<{ token: ApiTokenRow; user: UserRow } | undefined> {
    const [row] = await this.orm
      .select({ token: apiTokens, user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
    return row;
  }

  async markUsed(id: string): Promise<void> {
    await this.orm.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
  }
}
