/**
 * `npm run bench:cleanup`: only the cleanup-policy and garbage-collection measurement (bench/cleanup.ts),
 * on SQLite and, when BENCH_PG_URL is set (an empty database it may use), on PostgreSQL. Prints the table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CleanupFigures, cleanupSection, emptyPostgres, measureCleanup } from './cleanup.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = await mkdtemp(join(tmpdir(), 'berth-bench-cleanup-'));
try {
  const figures: CleanupFigures[] = [await measureCleanup(ROOT, join(tmp, 'sqlite'), { kind: 'sqlite' })];
  if (process.env.BENCH_PG_URL) {
    await emptyPostgres(process.env.BENCH_PG_URL);
    figures.push(await measureCleanup(ROOT, join(tmp, 'pg'), { kind: 'postgresql', url: process.env.BENCH_PG_URL }));
  }
  console.log(cleanupSection(figures).join('\n'));
} finally {
  await rm(tmp, { recursive: true, force: true });
}
