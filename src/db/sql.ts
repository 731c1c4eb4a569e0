/** Small SQL helpers shared by the hand-written knex queries. */

/** Escapes LIKE's wildcards (`%`, `_`) and the escape character itself (`\`); use with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether a statement failed on a foreign key (the referenced row is gone), in either database. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23503' || /FOREIGN KEY constraint failed/i.test(e?.message ?? '');
}

/** Whether PostgreSQL aborted a transaction to break a deadlock (or a serialization conflict): safe to run again. */
export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Runs a transaction body again when PostgreSQL broke a deadlock by aborting it. Row locks taken in
 * different orders by a push and garbage collection can meet; the database detects it, and the loser
 * simply runs again against the winner's result.
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
