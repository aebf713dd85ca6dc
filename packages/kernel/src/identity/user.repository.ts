import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Executor, Orm } from '../db/database.ts';
import { identities, users } from '../db/kernel.schema.ts';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** Users are platform-wide; only administrators reach the listing and update paths (checked by the service). */
export class UserRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  async findById(id: string, executor: Executor = this.orm): Promise<UserRow | undefined> {
    const [row] = await executor.select().from(users).where(eq(users.id, id));
    return row;
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const [row] = await this.orm.select().from(users).where(eq(users.username, username));
    return row;
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.orm.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
    return row;
  }

  async findByIdentity(provider: string, subject: string): Promise<UserRow | undefined> {
    const [row] = await this.orm
      .select({ user: users })
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .where(and(eq(identities.provider, provider), eq(identities.subject, subject)));
    return row?.user;
  }

  async linkIdentity(userId: string, provider: string, subject: string, email: string | null): Promise<void> {
    await this.orm.insert(identities).values({ userId, provider, subject, email }).onConflictDoNothing();
  }

  list(): Promise<UserRow[]> {
    return this.orm.select().from(users).orderBy(asc(users.username));
  }

  async count(): Promise<number> {
    const [row] = await this.orm.select({ value: count() }).from(users);
    return row?.value ?? 0;
  }

  async create(values: NewUser, executor: Executor = this.orm): Promise<UserRow> {
    const [row] = await executor.insert(users).values(values).returning();
    return row!;
  }

  async update(id: string, values: Partial<NewUser>, executor: Executor = this.orm): Promise<UserRow | undefined> {
    const [row] = await executor
      .update(users)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return row;
  }
}
