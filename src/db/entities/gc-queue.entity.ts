import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Manifest } from './manifest.entity.js';

/**
 * Online garbage collection's review queues (gc/collector.ts). A row says "this may have become garbage;
 * look again after `reviewAfter`". Rows are written in the same transaction that removed the last
 * reference (or created the object unreferenced), and a review deletes only what is still unreferenced.
 */
@Entity({ tableName: 'gc_manifest_review_queue' })
export class GcManifestReview {
  @ManyToOne(() => Manifest, { primary: true, deleteRule: 'cascade' })
  manifest!: Rel<Manifest>;

  @Property()
  @Index()
  reviewAfter!: Date;

  /** What queued it: `tag_delete`, `tag_switch`, `manifest_upload`, `manifest_delete`, `subject_delete`. */
  @Property()
  event!: string;
}

/** Keyed by digest, not by row: a blob deleted and pushed again is the same review. */
@Entity({ tableName: 'gc_blob_review_queue' })
export class GcBlobReview {
  @PrimaryKey()
  digest!: string;

  @Property()
  @Index()
  reviewAfter!: Date;

  /** `blob_upload`, `manifest_delete`, `repository_delete`, `proxy_evict`, … */
  @Property()
  event!: string;
}
