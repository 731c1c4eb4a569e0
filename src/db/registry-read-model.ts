/**
 * The management API's read queries over the registry metadata (repositories of a project with their tag
 * counts and last update, tags with their manifests and sizes). Answered from the database, never storage.
 */
import type { Knex } from '@mikro-orm/knex';
import { dbTime, escapeLike, toDate } from './sql.js';

export interface RepositoryListRow {
  id: number;
  projectId: number;
  name: string;
  path: string;
  createdAt: Date;
  updatedAt: Date;
  tagsCount: number;
  lastPublishedAt?: Date;
  status?: string;
  /** The cleanup policy's last run over this repository (GitLab's ContainerRepositoryCleanupStatus, raw). */
  cleanupStatus: string;
  cleanupStartedAt?: Date;
  lastCleanupDeletedTagsCount?: number;
}

const REPOSITORY_COLUMNS = [
  'r.id',
  'r.project_id',
  'r.name',
  'r.path',
  'r.created_at',
  'r.status',
  'r.expiration_policy_cleanup_status',
  'r.expiration_policy_started_at',
  'r.last_cleanup_deleted_tags_count',
];

export interface ProjectRow {
  name: string;
  path: string;
  createdAt: Date;
}

export interface TagRow {
  name: string;
  createdAt: Date;
  updatedAt: Date;
  manifestId: number;
  digest: string;
  mediaType: string;
  size: number;
  configDigest?: string;
}

function toTagRow(r: Record<string, unknown>): TagRow {
  return {
    name: String(r.name),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
    manifestId: Number(r.manifest_id),
    digest: String(r.digest),
    mediaType: String(r.media_type),
    size: Number(r.size),
    configDigest: r.config_digest ? String(r.config_digest) : undefined,
  };
}

function filterTags(q: Knex.QueryBuilder, filter: Pick<TagPageArgs, 'name' | 'exact'>): Knex.QueryBuilder {
  if (filter.name) q.whereRaw("lower(t.name) like lower(?) escape '\\'", [`%${escapeLike(filter.name)}%`]);
  if (filter.exact) q.where('t.name', filter.exact);
  return q;
}

export interface TagPageArgs {
  /** Substring of the tag name (case-insensitive). */
  name?: string | null;
  /** Exactly this tag name. */
  exact?: string | null;
  sort: 'NAME_ASC' | 'NAME_DESC' | 'PUBLISHED_AT_ASC' | 'PUBLISHED_AT_DESC';
  after?: string | null;
  before?: string | null;
  first?: number | null;
  last?: number | null;
  max: number;
}

