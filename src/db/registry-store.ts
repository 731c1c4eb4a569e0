/**
 * The registry's metadata queries: every tag list, manifest lookup, blob link and repository size is
 * answered here from the database, never by walking storage. Hot paths use MikroORM's knex query builder
 * directly (one indexed query each, no entity hydration); the schema is owned by the entities/migrations.
 */
import type { Knex } from '@mikro-orm/knex';
import type { ParsedManifest } from '../oci/manifest.js';
import { artifactTypeOf, isForeignLayer } from '../oci/manifest.js';
import { queueBlobDigest, queueBlobs, queueManifests } from './gc-queue.js';
import type { Dialect } from './orm.js';
import { dbTime, retryConflicts } from './sql.js';
import { UploadSessions } from './upload-sessions.js';

export interface RepositoryRow {
  id: number;
  path: string;
  projectId: number;
}

export interface ManifestRow {
  id: number;
  digest: string;
  mediaType: string;
  size: number;
  payload: Buffer;
}

export interface ProjectMatch {
  projectId: number;
  projectPath: string;
  /** The image part below the project ('' for the project's root image). */
  imageName: string;
}

export interface PutManifestInput {
  repositoryId: number;
  digest: string;
  parsed: ParsedManifest;
  payload: Buffer;
  tag?: string;
}

/** What stopped a manifest PUT: references that are not in the repository. */
export interface PutManifestProblem {
  missingBlobs: string[];
  missingManifests: string[];
  sizeMismatches: string[];
}

export interface Referrer {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Tags deleted per transaction by {@link RegistryStore.deleteTags}. */
const TAG_BATCH = 1000;

/** Images may be at most three levels below their project, as in GitLab. */
export const MAX_IMAGE_DEPTH = 3;

/** Online garbage collection's default review delay (BERTH_GC_REVIEW_DELAY). */
export const DEFAULT_GC_REVIEW_DELAY_MS = 24 * 60 * 60 * 1000;

export interface RegistryStoreOptions {
  /** The clock (ms since the epoch) for every timestamp written; tests move it. */
  clock?: () => number;
  /** How long something that may have become garbage waits before garbage collection looks at it. */
  gcReviewDelayMs?: number;
}

export class RegistryStore {
  readonly clock: () => number;
  readonly gcReviewDelayMs: number;

  constructor(
    protected readonly knex: Knex,
    readonly dialect: Dialect,
    options: RegistryStoreOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.gcReviewDelayMs = options.gcReviewDelayMs ?? DEFAULT_GC_REVIEW_DELAY_MS;
    this.uploads = new UploadSessions(knex, dialect, this.clock);
  }

  /** Upload sessions (db/upload-sessions.ts). */
  readonly uploads: UploadSessions;

  /** When garbage collection may look at something queued now. */
  gcReviewAfter(): Date | number {
    return dbTime(this.dialect, this.clock() + this.gcReviewDelayMs);
  }

  /** PostgreSQL row locks that order a reference against garbage collection's delete (SQLite serialises writers). */
  protected forShare<T extends Knex.QueryBuilder>(q: T, ...tables: string[]): T {
    return this.dialect === 'postgresql' ? (q.forShare(...tables) as T) : q;
  }

  /** Repository paths changed (a project renamed or moved). Nothing is cached here; see CachingRegistryStore. */
  pathsChanged(): void {}

  /** A timestamp in the representation MikroORM uses for this dialect. */
  now(): Date | number {
    return dbTime(this.dialect, this.clock());
  }

  /**
   * The project a repository path belongs to: the longest project path that is a prefix of it. Every
   * prefix is tried, so a path too deep below its project is reported as such rather than as unknown.
   */
  async findProjectFor(path: string): Promise<ProjectMatch | undefined> {
    const parts = path.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    const rows: { id: number; full_path: string }[] = await this.knex('projects')
      .select('id', 'full_path')
      .whereIn('full_path', candidates);
    const best = rows.sort((a, b) => b.full_path.length - a.full_path.length)[0];
    if (!best) return undefined;
    return { projectId: best.id, projectPath: best.full_path, imageName: path.slice(best.full_path.length + 1) };
  }

