/**
 * Online garbage collection: nothing stops, nothing is scanned. Whatever may have become garbage was queued
 * (db/gc-queue.ts) in the transaction that dropped its last reference, or created it unreferenced, with a
 * review time BERTH_GC_REVIEW_DELAY ahead. A review deletes it only if it is still unreferenced then:
 *
 * - a **manifest** is garbage when no tag points at it, no index in its repository lists it, and it is
 *   not a referrer (signature, SBOM…) of a manifest that still exists. Deleting it queues its blobs, its
 *   children and its referrers in turn.
 * - a **blob** is garbage when no manifest in any repository lists it and no dependency-proxy cache holds
 *   it. Deleting it removes its row, its repository links and its bytes.
 *
 * Safety against pushes running at the same moment comes from two orderings. In the database, the review
 * locks the row (PostgreSQL `FOR UPDATE`; SQLite runs one writer at a time) and re-checks references in
 * the same transaction, while a manifest PUT locks the rows it references (`FOR SHARE`): one of the two
 * sees the other's result. In storage, the review deletes a blob's row and its bytes holding the blob's
 * lock (cache/locks.ts, across instances with Redis), and every publication of bytes plus row (upload,
 * mount, proxy fill) holds the same lock, so a blob pushed again during a review is never left as a row
 * without bytes. A push that referenced or re-uploaded a queued blob before the review postponed it.
 */
import type { Knex } from '@mikro-orm/knex';
import type { Locks } from '../cache/locks.js';
import { blobDataPath } from '../content/paths.js';
import { blobLockKey } from '../content/publish.js';
import type { Dialect } from '../db/orm.js';
import type { RegistryStore } from '../db/registry-store.js';
import { dbTime, retryConflicts, toMs } from '../db/sql.js';
import type { Logger } from '../observability/logger.js';
import { Counter } from '../observability/metrics.js';
import { parseDigest } from '../oci/digest.js';
import type { StorageDriver } from '../storage/driver.js';

/** Queue rows read per pass. */
const BATCH = 500;
/** A review that failed is tried again this much later. */
const RETRY_AFTER_MS = 60 * 60 * 1000;

export interface GcResult {
  manifests: number;
  blobs: number;
  /** Bytes of blob data deleted from storage. */
  bytes: number;
}

export class GcMetrics {
  readonly deleted = new Counter<string>(
    'berth_gc_deleted_total',
    'Objects online garbage collection deleted, by kind (manifest, blob).',
    'kind',
  );
  readonly reviews = new Counter<string>(
    'berth_gc_reviews_total',
    'Queued objects reviewed, by outcome (deleted, kept).',
    'outcome',
  );
  readonly freedBytes = new Counter('berth_gc_storage_freed_bytes_total', 'Blob bytes deleted from storage.');

  render(): string {
    return [this.deleted.render(), this.reviews.render(), this.freedBytes.render()].join('\n');
  }
}

export interface GcDeps {
  knex: Knex;
  dialect: Dialect;
  driver: StorageDriver;
  locks: Locks;
  /** The registry store: its clock and review delay, and its caches to clear (CachingRegistryStore). */
  store: RegistryStore & { invalidate?(repositoryId: number): void };
  log: Logger;
  metrics: GcMetrics;
}

export class GarbageCollector {
  constructor(private readonly deps: GcDeps) {}

  private forUpdate<T extends Knex.QueryBuilder>(q: T): T {
    return this.deps.dialect === 'postgresql' ? (q.forUpdate() as T) : q;
  }

  private now(): Date | number {
    return dbTime(this.deps.dialect, this.deps.store.clock());
  }

  /** Reviews everything due, until nothing is (deleting a manifest may make its blobs due at once). */
  async collect(): Promise<GcResult> {
    const total: GcResult = { manifests: 0, blobs: 0, bytes: 0 };
    for (;;) {
      const { knex } = this.deps;
      const manifests: { manifest_id: number }[] = await knex('gc_manifest_review_queue')
        .select('manifest_id')
        .where('review_after', '<=', this.now())
        .orderBy('review_after')
        .limit(BATCH);
      for (const { manifest_id } of manifests) {
        const deleted = await this.failSafe('gc_manifest_review_queue', 'manifest_id', manifest_id, () =>
          this.reviewManifest(manifest_id),
        );
        if (deleted) total.manifests++;
      }
      const blobs: { digest: string }[] = await knex('gc_blob_review_queue')
        .select('digest')
        .where('review_after', '<=', this.now())
        .orderBy('review_after')
        .limit(BATCH);
      for (const { digest } of blobs) {
        const freed = await this.failSafe('gc_blob_review_queue', 'digest', digest, () => this.reviewBlob(digest));
        if (freed !== undefined) {
          total.blobs++;
          total.bytes += freed;
        }
      }
      if (manifests.length === 0 && blobs.length === 0) break;
    }
    if (total.manifests + total.blobs > 0) this.deps.log.info(total, 'garbage collection: deleted');
    return total;
  }

