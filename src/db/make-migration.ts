/**
 * Developer tool: writes a new migration for each dialect from the difference between the entities and
 * a database migrated to the latest existing migration.
 *   npm run build && npm run migration:create [-- --initial]
 * SQLite is diffed in a temporary file; PostgreSQL in BERTH_MIGRATION_DATABASE_URL (default the local
 * `test` database, whose public schema is dropped first).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initOrm } from './orm.js';

const initial = process.argv.includes('--initial');
const pg = process.env.BERTH_MIGRATION_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
for (const db of [
  { kind: 'sqlite' as const, path: join(mkdtempSync(join(tmpdir(), 'berth-mig-')), 'm.sqlite') },
  { kind: 'postgresql' as const, url: pg },
]) {
  const h = await initOrm(db, { migrate: false });
  if (db.kind === 'postgresql') await h.em.getKnex().raw('drop schema public cascade; create schema public');
  const migrator = h.orm.getMigrator();
  await migrator.up();
  (h.orm.config.get('migrations') as { path: string }).path = resolve('src/db/migrations', db.kind);
  const result = await migrator.createMigration(resolve('src/db/migrations', db.kind), false, initial);
  console.log(`${db.kind}: ${result.fileName || 'no changes'}`);
  await h.orm.close();
}