  async findRepository(path: string): Promise<RepositoryRow | undefined> {
    const row = await this.knex('container_repositories').first('id', 'project_id').where('path', path);
    return row && { id: row.id, path, projectId: row.project_id };
  }

  /** Creates the repository row for a project's image on first push; idempotent under races. */
  async ensureRepository(match: ProjectMatch, path: string): Promise<RepositoryRow> {
    const existing = await this.findRepository(path);
    if (existing) return existing;
    await this.knex('container_repositories')
      .insert({ project_id: match.projectId, name: match.imageName, path, created_at: this.now() })
      .onConflict('path')
      .ignore();
    return (await this.findRepository(path)) as RepositoryRow;
  }

  async blobInRepository(repositoryId: number, digest: string): Promise<{ id: number; size: number } | undefined> {
    const row = await this.knex('repository_blobs as rb')
      .join('blobs as b', 'b.id', 'rb.blob_id')
      .first('b.id', 'b.size')
      .where({ 'rb.repository_id': repositoryId, 'b.digest': digest });
    return row && { id: row.id, size: Number(row.size) };
  }

  async findBlob(digest: string): Promise<{ id: number; size: number } | undefined> {
    const row = await this.knex('blobs').first('id', 'size').where('digest', digest);
    return row && { id: row.id, size: Number(row.size) };
  }

  /**
   * Records a verified blob (already in content-addressed storage) and links it into the repository, in
   * one transaction that also ends the upload session, so the blob becomes visible all at once.
   */
  async commitBlob(repositoryId: number, digest: string, size: number, uploadId?: string): Promise<void> {
    // Its row locks (blobs, repository_blobs, the review queue) can meet a collector's taken in another
    // order: PostgreSQL then aborts one side, and a push must not fail for it. (A push racing the collector
    // answered 500 once in CI, on PostgreSQL; such an abort is the likely cause, not a confirmed one.)
    await retryConflicts(() =>
      this.knex.transaction(async (trx) => {
        await trx('blobs').insert({ digest, size, created_at: this.now() }).onConflict('digest').ignore();
        const blob = await trx('blobs').first('id').where('digest', digest);
        await trx('repository_blobs')
          .insert({ repository_id: repositoryId, blob_id: blob.id, created_at: this.now() })
          .onConflict(['repository_id', 'blob_id'])
          .ignore();
        // Unreferenced until a manifest lists it: reviewed after the delay, kept if a manifest does by then.
        await queueBlobDigest(trx, this.dialect, digest, 'blob_upload', this.gcReviewAfter());
        if (uploadId) await trx('uploads').where('id', uploadId).delete();
      }),
    );
  }

  /**
   * Links a blob the content store holds into a repository (a cross-repository mount); false when the blob
   * is gone (garbage collection took it). Its review is postponed: the push that mounted it is on its way.
   */
  async linkBlob(repositoryId: number, blobId: number): Promise<boolean> {
    return retryConflicts(() =>
      this.knex.transaction(async (trx) => {
        const blob = await this.forShare(trx('blobs').first('id', 'digest').where('id', blobId));
        if (!blob) return false;
        await trx('repository_blobs')
          .insert({ repository_id: repositoryId, blob_id: blobId, created_at: this.now() })
          .onConflict(['repository_id', 'blob_id'])
          .ignore();
        await queueBlobDigest(trx, this.dialect, blob.digest, 'blob_mount', this.gcReviewAfter());
        return true;
      }),
    );
  }

