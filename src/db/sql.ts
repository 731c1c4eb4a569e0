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
