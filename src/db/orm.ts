/**
 * MikroORM set-up for both databases. Entities, naming and migrations are shared; the DDL differs, so each
 * dialect has its own migrations folder (src/db/migrations/{sqlite,postgresql}), run from dist/ as compiled.
 */

import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MikroORM, Options } from '@mikro-orm/core';
import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { Migrator } from '@mikro-orm/migrations';
import type { Database } from '../config/config.js';
import { ENTITIES } from './entities/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export type Dialect = 'sqlite' | 'postgresql';

export interface OrmHandle {
  orm: MikroORM;
  dialect: Dialect;
  em: SqlEntityManager;
}

export function dialectOf(db: Database): Dialect {
  return db.kind;
}

function options(db: Database, debug: boolean): Options {
  const dialect = dialectOf(db);
  const common: Options = {
    entities: ENTITIES,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    debug,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    extensions: [Migrator],
    migrations: {
      tableName: 'berth_migrations',
      path: join(here, 'migrations', dialect),
      glob: '!(*.d).js',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      silent: true,
    },
  };
  if (db.kind === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    return { ...common, dbName: db.path };
  }
  return { ...common, clientUrl: db.url, pool: { min: 1, max: 10 } };
}

/**
 * SQLite transactions start with `BEGIN IMMEDIATE`, taking the write lock up front. With knex's plain
 * `BEGIN`, a transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT ("database is
 * locked", no waiting) when another process (the admin CLI, next to a running server) wrote in between;
 * taking the lock first makes it wait its turn (busy_timeout) instead. Within one process nothing changes:
 * berth's pool has one SQLite connection, so its transactions run one at a time anyway. Savepoints (nested
 * transactions) are untouched: knex calls `begin` only for the outermost one.
 */
function beginImmediate(knex: Knex): void {
  type Trx = { begin(conn: unknown): Promise<unknown>; query(conn: unknown, sql: string): Promise<unknown> };
  const client = knex.client as { transaction: (...args: unknown[]) => Trx };
  const create = client.transaction.bind(client);
  client.transaction = (...args: unknown[]) => {
    const trx = create(...args);
    trx.begin = (conn) => trx.query(conn, 'BEGIN IMMEDIATE;');
    return trx;
  };
}

/** Connects and brings the schema up to date. */
export async function initOrm(db: Database, { debug = false, migrate = true } = {}): Promise<OrmHandle> {
  const opts = options(db, debug);
  const orm =
    db.kind === 'sqlite'
      ? await (await import('@mikro-orm/libsql')).MikroORM.init(opts as never)
      : await (await import('@mikro-orm/postgresql')).MikroORM.init(opts as never);
  const em = orm.em as unknown as SqlEntityManager;
  if (db.kind === 'sqlite') {
    const knex = em.getKnex();
    // WAL: readers never wait for the writer; NORMAL sync is durable across process crashes.
    await knex.raw('PRAGMA journal_mode = WAL');
    await knex.raw('PRAGMA synchronous = NORMAL');
    await knex.raw('PRAGMA foreign_keys = ON');
    await knex.raw('PRAGMA busy_timeout = 5000');
    beginImmediate(knex);
  }
  if (migrate) await orm.getMigrator().up();
  return { orm, dialect: dialectOf(db), em };
}