  /**
   * Unlinks a blob from a repository. Refused (returns the referencing manifests) while a manifest in the
   * repository still needs it: deleting it would break that image.
   */
  async unlinkBlob(repositoryId: number, digest: string): Promise<'deleted' | 'unknown' | string[]> {
    return this.knex.transaction(async (trx) => {
      const blob = await trx('repository_blobs as rb')
        .join('blobs as b', 'b.id', 'rb.blob_id')
        .first('b.id')
        .where({ 'rb.repository_id': repositoryId, 'b.digest': digest });
      if (!blob) return 'unknown';
      const users: { digest: string }[] = await trx('manifest_blobs as mb')
        .join('manifests as m', 'm.id', 'mb.manifest_id')
        .select('m.digest')
        .where({ 'mb.blob_id': blob.id, 'm.repository_id': repositoryId })
        .limit(5);
      if (users.length > 0) return users.map((u) => u.digest);
      await trx('repository_blobs').where({ repository_id: repositoryId, blob_id: blob.id }).delete();
      await queueBlobs(trx, this.dialect, [blob.id], 'blob_delete', this.gcReviewAfter());
      return 'deleted';
    });
  }

  async manifestByDigest(repositoryId: number, digest: string): Promise<ManifestRow | undefined> {
    const row = await this.knex('manifests')
      .first('id', 'digest', 'media_type', 'size', 'payload')
      .where({ repository_id: repositoryId, digest });
    return row && toManifest(row);
  }

  async manifestByTag(repositoryId: number, tag: string): Promise<ManifestRow | undefined> {
    const row = await this.knex('tags as t')
      .join('manifests as m', 'm.id', 't.manifest_id')
      .first('m.id', 'm.digest', 'm.media_type', 'm.size', 'm.payload')
      .where({ 't.repository_id': repositoryId, 't.name': tag });
    return row && toManifest(row);
  }

  /** Child manifests of an index, for content negotiation (platform fallback). */
  async childManifests(parentId: number): Promise<ManifestRow[]> {
    const rows = await this.knex('manifest_references as r')
      .join('manifests as m', 'm.id', 'r.child_id')
      .select('m.id', 'm.digest', 'm.media_type', 'm.size', 'm.payload')
      .where('r.parent_id', parentId);
    return rows.map(toManifest);
  }

  /**
   * Stores a manifest and its links (and moves the tag), in one transaction. Every referenced blob must be
   * linked into the repository and every child manifest present in it; otherwise nothing is written and
   * the problem is returned.
   */
  async putManifest(input: PutManifestInput): Promise<PutManifestProblem | undefined> {
    const { repositoryId, parsed } = input;
    return retryConflicts(() =>
      this.knex.transaction(async (trx) => {
        const problem: PutManifestProblem = { missingBlobs: [], missingManifests: [], sizeMismatches: [] };
        const blobRefs = new Map<number, string>();
        const childIds: number[] = [];
        if (parsed.kind === 'image') {
          const wanted = [
            { d: parsed.config, role: 'config' },
            ...parsed.layers.filter((l) => !isForeignLayer(l)).map((d) => ({ d, role: 'layer' })),
          ];
          const digests = [...new Set(wanted.map((w) => w.d.digest))];
          const found: { id: number; digest: string; size: number | string }[] = digests.length
            ? await this.forShare(
                trx('repository_blobs as rb')
                  .join('blobs as b', 'b.id', 'rb.blob_id')
                  .select('b.id', 'b.digest', 'b.size')
                  .where('rb.repository_id', repositoryId)
                  .whereIn('b.digest', digests)
                  .orderBy('b.id'),
                'b',
              )
            : [];
          const byDigest = new Map(found.map((f) => [f.digest, f]));
          for (const { d, role } of wanted) {
            const f = byDigest.get(d.digest);
            if (!f) {
              if (!problem.missingBlobs.includes(d.digest)) problem.missingBlobs.push(d.digest);
            } else if (Number(f.size) !== d.size) {
              problem.sizeMismatches.push(`${role} ${d.digest} is ${f.size} bytes, the manifest says ${d.size}`);
            } else if (!blobRefs.has(f.id) || role === 'config') {
              blobRefs.set(f.id, role);
            }
          }
        } else {
          const digests = [...new Set(parsed.manifests.map((m) => m.digest))];
          const found: { id: number; digest: string; size: number | string }[] = digests.length
            ? await this.forShare(
                trx('manifests')
                  .select('id', 'digest', 'size')
                  .where('repository_id', repositoryId)
                  .whereIn('digest', digests),
              )
            : [];
          const byDigest = new Map(found.map((f) => [f.digest, f]));
          for (const m of parsed.manifests) {
            const f = byDigest.get(m.digest);
            if (!f) {
              if (!problem.missingManifests.includes(m.digest)) problem.missingManifests.push(m.digest);
            } else if (Number(f.size) !== m.size) {
              problem.sizeMismatches.push(`manifest ${m.digest} is ${f.size} bytes, the index says ${m.size}`);
            } else if (!childIds.includes(f.id)) {
              childIds.push(f.id);
            }
          }
        }
        if (problem.missingBlobs.length + problem.missingManifests.length + problem.sizeMismatches.length > 0) {
          return problem;
        }
        const manifestId = await this.insertManifest(trx, input, blobRefs, childIds);
        if (input.tag !== undefined) await this.upsertTag(trx, repositoryId, input.tag, manifestId);
        return undefined;
      }),
    );
  }

