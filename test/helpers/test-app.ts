/**
 * Starts a real berth on an ephemeral port, on a throwaway database and storage directory:
 * SQLite in a temp file by default, or PostgreSQL when BERTH_TEST_DATABASE_URL is set (its public schema is
 * dropped and migrated afresh, so run test files one at a time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, type BuildOptions, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { initOrm } from '../../src/db/orm.js';
import { NamespacesService } from '../../src/domain/namespaces.service.js';

export interface TestApp {
  app: App;
  url: string;
  dir: string;
  /** Creates groups as needed and the project at `fullPath`. */
  project(fullPath: string): Promise<void>;
  close(): Promise<void>;
}

export function testDatabaseUrl(dir: string): string {
  return process.env.BERTH_TEST_DATABASE_URL ?? `sqlite:${join(dir, 'berth.sqlite')}`;
}

/** Empties the PostgreSQL test database so migrations run from scratch. */
export async function resetPostgres(url: string): Promise<void> {
  const h = await initOrm({ kind: 'postgresql', url }, { migrate: false });
  await h.em.getKnex().raw('drop schema if exists public cascade; create schema public');
  await h.orm.close();
}

export function testEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BERTH_PORT: '0',
    BERTH_HOST: '127.0.0.1',
    BERTH_DATABASE_URL: testDatabaseUrl(dir),
    BERTH_STORAGE_PATH: join(dir, 'storage'),
    BERTH_LOG_LEVEL: process.env.BERTH_TEST_LOG_LEVEL ?? 'silent',
    BERTH_ADMIN_PASSWORD: 'root-password-for-tests',
    ...extra,
  };
}

export async function startTestApp(extra: Record<string, string> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-'));
  const env = testEnv(dir, extra);
  if (env.BERTH_DATABASE_URL!.startsWith('postgres')) await resetPostgres(env.BERTH_DATABASE_URL!);
  const app = await buildApp(loadConfig(env), options);
  const url = await app.listen(0, '127.0.0.1');
  return {
    app,
    url,
    dir,
    async project(fullPath: string) {
      const ns = new NamespacesService(app.db.em.fork());
      const parts = fullPath.split('/');
      for (let i = 1; i < parts.length; i++) {
        const group = parts.slice(0, i).join('/');
        if (!(await ns.listGroups()).some((g) => g.fullPath === group)) await ns.createGroup(group);
      }
      await ns.createProject(fullPath);
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
