/** Small SQL helpers shared by the hand-written knex queries. */

/** Escapes LIKE's wildcards (`%`, `_`) and the escape character itself (`\`); use with `escape '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