  private async insertManifest(
    trx: Knex.Transaction,
    input: PutManifestInput,
    blobRefs: Map<number, string>,
    childIds: number[],
  ): Promise<number> {
    const { repositoryId, digest, parsed, payload } = input;
    const existing = await this.forShare(trx('manifests').first('id').where({ repository_id: repositoryId, digest }));
    if (existing) return existing.id;
    const [row] = await trx('manifests')
      .insert({
        repository_id: repositoryId,
        digest,
        media_type: parsed.mediaType,
        size: payload.length,
        config_digest: parsed.kind === 'image' ? parsed.config.digest : null,
        config_media_type: parsed.kind === 'image' ? parsed.config.mediaType : null,
        subject_digest: parsed.subject?.digest ?? null,
        artifact_type: artifactTypeOf(parsed) ?? null,
        payload,
        created_at: this.now(),
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    if (blobRefs.size > 0) {
      await trx('manifest_blobs').insert(
        [...blobRefs].map(([blobId, role]) => ({ manifest_id: id, blob_id: blobId, role })),
      );
    }
    if (childIds.length > 0) {
      await trx('manifest_references').insert(childIds.map((childId) => ({ parent_id: id, child_id: childId })));
    }
    // Pushed by digest: garbage unless a tag, an index or its subject claims it by the time it is reviewed.
    if (input.tag === undefined) await queueManifests(trx, this.dialect, [id], 'manifest_upload', this.gcReviewAfter());
    return id;
  }

  private async upsertTag(trx: Knex.Transaction, repositoryId: number, name: string, manifestId: number) {
    const now = this.now();
    const previous = await trx('tags').first('manifest_id').where({ repository_id: repositoryId, name });
    if (previous && previous.manifest_id !== manifestId) {
      await queueManifests(trx, this.dialect, [previous.manifest_id], 'tag_switch', this.gcReviewAfter());
    }
    await trx('tags')
      .insert({ repository_id: repositoryId, name, manifest_id: manifestId, created_at: now, updated_at: now })
      .onConflict(['repository_id', 'name'])
      .merge({ manifest_id: manifestId, updated_at: now });
  }

  async deleteTag(repositoryId: number, tag: string): Promise<boolean> {
    return (await this.deleteTags(repositoryId, [tag])) > 0;
  }

  /**
   * Deletes tags by name (any number: in batches, each one transaction); the manifests they pointed at are
   * queued for garbage collection's review. Returns how many tags were deleted.
   */
  async deleteTags(repositoryId: number, names: string[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < names.length; i += TAG_BATCH) {
      const batch = names.slice(i, i + TAG_BATCH);
      deleted += await retryConflicts(() =>
        this.knex.transaction(async (trx) => {
          const rows: { manifest_id: number }[] = await trx('tags')
            .distinct('manifest_id')
            .where('repository_id', repositoryId)
            .whereIn('name', batch);
          const n = await trx('tags').where('repository_id', repositoryId).whereIn('name', batch).delete();
          await queueManifests(
            trx,
            this.dialect,
            rows.map((r) => r.manifest_id),
            'tag_delete',
            this.gcReviewAfter(),
          );
          return n;
        }),
      );
      this.tagsDeleted(repositoryId);
    }
    return deleted;
  }

  /** Called after each committed batch of {@link deleteTags} (CachingRegistryStore forgets the repository). */
  protected tagsDeleted(_repositoryId: number): void {}

  /**
   * Deletes a manifest and its tags. Refused (returns the indexes that list it) while an index in the
   * repository still references it.
   */
  async deleteManifest(repositoryId: number, digest: string): Promise<'deleted' | 'unknown' | string[]> {
    return retryConflicts(() =>
      this.knex.transaction(async (trx) => {
        const m = await trx('manifests').first('id').where({ repository_id: repositoryId, digest });
        if (!m) return 'unknown';
        const parents: { digest: string }[] = await trx('manifest_references as r')
          .join('manifests as p', 'p.id', 'r.parent_id')
          .select('p.digest')
          .where('r.child_id', m.id)
          .limit(5);
        if (parents.length > 0) return parents.map((p) => p.digest);
        await this.queueWhatManifestHeld(trx, repositoryId, m.id, digest);
        await trx('tags').where('manifest_id', m.id).delete();
        await trx('manifest_blobs').where('manifest_id', m.id).delete();
        await trx('manifest_references').where('parent_id', m.id).delete();
        await trx('manifests').where('id', m.id).delete();
        return 'deleted' as const;
      }),
    );
  }

  /**
   * Before a manifest goes: its blobs, its child manifests and its referrers (manifests whose subject it
   * is) may have lost their last reference; queue them for review.
   */
  async queueWhatManifestHeld(trx: Knex.Transaction, repositoryId: number, manifestId: number, digest: string) {
    const after = this.gcReviewAfter();
    await queueBlobs(
      trx,
      this.dialect,
      trx('manifest_blobs').select('blob_id').where('manifest_id', manifestId),
      'manifest_delete',
      after,
    );
    await queueManifests(
      trx,
      this.dialect,
      trx('manifest_references').select('child_id').where('parent_id', manifestId),
      'manifest_delete',
      after,
    );
    await queueManifests(
      trx,
      this.dialect,
      trx('manifests').select('id').where({ repository_id: repositoryId, subject_digest: digest }),
      'subject_delete',
      after,
    );
  }

  /** Sets a repository's status (see ContainerRepository.status). */
  async setRepositoryStatus(repositoryId: number, status: string | null): Promise<void> {
    await this.knex('container_repositories').where('id', repositoryId).update({ status });
  }

  /** Repositories waiting for (or interrupted in) deletion. */
  async repositoriesToDelete(): Promise<number[]> {
    const rows = await this.knex('container_repositories')
      .select('id')
      .whereIn('status', ['delete_scheduled', 'delete_ongoing']);
    return rows.map((r: { id: number }) => r.id);
  }

  /**
   * Deletes a repository with its tags, manifests, blob links and upload sessions, in one transaction. Its
   * blobs are queued for garbage collection, which deletes those no other repository or cache references.
   */
  async deleteRepository(repositoryId: number): Promise<void> {
    await this.knex.transaction(async (trx) => {
      const manifests = trx('manifests').select('id').where('repository_id', repositoryId);
      await queueBlobs(
        trx,
        this.dialect,
        trx('repository_blobs').select('blob_id').where('repository_id', repositoryId),
        'repository_delete',
        this.gcReviewAfter(),
      );
      await trx('tags').where('repository_id', repositoryId).delete();
      await trx('manifest_references').whereIn('parent_id', manifests.clone()).delete();
      await trx('manifest_references').whereIn('child_id', manifests.clone()).delete();
      await trx('manifest_blobs').whereIn('manifest_id', manifests.clone()).delete();
      await trx('manifests').where('repository_id', repositoryId).delete();
      await trx('repository_blobs').where('repository_id', repositoryId).delete();
      await trx('uploads').where('repository_id', repositoryId).delete();
      await trx('container_repositories').where('id', repositoryId).delete();
    });
  }

  /** The tags that point at a manifest. */
  async tagsOf(repositoryId: number, digest: string): Promise<string[]> {
    const rows = await this.knex('tags as t')
      .join('manifests as m', 'm.id', 't.manifest_id')
      .select('t.name')
      .where({ 't.repository_id': repositoryId, 'm.digest': digest });
    return rows.map((r: { name: string }) => r.name);
  }

  /** Tags in byte order, `n` at most, after `last`. */
  async listTags(repositoryId: number, n: number, last?: string): Promise<string[]> {
    const q = this.knex('tags').select('name').where('repository_id', repositoryId).orderBy('name').limit(n);
    if (last !== undefined) q.andWhere('name', '>', last);
    return (await q).map((r: { name: string }) => r.name);
  }

  /** Repository paths (with their project's) in byte order, `n` at most, after `last`. */
  async catalog(n: number, last?: string): Promise<{ path: string; projectPath: string }[]> {
    const q = this.knex('container_repositories as r')
      .join('projects as p', 'p.id', 'r.project_id')
      .select('r.path', 'p.full_path')
      .orderBy('r.path')
      .limit(n);
    if (last !== undefined) q.where('r.path', '>', last);
    return (await q).map((r: { path: string; full_path: string }) => ({ path: r.path, projectPath: r.full_path }));
  }

  /** Manifests in the repository whose `subject` is `digest`, optionally of one artifact type. */
  async referrers(repositoryId: number, digest: string, artifactType?: string): Promise<Referrer[]> {
    const q = this.knex('manifests')
      .select('digest', 'media_type', 'size', 'artifact_type', 'payload')
      .where({ repository_id: repositoryId, subject_digest: digest })
      .orderBy('id');
    if (artifactType !== undefined) q.andWhere('artifact_type', artifactType);
    const rows = await q;
    return rows.map((r: Record<string, unknown>) => {
      const ref: Referrer = { mediaType: r.media_type as string, digest: r.digest as string, size: Number(r.size) };
      if (r.artifact_type) ref.artifactType = r.artifact_type as string;
      const annotations = annotationsOf(toBuffer(r.payload));
      if (annotations) ref.annotations = annotations;
      return ref;
    });
  }

  /** Bytes the repository's manifests reference, each distinct blob counted once, plus the manifests. */
  async repositorySize(repositoryId: number): Promise<number> {
    const blobs = await this.knex('blobs as b')
      .sum({ total: 'b.size' })
      .whereIn(
        'b.id',
        this.knex('manifest_blobs as mb')
          .join('manifests as m', 'm.id', 'mb.manifest_id')
          .where('m.repository_id', repositoryId)
          .select('mb.blob_id'),
      )
      .first();
    const manifests = await this.knex('manifests').sum({ total: 'size' }).where('repository_id', repositoryId).first();
    return Number(blobs?.total ?? 0) + Number(manifests?.total ?? 0);
  }
}

function toManifest(row: Record<string, unknown>): ManifestRow {
  return {
    id: row.id as number,
    digest: row.digest as string,
    mediaType: row.media_type as string,
    size: Number(row.size),
    payload: toBuffer(row.payload),
  };
}

/** Drivers return BLOB/bytea columns as Buffer (pg) or ArrayBuffer (libsql). */
function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return Buffer.from(value as Uint8Array);
}

function annotationsOf(payload: Buffer): Record<string, string> | undefined {
  try {
    const doc = JSON.parse(payload.toString('utf8'));
    return doc && typeof doc.annotations === 'object' ? doc.annotations : undefined;
  } catch {
    return undefined;
  }
}
