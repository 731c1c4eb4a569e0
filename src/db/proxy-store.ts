/**
 * The dependency proxy's metadata queries (knex, as registry-store.ts): cached manifests and tags per group
 * and image, the group's links to content-store blobs, read times, settings, TTL policy and purges.
 */
import type { Knex } from '@mikro-orm/knex';
import { queueBlobs } from './gc-queue.js';
import type { Dialect } from './orm.js';
import { dbTime, isForeignKeyViolation, toDate } from './sql.js';

export interface CachedManifest {
  id: number;
  digest: string;
  contentType: string;
  size: number;
  payload: Buffer;
  readAt: Date;
}

export interface CachedTag {
  digest: string;
  revalidatedAt: Date;
}

export interface ProxySettings {
  enabled: boolean;
  identity?: string;
  secretEncrypted?: string;
}

export interface TtlPolicy {
  enabled: boolean;
  ttl: number;
  createdAt?: Date;
  updatedAt?: Date;
}

export class ProxyStore {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
    /** When garbage collection may review a blob the cache lets go of now (RegistryStore.gcReviewAfter). */
    private readonly gcReviewAfter: () => Date | number = () => dbTime(dialect, Date.now() + 86_400_000),
    /** The clock every `read_at`, `revalidated_at` and creation time comes from (tests move it). */
    private readonly clock: () => number = Date.now,
  ) {}

  /** A timestamp as MikroORM stores it in this dialect (now, by the store's clock, when not given). */
  private time(d?: Date): Date | number {
    return dbTime(this.dialect, d ? d.getTime() : this.clock());
  }

  /** A cached tag with the manifest it points at, in one statement (a warm tag pull's lookup). */
  async tag(
    groupId: number,
    image: string,
    tag: string,
  ): Promise<(CachedTag & { manifest?: CachedManifest }) | undefined> {
    const row = await this.knex('dependency_proxy_tags as t')
      .leftJoin('dependency_proxy_manifests as m', (j) =>
        j.on('m.group_id', 't.group_id').andOn('m.image_name', 't.image_name').andOn('m.digest', 't.digest'),
      )
      .first('t.digest', 't.revalidated_at', 'm.id', 'm.content_type', 'm.size', 'm.payload', 'm.read_at')
      .where({ 't.group_id': groupId, 't.image_name': image, 't.tag': tag });
    if (!row) return undefined;
    const manifest =
      row.id == null
        ? undefined
        : {
            id: Number(row.id),
            digest: row.digest,
            contentType: row.content_type,
            size: Number(row.size),
            payload: Buffer.from(row.payload),
            readAt: toDate(row.read_at),
          };
    return { digest: row.digest, revalidatedAt: toDate(row.revalidated_at), manifest };
  }

  async manifest(groupId: number, image: string, digest: string): Promise<CachedManifest | undefined> {
    const row = await this.knex('dependency_proxy_manifests')
      .first('id', 'digest', 'content_type', 'size', 'payload', 'read_at')
      .where({ group_id: groupId, image_name: image, digest });
    return (
      row && {
        id: Number(row.id),
        digest: row.digest,
        contentType: row.content_type,
        size: Number(row.size),
        payload: Buffer.from(row.payload),
        readAt: toDate(row.read_at),
      }
    );
  }

  /** Stores a manifest (and, for a tag pull, points the tag at it, confirmed now), in one transaction. */
  async saveManifest(
    groupId: number,
    image: string,
    m: { digest: string; contentType: string; body: Buffer },
    tag?: string,
  ): Promise<void> {
    const now = this.time();
    await this.knex.transaction(async (trx) => {
      await trx('dependency_proxy_manifests')
        .insert({
          group_id: groupId,
          image_name: image,
          digest: m.digest,
          content_type: m.contentType,
          size: m.body.length,
          payload: m.body,
          read_at: now,
          created_at: now,
          updated_at: now,
        })
        .onConflict(['group_id', 'image_name', 'digest'])
        .merge({ content_type: m.contentType, read_at: now, updated_at: now });
      if (tag !== undefined) {
        await trx('dependency_proxy_tags')
          .insert({
            group_id: groupId,
            image_name: image,
            tag,
            digest: m.digest,
            revalidated_at: now,
            read_at: now,
            created_at: now,
            updated_at: now,
          })
          .onConflict(['group_id', 'image_name', 'tag'])
          .merge({ digest: m.digest, revalidated_at: now, read_at: now, updated_at: now });
      }
    });
  }

  /** A pull read the tag (and upstream confirmed it, when `confirmed`) and its manifest. */
  async touchTag(groupId: number, image: string, tag: string, digest: string, confirmed: boolean): Promise<void> {
    const now = this.time();
    await this.knex('dependency_proxy_tags')
      .where({ group_id: groupId, image_name: image, tag })
      .update(confirmed ? { read_at: now, revalidated_at: now } : { read_at: now });
    await this.touchManifest(groupId, image, digest);
  }

  async touchManifest(groupId: number, image: string, digest: string): Promise<void> {
    await this.knex('dependency_proxy_manifests')
      .where({ group_id: groupId, image_name: image, digest })
      .update({ read_at: this.time() });
  }

  /** The group's cached blob with this digest (its size, when it was last read), if the group holds it. */
  async blob(groupId: number, digest: string): Promise<{ id: number; size: number; readAt: Date } | undefined> {
    const row = await this.knex('dependency_proxy_blobs as pb')
      .join('blobs as b', 'b.id', 'pb.blob_id')
      .first('b.id', 'b.size', 'pb.read_at')
      .where({ 'pb.group_id': groupId, 'b.digest': digest });
    return row && { id: Number(row.id), size: Number(row.size), readAt: toDate(row.read_at) };
  }

  /**
   * Records a verified, durable blob in the content store (if new) and in the group's cache, in one
   * transaction: nobody sees the blob without the group's link (which would send them upstream to check).
   */
  async cacheBlob(groupId: number, digest: string, size: number): Promise<number> {
    const now = this.time();
    return this.knex.transaction(async (trx) => {
      await trx('blobs').insert({ digest, size, created_at: now }).onConflict('digest').ignore();
      const blob = await trx('blobs').first('id').where('digest', digest);
      await trx('dependency_proxy_blobs')
        .insert({ group_id: groupId, blob_id: blob.id, read_at: now, created_at: now, updated_at: now })
        .onConflict(['group_id', 'blob_id'])
        .merge({ read_at: now });
      return Number(blob.id);
    });
  }

  /**
   * Records that the group's cache holds the content-store blob `blobId` (read now); false when that blob
   * is gone (garbage collection deleted it a moment ago).
   */
  async linkBlob(groupId: number, blobId: number): Promise<boolean> {
    const now = this.time();
    try {
      await this.knex('dependency_proxy_blobs')
        .insert({ group_id: groupId, blob_id: blobId, read_at: now, created_at: now, updated_at: now })
        .onConflict(['group_id', 'blob_id'])
        .merge({ read_at: now });
      return true;
    } catch (err) {
      if (isForeignKeyViolation(err)) return false;
      throw err;
    }
  }

  async settings(groupId: number): Promise<ProxySettings> {
    const row = await this.knex('dependency_proxy_group_settings')
      .first('enabled', 'identity', 'secret_encrypted')
      .where('group_id', groupId);
    return {
      enabled: row ? !!row.enabled : true,
      identity: row?.identity ?? undefined,
      secretEncrypted: row?.secret_encrypted ?? undefined,
    };
  }

  /** Updates the setting; `null` clears the credentials. */
  async saveSettings(
    groupId: number,
    changes: { enabled?: boolean; identity?: string | null; secretEncrypted?: string | null },
  ) {
    const now = this.time();
    const values: Record<string, unknown> = { updated_at: now };
    if (changes.enabled !== undefined) values.enabled = changes.enabled;
    if (changes.identity !== undefined) values.identity = changes.identity;
    if (changes.secretEncrypted !== undefined) values.secret_encrypted = changes.secretEncrypted;
    await this.knex('dependency_proxy_group_settings')
      .insert({ group_id: groupId, enabled: true, created_at: now, ...values })
      .onConflict('group_id')
      .merge(values);
  }

  async ttlPolicy(groupId: number): Promise<TtlPolicy> {
    const row = await this.knex('dependency_proxy_image_ttl_group_policies')
      .first('enabled', 'ttl', 'created_at', 'updated_at')
      .where('group_id', groupId);
    return row
      ? {
          enabled: !!row.enabled,
          ttl: Number(row.ttl),
          createdAt: toDate(row.created_at),
          updatedAt: toDate(row.updated_at),
        }
      : { enabled: true, ttl: 90 };
  }

  async saveTtlPolicy(groupId: number, changes: { enabled?: boolean; ttl?: number }): Promise<void> {
    const now = this.time();
    const values: Record<string, unknown> = { updated_at: now };
    if (changes.enabled !== undefined) values.enabled = changes.enabled;
    if (changes.ttl !== undefined) values.ttl = changes.ttl;
    await this.knex('dependency_proxy_image_ttl_group_policies')
      .insert({ group_id: groupId, enabled: true, ttl: 90, created_at: now, ...values })
      .onConflict('group_id')
      .merge(values);
  }

  /** Counts and bytes of a group's cache (blobs counted once per group). */
  async stats(groupId: number): Promise<{ manifests: number; blobs: number; bytes: number }> {
    const [m, b] = await Promise.all([
      this.knex('dependency_proxy_manifests')
        .count({ n: '*' })
        .sum({ bytes: 'size' })
        .where('group_id', groupId)
        .first(),
      this.knex('dependency_proxy_blobs as pb')
        .join('blobs as b', 'b.id', 'pb.blob_id')
        .count({ n: '*' })
        .sum({ bytes: 'b.size' })
        .where('pb.group_id', groupId)
        .first(),
    ]);
    return {
      manifests: Number(m?.n ?? 0),
      blobs: Number(b?.n ?? 0),
      bytes: Number(m?.bytes ?? 0) + Number(b?.bytes ?? 0),
    };
  }

  /** The group's cached manifests (newest first), each with one tag naming it if any. */
  async manifests(groupId: number) {
    const rows = await this.knex('dependency_proxy_manifests as m')
      .select('m.id', 'm.image_name', 'm.digest', 'm.size', 'm.created_at', 'm.updated_at')
      .select(
        this.knex('dependency_proxy_tags as t')
          .min('t.tag')
          .whereRaw('t.group_id = m.group_id and t.image_name = m.image_name and t.digest = m.digest')
          .as('tag'),
      )
      .where('m.group_id', groupId)
      .orderBy('m.id', 'desc');
    return rows.map((r: Record<string, unknown>) => ({
      id: Number(r.id),
      imageName: String(r.image_name),
      digest: String(r.digest),
      size: Number(r.size),
      tag: r.tag == null ? undefined : String(r.tag),
      createdAt: toDate(r.created_at),
      updatedAt: toDate(r.updated_at),
    }));
  }

  /** The group's cached blobs (newest first). */
  async blobs(groupId: number) {
    const rows = await this.knex('dependency_proxy_blobs as pb')
      .join('blobs as b', 'b.id', 'pb.blob_id')
      .select('pb.id', 'b.digest', 'b.size', 'pb.created_at', 'pb.updated_at')
      .where('pb.group_id', groupId)
      .orderBy('pb.id', 'desc');
    return rows.map((r: Record<string, unknown>) => ({
      id: Number(r.id),
      digest: String(r.digest),
      size: Number(r.size),
      createdAt: toDate(r.created_at),
      updatedAt: toDate(r.updated_at),
    }));
  }

  /** Removes a group's whole cache, or one image of it. Blobs let go of are queued for garbage collection. */
  async purge(groupId: number, image?: string): Promise<{ manifests: number; tags: number; blobs: number }> {
    return this.knex.transaction(async (trx) => {
      const scoped = (table: string) => {
        const q = trx(table).where('group_id', groupId);
        return image === undefined ? q : q.andWhere('image_name', image);
      };
      const tags = await scoped('dependency_proxy_tags').delete();
      const manifests = await scoped('dependency_proxy_manifests').delete();
      // Blobs are not per image: an image's purge keeps the group's blobs (the TTL evicts them when unread).
      if (image !== undefined) return { manifests, tags, blobs: 0 };
      const ids = trx('dependency_proxy_blobs').select('blob_id').where('group_id', groupId);
      await queueBlobs(trx, this.dialect, ids, 'proxy_purge', this.gcReviewAfter());
      const blobs = await trx('dependency_proxy_blobs').where('group_id', groupId).delete();
      return { manifests, tags, blobs };
    });
  }

  /** Groups that have anything cached. */
  async cachingGroups(): Promise<number[]> {
    const rows = await this.knex
      .select('group_id')
      .from('dependency_proxy_manifests')
      .union((q) => q.select('group_id').from('dependency_proxy_blobs'));
    return [...new Set(rows.map((r: { group_id: number }) => Number(r.group_id)))];
  }

  /** Evicts what the group has not pulled since `before` (its TTL policy). */
  async evictUnreadSince(groupId: number, before: Date): Promise<{ manifests: number; tags: number; blobs: number }> {
    const cutoff = this.time(before);
    return this.knex.transaction(async (trx) => {
      const tags = await trx('dependency_proxy_tags')
        .where('group_id', groupId)
        .andWhere('read_at', '<', cutoff)
        .delete();
      const manifests = await trx('dependency_proxy_manifests')
        .where('group_id', groupId)
        .andWhere('read_at', '<', cutoff)
        .delete();
      const unread = () => trx('dependency_proxy_blobs').where('group_id', groupId).andWhere('read_at', '<', cutoff);
      await queueBlobs(trx, this.dialect, unread().select('blob_id'), 'proxy_evict', this.gcReviewAfter());
      const blobs = await unread().delete();
      return { manifests, tags, blobs };
    });
  }
}
