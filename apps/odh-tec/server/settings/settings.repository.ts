import type { Orm } from '@platform/kernel/db/database.ts';
import { and, asc, eq } from 'drizzle-orm';
import {
  bucketBookmarks,
  disclaimerAcceptances,
  type SecretRow,
  secretsTable,
  settingsTable,
} from './settings.tables.ts';

/** Settings, secrets, disclaimer acceptances and bookmarks (migration 0002). Settings and secrets are global. */
export class SettingsRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  /** Every persisted setting as key → value. */
  async allSettings(): Promise<Map<string, unknown>> {
    const rows = await this.orm.select().from(settingsTable);
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async putSetting(key: string, value: unknown, updatedBy: string): Promise<void> {
    await this.orm
      .insert(settingsTable)
      .values({ key, value, updatedBy })
      .onConflictDoUpdate({ target: settingsTable.key, set: { value, updatedBy, updatedAt: new Date() } });
  }

  async deleteSetting(key: string): Promise<void> {
    await this.orm.delete(settingsTable).where(eq(settingsTable.key, key));
  }

  async findSecret(name: string): Promise<SecretRow | undefined> {
    const [row] = await this.orm.select().from(secretsTable).where(eq(secretsTable.name, name));
    return row;
  }

  async putSecret(name: string, valueEnc: string, hint: string, updatedBy: string): Promise<void> {
    await this.orm
      .insert(secretsTable)
      .values({ name, valueEnc, hint, updatedBy })
      .onConflictDoUpdate({ target: secretsTable.name, set: { valueEnc, hint, updatedBy, updatedAt: new Date() } });
  }

  /** True when a secret was removed. */
  async deleteSecret(name: string): Promise<boolean> {
    const rows = await this.orm.delete(secretsTable).where(eq(secretsTable.name, name)).returning();
    return rows.length > 0;
  }

  /** The disclaimer version the user accepted last, or undefined. */
  async acceptedDisclaimerVersion(userId: string): Promise<number | undefined> {
    const [row] = await this.orm
      .select({ textVersion: disclaimerAcceptances.textVersion })
      .from(disclaimerAcceptances)
      .where(eq(disclaimerAcceptances.userId, userId));
    return row?.textVersion;
  }

  async acceptDisclaimer(userId: string, textVersion: number): Promise<void> {
    const now = new Date();
    await this.orm
      .insert(disclaimerAcceptances)
      .values({ userId, status: 'accepted', textVersion, acceptedAt: now })
      .onConflictDoUpdate({
        target: disclaimerAcceptances.userId,
        set: { status: 'accepted', textVersion, acceptedAt: now, updatedAt: now },
      });
  }
}

/** A user's bookmarked bucket names per location (spec M2: buckets reachable without ListBuckets). */
export class BookmarkRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  async add(userId: string, locationId: string, bucket: string): Promise<void> {
    await this.orm.insert(bucketBookmarks).values({ userId, locationId, bucket }).onConflictDoNothing();
  }

  async remove(userId: string, locationId: string, bucket: string): Promise<void> {
    await this.orm
      .delete(bucketBookmarks)
      .where(
        and(
          eq(bucketBookmarks.userId, userId),
          eq(bucketBookmarks.locationId, locationId),
          eq(bucketBookmarks.bucket, bucket),
        ),
      );
  }

  /** Bucket names in name order. */
  async list(userId: string, locationId: string): Promise<string[]> {
    const rows = await this.orm
      .select({ bucket: bucketBookmarks.bucket })
      .from(bucketBookmarks)
      .where(and(eq(bucketBookmarks.userId, userId), eq(bucketBookmarks.locationId, locationId)))
      .orderBy(asc(bucketBookmarks.bucket));
    return rows.map((row) => row.bucket);
  }
}
