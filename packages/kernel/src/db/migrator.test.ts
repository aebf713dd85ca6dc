import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { describeEachEngine, type EngineContext } from '@platform/testing/database-engines.ts';
import { spawnFixture } from '@platform/testing/spawn-fixture.ts';
import { sql } from 'drizzle-orm';
import { createDatabase, type Database } from './database.ts';
import { type Migration, MigrationError, type MigrationUnit, migrationsComplete, runMigrations } from './migrator.ts';
import { raceUnit } from './test-fixtures/race-unit.ts';

const migrateScript = join(import.meta.dirname, 'test-fixtures', 'migrate-once.ts');

const notes: Migration = {
  name: '0001_notes',
  sql: "create table notes (body text); insert into notes values ('first');",
};
const more: Migration = { name: '0002_more', sql: "insert into notes values ('second');" };
const unit = (...migrations: Migration[]): MigrationUnit => ({ schema: 'migtest', migrations });

/** A fresh, empty database on the engine under test. */
async function emptyDatabase(t: TestContext, engine: EngineContext): Promise<Database> {
  const databaseUrl = await engine.newDatabaseUrl();
  const database = await createDatabase(databaseUrl ? { databaseUrl, poolSize: 3 } : {});
  t.after(() => database.close());
  return database;
}

const recorded = async (database: Database, schema = 'migtest') =>
  database.rows<{ name: string; checksum: string }>(
    sql.raw(`select name, checksum from "${schema}"._migrations order by name`),
  );

const noteBodies = async (database: Database) =>
  (await database.rows<{ body: string }>(sql`select body from migtest.notes order by body`)).map((row) => row.body);

const advisoryLocks = async (database: Database) =>
  (
    await database.rows<{ count: number }>(sql`select count(*)::int as count from pg_locks where locktype = 'advisory'`)
  )[0].count;

// Spec 00 "Database": migrations run at start under pg_advisory_lock, safe with many replicas.
describeEachEngine('migrations', (engine) => {
  test('each migration is applied once, in name order; a second run applies nothing', async (t) => {
    const database = await emptyDatabase(t, engine);
    assert.equal(await migrationsComplete(database, [unit(notes, more)]), false);
    assert.deepEqual(await runMigrations(database, [unit(more, notes)]), ['migtest/0001_notes', 'migtest/0002_more']);
    assert.deepEqual(await runMigrations(database, [unit(more, notes)]), []);
    assert.deepEqual(await noteBodies(database), ['first', 'second']);
    assert.deepEqual(await recorded(database), [
      { name: '0001_notes', checksum: createHash('sha256').update(notes.sql).digest('hex') },
      { name: '0002_more', checksum: createHash('sha256').update(more.sql).digest('hex') },
    ]);
    assert.equal(await migrationsComplete(database, [unit(notes, more)]), true);
    assert.equal(await advisoryLocks(database), 0);
  });

  test('a migration changed after it was applied is refused and nothing after it runs', async (t) => {
    const database = await emptyDatabase(t, engine);
    await runMigrations(database, [unit(notes)]);
    const edited = { ...notes, sql: `${notes.sql} insert into notes values ('edited');` };
    await assert.rejects(runMigrations(database, [unit(edited, more)]), (error: Error) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /migtest\/0001_notes was changed after it was applied/);
      return true;
    });
    assert.deepEqual(
      (await recorded(database)).map((row) => row.name),
      ['0001_notes'],
    );
    assert.deepEqual(await noteBodies(database), ['first']);
    assert.equal(await advisoryLocks(database), 0);
  });

  test('a failing migration is rolled back and not recorded; once fixed it applies', async (t) => {
    const database = await emptyDatabase(t, engine);
    const broken: Migration = {
      name: '0002_more',
      sql: "create table half_done (id integer); insert into notes values ('second'); insert into missing values (1);",
    };
    await assert.rejects(runMigrations(database, [unit(notes, broken)]), (error: Error) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /^migtest\/0002_more failed: .*missing/);
      return true;
    });
    const [{ exists }] = await database.rows<{ exists: boolean }>(
      sql`select to_regclass('migtest.half_done') is not null as exists`,
    );
    assert.equal(exists, false);
    assert.deepEqual(await noteBodies(database), ['first']);
    assert.deepEqual(
      (await recorded(database)).map((row) => row.name),
      ['0001_notes'],
    );
    assert.equal(await advisoryLocks(database), 0);

    assert.deepEqual(await runMigrations(database, [unit(notes, more)]), ['migtest/0002_more']);
    assert.deepEqual(await noteBodies(database), ['first', 'second']);
  });

  test('a schema name that is not a plain identifier is refused', async (t) => {
    const database = await emptyDatabase(t, engine);
    await assert.rejects(runMigrations(database, [{ schema: 'bad"name', migrations: [notes] }]), MigrationError);
    assert.equal(await advisoryLocks(database), 0);
  });

  if (engine.engine === 'postgres') {
    test('three processes migrating one PostgreSQL at once apply each migration exactly once', async (t) => {
      const databaseUrl = await engine.newDatabaseUrl();
      assert.ok(databaseUrl);
      const database = await createDatabase({ databaseUrl, poolSize: 2 });
      t.after(() => database.close());
      await database.rows(sql`create table public.migration_runs (name text not null, backend_pid integer not null)`);

      const replicas = [1, 2, 3].map(() => spawnFixture(t, migrateScript, { env: { DATABASE_URL: databaseUrl } }));
      await Promise.all(replicas.map((replica) => replica.line('ready')));
      for (const replica of replicas) replica.child.stdin?.write('go\n');
      const applied: string[] = [];
      for (const replica of replicas) {
        const line = await replica.line('applied ');
        applied.push(...(JSON.parse(line.slice('applied '.length)) as string[]));
        assert.equal((await replica.exited).code, 0, replica.stderr());
      }

      const names = raceUnit.migrations.map((migration) => migration.name);
      assert.deepEqual(
        applied.sort(),
        names.map((name) => `racetest/${name}`),
      );
      const runs = await database.rows<{ name: string; backend_pid: number }>(
        sql`select name, backend_pid from public.migration_runs order by name`,
      );
      assert.deepEqual(
        runs.map((run) => run.name),
        names,
      );
      assert.deepEqual(
        (await recorded(database, 'racetest')).map((row) => row.name),
        names,
      );
      assert.equal(await advisoryLocks(database), 0);
    });
  }
});