  /**
   * Runs one review; when it fails (storage unreachable, say), logs it and postpones that review by
   * RETRY_AFTER_MS, so one stuck object never holds up the queue behind it.
   */
  private async failSafe<T>(
    queue: string,
    key: string,
    value: string | number,
    review: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await review();
    } catch (err) {
      this.deps.log.error({ err, [key]: value }, 'garbage collection: review failed; postponed');
      await this.deps
        .knex(queue)
        .where(key, value)
        .update({ review_after: dbTime(this.deps.dialect, this.deps.store.clock() + RETRY_AFTER_MS) })
        .catch(() => undefined);
      return undefined;
    }
  }

  /** Deletes the manifest if it is still garbage; true when it did. */
  private async reviewManifest(id: number): Promise<boolean> {
    const { knex, store, metrics } = this.deps;
    const repositoryId = await retryConflicts(() =>
      knex.transaction(async (trx) => {
        const queued = await this.forUpdate(
          trx('gc_manifest_review_queue').first('review_after').where('manifest_id', id),
        );
        if (!queued || toMs(queued.review_after) > store.clock()) return undefined;
        await trx('gc_manifest_review_queue').where('manifest_id', id).delete();
        const m = await this.forUpdate(
          trx('manifests').first('id', 'repository_id', 'digest', 'subject_digest').where('id', id),
        );
        if (!m) return undefined;
        const tagged = await trx('tags').first('id').where('manifest_id', id);
        const listed = tagged ? undefined : await trx('manifest_references').first('parent_id').where('child_id', id);
        const subject =
          tagged || listed || !m.subject_digest
            ? undefined
            : await trx('manifests').first('id').where({ repository_id: m.repository_id, digest: m.subject_digest });
        if (tagged || listed || subject) {
          metrics.reviews.inc('kept');
          return undefined;
        }
        await store.queueWhatManifestHeld(trx, m.repository_id, id, m.digest);
        await trx('manifest_blobs').where('manifest_id', id).delete();
        await trx('manifest_references').where('parent_id', id).delete();
        await trx('manifests').where('id', id).delete();
        return m.repository_id as number;
      }),
    );
    if (repositoryId === undefined) return false;
    store.invalidate?.(repositoryId);
    metrics.reviews.inc('deleted');
    metrics.deleted.inc('manifest');
    return true;
  }

  /**
   * Deletes the blob (row, links, bytes) if it is still garbage; the bytes freed when it did. The queue row
   * goes only after the bytes: if the process dies between the commit and the unlink, the next review finds
   * the row gone and the bytes orphaned, and deletes them then (safe: no row means nobody can see them, and
   * holding the blob's lock means no publication is between moving them in and recording them).
   */
  private async reviewBlob(digest: string): Promise<number | undefined> {
    const { knex, store, metrics, locks } = this.deps;
    return locks.run(blobLockKey(digest), async () => {
      const outcome = await retryConflicts(() =>
        knex.transaction(async (trx) => {
          const queued = await this.forUpdate(
            trx('gc_blob_review_queue').first('review_after').where('digest', digest),
          );
          if (!queued || toMs(queued.review_after) > store.clock()) return undefined; // postponed meanwhile
          const blob = await this.forUpdate(trx('blobs').first('id', 'size').where('digest', digest));
          if (!blob) return { orphan: true as const };
          const used =
            (await trx('manifest_blobs').first('blob_id').where('blob_id', blob.id)) ??
            (await trx('dependency_proxy_blobs').first('blob_id').where('blob_id', blob.id));
          if (used) {
            await trx('gc_blob_review_queue').where('digest', digest).delete();
            metrics.reviews.inc('kept');
            return undefined;
          }
          const links: { repository_id: number }[] = await trx('repository_blobs')
            .select('repository_id')
            .where('blob_id', blob.id);
          await trx('repository_blobs').where('blob_id', blob.id).delete();
          await trx('blobs').where('id', blob.id).delete();
          return { orphan: false as const, repositories: links.map((l) => l.repository_id) };
        }),
      );
      if (!outcome) return undefined;
      if (!outcome.orphan) for (const id of outcome.repositories) store.invalidate?.(id);
      const bytes = await this.deleteBytes(digest);
      await knex('gc_blob_review_queue').where('digest', digest).delete();
      if (outcome.orphan) {
        if (bytes === undefined) return undefined; // nothing was left to do
        this.deps.log.info({ digest, bytes }, 'garbage collection: deleted bytes a crash left without a row');
      }
      metrics.reviews.inc('deleted');
      metrics.deleted.inc('blob');
      metrics.freedBytes.inc('', bytes ?? 0);
      return bytes ?? 0;
    });
  }

  /** Deletes a blob's directory (blobs/<alg>/<xx>/<hex>); its size when there was one. */
  private async deleteBytes(digest: string): Promise<number | undefined> {
    const path = blobDataPath(parseDigest(digest));
    const stat = await this.deps.driver.stat(path).catch(() => undefined);
    if (stat) await this.deps.driver.delete(path.slice(0, -'/data'.length));
    return stat?.size;
  }

  /** What is waiting for review (due or not). */
  async queued(): Promise<{ manifests: number; blobs: number }> {
    const { knex } = this.deps;
    const [m] = await knex('gc_manifest_review_queue').count({ n: '*' });
    const [b] = await knex('gc_blob_review_queue').count({ n: '*' });
    return { manifests: Number(m?.n ?? 0), blobs: Number(b?.n ?? 0) };
  }
}