export interface TagPage {
  rows: TagRow[];
  cursors: string[];
  count: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** A tag's position: [published ms, name] or [name]; opaque to clients (base64url JSON). */
function cursorOf(sort: TagPageArgs['sort'], row: TagRow): string {
  const key = sort.startsWith('NAME') ? [row.name] : [row.updatedAt.getTime(), row.name];
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function parseCursor(cursor: string): unknown[] | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export class RegistryReadModel {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: 'sqlite' | 'postgresql' = 'sqlite',
  ) {}

  /**
   * One page of tags for each of `repositoryIds`, by keyset (no offset, no loading the whole list): stable
   * under inserts, and as fast on page 5,000 of 100,000 tags as on page one. Every repository's page has
   * the same arguments (a cursor is a position in the order, so it applies to each), which is what lets a
   * list of 50 repositories with their first 20 tags be two statements: one windowed select
   * (`row_number() over (partition by repository)`) and one grouped count. A single repository takes the
   * plain indexed `limit` query instead.
   */
  async tagPages(repositoryIds: readonly number[], args: TagPageArgs): Promise<Map<number, TagPage>> {
    const out = new Map<number, TagPage>();
    if (repositoryIds.length === 0) return out;
    const byName = args.sort.startsWith('NAME');
    const asc = args.sort.endsWith('_ASC');
    const backward = (args.last ?? null) !== null && (args.first ?? null) === null;
    const limit = Math.max(0, Math.min(backward ? (args.last as number) : (args.first ?? args.max), args.max));
    const time = (ms: number) => dbTime(this.dialect, ms);
    /** Rows strictly beyond `cursor` in direction `forward` of the requested order. */
    const beyond = (q: Knex.QueryBuilder, cursor: string, forward: boolean) => {
      const key = parseCursor(cursor);
      if (!key) return;
      const op = asc === forward ? '>' : '<';
      if (byName) q.andWhere('t.name', op, String(key[0]));
      else {
        const [ms, name] = [Number(key[0]), String(key[1])];
        q.andWhere((w) =>
          w
            .where('t.updated_at', op, time(ms))
            .orWhere((e) => e.where('t.updated_at', time(ms)).andWhere('t.name', op, name)),
        );
      }
    };
    const dir = asc !== backward ? 'asc' : 'desc';
    const order = byName ? `t.name ${dir}` : `t.updated_at ${dir}, t.name ${dir}`;
    const q = filterTags(
      this.knex('tags as t')
        .join('manifests as m', 'm.id', 't.manifest_id')
        .whereIn('t.repository_id', repositoryIds as number[]),
      args,
    ).select(
      't.repository_id',
      't.name',
      't.created_at',
      't.updated_at',
      'm.id as manifest_id',
      'm.digest',
      'm.media_type',
      'm.size',
      'm.config_digest',
    );
    if (args.after) beyond(q, args.after, true);
    if (args.before) beyond(q, args.before, false);
    let fetched: Record<string, unknown>[];
    if (repositoryIds.length === 1) {
      fetched = await q.orderByRaw(order).limit(limit + 1);
    } else {
      q.select(this.knex.raw(`row_number() over (partition by t.repository_id order by ${order}) as rn`));
      fetched = await this.knex
        .select('*')
        .from(q.as('x'))
        .where('x.rn', '<=', limit + 1)
        .orderBy([{ column: 'x.repository_id' }, { column: 'x.rn' }]);
    }
    const counts = await this.tagCounts(repositoryIds, args);
    const grouped = new Map<number, TagRow[]>();
    for (const r of fetched) {
      const id = Number(r.repository_id);
      const list = grouped.get(id) ?? [];
      list.push(toTagRow(r));
      grouped.set(id, list);
    }
    for (const id of repositoryIds) {
      const all = grouped.get(id) ?? [];
      const more = all.length > limit;
      const rows = all.slice(0, limit);
      if (backward) rows.reverse();
      out.set(id, {
        rows,
        cursors: rows.map((r) => cursorOf(args.sort, r)),
        count: counts.get(id) ?? 0,
        hasNextPage: backward ? !!args.before : more,
        hasPreviousPage: backward ? more : !!args.after,
      });
    }
    return out;
  }

  /** Tags per repository (only those matching the filter, when one is given). */
  async tagCounts(
    repositoryIds: readonly number[],
    filter: Pick<TagPageArgs, 'name' | 'exact'> = {},
  ): Promise<Map<number, number>> {
    const q = filterTags(
      this.knex('tags as t')
        .select('t.repository_id')
        .count({ n: '*' })
        .whereIn('t.repository_id', repositoryIds as number[])
        .groupBy('t.repository_id'),
      filter,
    );
    const out = new Map<number, number>();
    for (const r of (await q) as { repository_id: number; n: number | string }[]) {
      out.set(Number(r.repository_id), Number(r.n));
    }
    return out;
  }

  /**
   * Deduplicated bytes per repository: every distinct blob its manifests reference (counted once however
   * many manifests share it) plus the manifests themselves. Two grouped statements for any number of them.
   */
  async repositorySizes(repositoryIds: readonly number[]): Promise<Map<number, number>> {
    const ids = repositoryIds as number[];
    const out = new Map<number, number>(ids.map((id) => [id, 0]));
    if (ids.length === 0) return out;
    const held = this.knex('manifest_blobs as mb')
      .join('manifests as m', 'm.id', 'mb.manifest_id')
      .whereIn('m.repository_id', ids)
      .distinct('m.repository_id', 'mb.blob_id');
    const [blobs, manifests] = await Promise.all([
      this.knex
        .from(held.as('h'))
        .join('blobs as b', 'b.id', 'h.blob_id')
        .select('h.repository_id')
        .sum({ total: 'b.size' })
        .groupBy('h.repository_id'),
      this.knex('manifests')
        .select('repository_id')
        .sum({ total: 'size' })
        .whereIn('repository_id', ids)
        .groupBy('repository_id'),
    ]);
    for (const r of [...blobs, ...manifests] as { repository_id: number; total: number | string | null }[]) {
      const id = Number(r.repository_id);
      out.set(id, (out.get(id) ?? 0) + Number(r.total ?? 0));
    }
    return out;
  }

  private repositories() {
    return this.knex('container_repositories as r')
      .leftJoin('tags as t', 't.repository_id', 'r.id')
      .groupBy(...REPOSITORY_COLUMNS)
      .select(...REPOSITORY_COLUMNS)
      .count({ tags: 't.id' })
      .max({ last: 't.updated_at' });
  }

  private toRow(r: Record<string, unknown>): RepositoryListRow {
    const createdAt = toDate(r.created_at);
    const last = r.last === null || r.last === undefined ? undefined : toDate(r.last);
    return {
      id: Number(r.id),
      projectId: Number(r.project_id),
      name: String(r.name),
      path: String(r.path),
      createdAt,
      updatedAt: last && last > createdAt ? last : createdAt,
      tagsCount: Number(r.tags),
      lastPublishedAt: last,
      status: r.status ? String(r.status) : undefined,
      cleanupStatus: String(r.expiration_policy_cleanup_status ?? 'cleanup_unscheduled'),
      cleanupStartedAt: r.expiration_policy_started_at ? toDate(r.expiration_policy_started_at) : undefined,
      lastCleanupDeletedTagsCount:
        r.last_cleanup_deleted_tags_count === null || r.last_cleanup_deleted_tags_count === undefined
          ? undefined
          : Number(r.last_cleanup_deleted_tags_count),
    };
  }

  /** Name, path and creation time of each of these projects. */
  async projectRows(ids: readonly number[]): Promise<Map<number, ProjectRow>> {
    const rows = await this.knex('projects')
      .select('id', 'name', 'path', 'created_at')
      .whereIn('id', ids as number[]);
    return new Map(
      rows.map((r: Record<string, unknown>) => [
        Number(r.id),
        { name: String(r.name), path: String(r.path), createdAt: toDate(r.created_at) },
      ]),
    );
  }

  /** The repositories of each of these projects, with their tag counts and last publication. */
  async repositoriesOf(projectIds: readonly number[]): Promise<Map<number, RepositoryListRow[]>> {
    const out = new Map<number, RepositoryListRow[]>(projectIds.map((id) => [id, []]));
    if (projectIds.length === 0) return out;
    for (const r of await this.repositories().whereIn('r.project_id', projectIds as number[])) {
      const row = this.toRow(r);
      out.get(row.projectId)?.push(row);
    }
    return out;
  }

  async repository(id: number): Promise<RepositoryListRow | undefined> {
    const [row] = await this.repositories().where('r.id', id);
    return row && this.toRow(row);
  }

  async tagsOf(repositoryId: number): Promise<TagRow[]> {
    const rows = await this.knex('tags as t')
      .join('manifests as m', 'm.id', 't.manifest_id')
      .select(
        't.name',
        't.created_at',
        't.updated_at',
        'm.id as manifest_id',
        'm.digest',
        'm.media_type',
        'm.size',
        'm.config_digest',
      )
      .where('t.repository_id', repositoryId);
    return rows.map(toTagRow);
  }

  /**
   * The referrers (manifests whose `subject` is one of `digests`) in each of `repositoryIds`, keyed by
   * `<repository id> <subject digest>`, optionally of some artifact types only.
   */
  async referrersOf(
    repositoryIds: readonly number[],
    digests: readonly string[],
    artifactTypes?: readonly string[],
  ): Promise<Map<string, { digest: string; artifactType?: string }[]>> {
    const out = new Map<string, { digest: string; artifactType?: string }[]>();
    if (digests.length === 0 || repositoryIds.length === 0) return out;
    const q = this.knex('manifests')
      .select('repository_id', 'digest', 'artifact_type', 'subject_digest')
      .whereIn('repository_id', repositoryIds as number[])
      .whereIn('subject_digest', [...new Set(digests)])
      .orderBy('id');
    if (artifactTypes && artifactTypes.length > 0) q.whereIn('artifact_type', artifactTypes as string[]);
    for (const r of (await q) as {
      repository_id: number;
      digest: string;
      artifact_type: string | null;
      subject_digest: string;
    }[]) {
      const key = `${r.repository_id} ${r.subject_digest}`;
      const list = out.get(key) ?? [];
      list.push({ digest: r.digest, artifactType: r.artifact_type ?? undefined });
      out.set(key, list);
    }
    return out;
  }

  /** Manifest size plus the sizes of its config and layers, per manifest id. */
  async totalSizes(manifestIds: readonly number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (manifestIds.length === 0) return out;
    const rows = await this.knex('manifests as m')
      .leftJoin('manifest_blobs as mb', 'mb.manifest_id', 'm.id')
      .leftJoin('blobs as b', 'b.id', 'mb.blob_id')
      .select('m.id', 'm.size')
      .sum({ blobs: 'b.size' })
      .whereIn('m.id', manifestIds as number[])
      .groupBy('m.id', 'm.size');
    for (const r of rows as { id: number; size: number; blobs: number | null }[]) {
      out.set(Number(r.id), Number(r.size) + Number(r.blobs ?? 0));
    }
    return out;
  }
}
