import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database.ts';

/** One forward-only SQL migration. */
export interface Migration {
  /** Sortable unique name, e.g. `0001_identity`. */
  name: string;
  sql: string;
}

/** The migrations of one module (the kernel or one app), applied inside its own PostgreSQL schema. */
export interface MigrationUnit {
  schema: string;
  migrations: Migration[];
}

/**
 * Every replica runs migrations at start; a session-level advisory lock makes them take turns, so each migration is
 * applied exactly once. The key is fixed so that it is the same in every process.
 */
const MIGRATION_LOCK_KEY = 727_310_001;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Loads `*.sql` files of a folder, sorted by name. */
export function loadMigrations(directory: string): Migration[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(join(directory, file), 'utf8') }));
}

const checksum = (text: string): string => createHash('sha256').update(text).digest('hex');
const identifier = (name: string): string => {
  if (!/^[a-z_][a-z0-9_-]*$/.test(name)) throw new MigrationError(`invalid schema name: ${name}`);
  return `"${name}"`;
};

/** Applies the missing migrations of every unit; returns the names applied by this call. */
export async function runMigrations(database: Database, units: MigrationUnit[]): Promise<string[]> {
  return database.session(async (session) => {
    const applied: string[] = [];
    await session.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      for (const unit of units) {
        const schema = identifier(unit.schema);
        await session.exec(
          `create schema if not exists ${schema};
           create table if not exists ${schema}."_migrations" (
             name text primary key, checksum text not null, applied_at timestamptz not null default now());`,
        );
        const done = new Map(
          (
            await session.query<{ name: string; checksum: string }>(
              `select name, checksum from ${schema}."_migrations"`,
            )
          ).map((row) => [row.name, row.checksum]),
        );
        for (const migration of [...unit.migrations].sort((a, b) => a.name.localeCompare(b.name))) {
          const sum = checksum(migration.sql);
          const previous = done.get(migration.name);
          if (previous !== undefined) {
            if (previous !== sum) {
              throw new MigrationError(
                `${unit.schema}/${migration.name} was changed after it was applied; add a new migration instead`,
              );
            }
            continue;
          }
          await session.exec('begin');
          try {
            await session.exec(`set local search_path to ${schema}, public;\n${migration.sql}`);
            await session.query(`insert into ${schema}."_migrations" (name, checksum) values ($1, $2)`, [
              migration.name,
              sum,
            ]);
            await session.exec('commit');
          } catch (error) {
            await session.exec('rollback');
            throw new MigrationError(`${unit.schema}/${migration.name} failed: ${(error as Error).message}`);
          }
          applied.push(`${unit.schema}/${migration.name}`);
        }
      }
    } finally {
      await session.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
    return applied;
  });
}

/** True when every migration of every unit is recorded (readiness). */
export async function migrationsComplete(database: Database, units: MigrationUnit[]): Promise<boolean> {
  return database.session(async (session) => {
    for (const unit of units) {
      const rows = await session
        .query<{ name: string }>(`select name from ${identifier(unit.schema)}."_migrations"`)
        .catch(() => undefined);
      if (!rows) return false;
      const names = new Set(rows.map((row) => row.name));
      if (unit.migrations.some((migration) => !names.has(migration.name))) return false;
    }
    return true;
  });
}
