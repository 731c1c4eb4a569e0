/** Small SQL helpers shared by the hand-written knex queries. */
import type { Dialect } from './orm.js';

/** Escapes LIKE's wildcards (`%`, `_`) and the escape character itself (`\`); use with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether a statement failed on a foreign key (the referenced row is gone), in either database. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23503' || /FOREIGN KEY constraint failed/i.test(e?.message ?? '');
}

/**
 * Whether the database aborted a transaction that can simply run again: PostgreSQL breaking a deadlock (or
 * a serialization conflict), or SQLite refusing to upgrade a read to a write because another process (the
 * admin CLI) wrote in between, which it reports at once as "database is locked" without waiting.
 */
export function isRetryableConflict(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === '40P01' || e?.code === '40001' || /SQLITE_BUSY|database is locked/.test(`${e?.code} ${e?.message}`)
  );
}

/**
 * Runs a transaction body again when the database aborted it for a conflict it could not wait out (see
 * {@link isRetryableConflict}): row locks taken in different orders by a push and garbage collection can
 * meet on PostgreSQL; the database detects it, and the loser simply runs again against the winner's result.
 */
export async function retryConflicts<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts || !isRetryableConflict(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * i));
    }
  }
}

/** A timestamp in the column representation of `dialect` (SQLite: ms since the epoch). */
export function dbTime(dialect: Dialect, ms: number): Date | number {
  return dialect === 'sqlite' ? ms : new Date(ms);
}

/** A timestamp column as read back: a Date (pg), ms since the epoch (SQLite) or a string. */
export function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(typeof v === 'number' ? v : String(v));
}

/** The same, as ms since the epoch. */
export function toMs(v: unknown): number {
  return toDate(v).getTime();
}
