import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Orm } from '../db/database.ts';
import { oneTimeLogins, sessions, users } from '../db/kernel.schema.ts';
import type { UserRow } from './user.repository.ts';

/** Browser sessions and one-time sign-in links, looked up by the SHA-256 of their secret. */
export class SessionRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  async create(values: typeof sessions.$inferInsert): Promise<void> {
    await this.orm.insert(sessions).values(values);
  }

  /** The session's user, if the session is unexpired; the caller still checks that the user is active. */
  async findUser(tokenHash: string, now = new Date()): Promise<UserRow | undefined> {
    const [row] = await this.orm
      .select({ user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
    return row?.user;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.orm.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.orm.delete(sessions).where(eq(sessions.userId, userId));
  }

  async createOneTimeLogin(values: typeof oneTimeLogins.$inferInsert): Promise<void> {
    await this.orm.insert(oneTimeLogins).values(values);
  }

  /** Marks the link used and returns its user id; a second use, or an expired link, finds nothing. */
  async consumeOneTimeLogin(tokenHash: string, now = new Date()): Promise<string | undefined> {
    const [row] = await this.orm
      .update(oneTimeLogins)
      .set({ usedAt: now })
      .where(
        and(eq(oneTimeLogins.tokenHash, tokenHash), isNull(oneTimeLogins.usedAt), gt(oneTimeLogins.expiresAt, now)),
      )
      .returning({ userId: oneTimeLogins.userId });
    return row?.userId;
  }
}
