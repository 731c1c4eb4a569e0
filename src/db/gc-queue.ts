/**
 * Writing to online garbage collection's review queues (entities/gc-queue.entity.ts), always inside the
 * transaction that made something possibly unreferenced. A row already queued keeps the later of its two
 * review times: a blob pushed again, or a manifest untagged again, waits the full delay from now.
 */
import type { Knex } from '@mikro-orm/knex';
import type { Dialect } from './orm.js';

/** A timestamp in the column representation of `dialect` (SQLite: ms since the epoch). */
export function dbTime(dialect: Dialect, ms: number): Date | number {
  return dialect === 'sqlite' ? ms : new Date(ms);
}

function later(dialect: Dialect, table: string): string {
  return `${dialect === 'sqlite' ? 'max' : 'greatest'}(${table}.review_after, excluded.review_after)`;
}

/** Queues the blobs whose ids `blobIds` selects (a query builder or a list). */
export async function queueBlobs(
  trx: Knex | Knex.Transaction,
  dialect: Dialect,
  blobIds: Knex.QueryBuilder | number[],
  event: string,
  reviewAfter: Date | number,
): Promise<void> {
  if (Array.isArray(blobIds) && blobIds.length === 0) return;
  const ids = Array.isArray(blobIds) ? trx.raw(`(${blobIds.map(() => '?').join(',')})`, blobIds) : blobIds;
  await trx.raw(
    `insert into gc_blob_review_queue (digest, review_after, event)
       select b.digest, ?, ? from blobs b where b.id in ?
       on conflict (digest) do update set review_after = ${later(dialect, 'gc_blob_review_queue')}, event = excluded.event`,
    [reviewAfter, event, ids],
  );
}

/** Queues one blob by digest (it may not have a row yet). */
export async function queueBlobDigest(
  trx: Knex | Knex.Transaction,
  dialect: Dialect,
  digest: string,
  event: string,
  reviewAfter: Date | number,
): Promise<void> {
  await trx.raw(
    `insert into gc_blob_review_queue (digest, review_after, event) values (?, ?, ?)
       on conflict (digest) do update set review_after = ${later(dialect, 'gc_blob_review_queue')}, event = excluded.event`,
    [digest, reviewAfter, event],
  );
}

/** Queues the manifests whose ids `manifestIds` selects. */
export async function queueManifests(
  trx: Knex | Knex.Transaction,
  dialect: Dialect,
  manifestIds: Knex.QueryBuilder | number[],
  event: string,
  reviewAfter: Date | number,
): Promise<void> {
  if (Array.isArray(manifestIds) && manifestIds.length === 0) return;
  const ids = Array.isArray(manifestIds)
    ? trx.raw(`(${manifestIds.map(() => '?').join(',')})`, manifestIds)
    : manifestIds;
  await trx.raw(
    `insert into gc_manifest_review_queue (manifest_id, review_after, event)
       select m.id, ?, ? from manifests m where m.id in ?
       on conflict (manifest_id) do update set review_after = ${later(dialect, 'gc_manifest_review_queue')}, event = excluded.event`,
    [reviewAfter, event, ids],
  );
}
