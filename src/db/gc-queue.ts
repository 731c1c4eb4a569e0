/**
 * Writing to online garbage collection's review queues (entities/gc-queue.entity.ts), always inside the
 * transaction that made something possibly unreferenced. A row already queued keeps the later of its two
 * review times: a blob pushed again, or a manifest untagged again, waits the full delay from now.
 */
import type { Knex } from '@mikro-orm/knex';
import type { Dialect } from './orm.js';

type Db = Knex | Knex.Transaction;

/** `insert … on conflict (key) do update` keeping the later review time. */
function upsert(dialect: Dialect, queue: string, key: string, select: string): string {
  const later = `${dialect === 'sqlite' ? 'max' : 'greatest'}(${queue}.review_after, excluded.review_after)`;
  return `insert into ${queue} (${key}, review_after, event) ${select}
    on conflict (${key}) do update set review_after = ${later}, event = excluded.event`;
}

/** Queues the rows of `source` (blobs by digest, manifests by id) whose ids `ids` selects (a query or a list). */
async function queue(
  db: Db,
  dialect: Dialect,
  kind: { queue: string; key: string; source: string; column: string },
  ids: Knex.QueryBuilder | number[],
  event: string,
  reviewAfter: Date | number,
): Promise<void> {
  if (Array.isArray(ids) && ids.length === 0) return;
  const idSet = Array.isArray(ids) ? db.raw(`(${ids.map(() => '?').join(',')})`, ids) : ids;
  const select = `select s.${kind.column}, ?, ? from ${kind.source} s where s.id in ?`;
  await db.raw(upsert(dialect, kind.queue, kind.key, select), [reviewAfter, event, idSet]);
}

const BLOBS = { queue: 'gc_blob_review_queue', key: 'digest', source: 'blobs', column: 'digest' };
const MANIFESTS = { queue: 'gc_manifest_review_queue', key: 'manifest_id', source: 'manifests', column: 'id' };

/** Queues the blobs whose ids `blobIds` selects (a query builder or a list). */
export function queueBlobs(
  db: Db,
  dialect: Dialect,
  blobIds: Knex.QueryBuilder | number[],
  event: string,
  reviewAfter: Date | number,
): Promise<void> {
  return queue(db, dialect, BLOBS, blobIds, event, reviewAfter);
}

/** Queues the manifests whose ids `manifestIds` selects. */
export function queueManifests(
  db: Db,
  dialect: Dialect,
  manifestIds: Knex.QueryBuilder | number[],
  event: string,
  reviewAfter: Date | number,
): Promise<void> {
  return queue(db, dialect, MANIFESTS, manifestIds, event, reviewAfter);
}

/** Queues one blob by digest (it may not have a row yet). */
export async function queueBlobDigest(
  db: Db,
  dialect: Dialect,
  digest: string,
  event: string,
  reviewAfter: Date | number,
): Promise<void> {
  await db.raw(upsert(dialect, BLOBS.queue, BLOBS.key, 'values (?, ?, ?)'), [digest, reviewAfter, event]);
}
