/**
 * The management API's read queries over the registry metadata (repositories of a project with their tag
 * counts and last update, tags with their manifests and sizes). Answered from the database, never storage.
 */
import type { Knex } from '@mikro-orm/knex';

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

export function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(typeof v === 'number' ? v : String(v));
}

export interface TagPageArgs {
  /** Substring of the tag name. */
  name?: string | null;
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
   * One page of a repository's tags by keyset (no offset, no loading the whole list): stable under
   * inserts, and as fast on page 5,000 of 100,000 tags as on page one.
   */
  async tagsPage(repositoryId: number, args: TagPageArgs): Promise<TagPage> {
    const byName = args.sort.startsWith('NAME');
    const asc = args.sort.endsWith('_ASC');
    const backward = (args.last ?? null) !== null && (args.first ?? null) === null;
    const limit = Math.min(backward ? (args.last as number) : (args.first ?? args.max), args.max);
    const base = () => {
      const q = this.knex('tags as t')
        .join('manifests as m', 'm.id', 't.manifest_id')
        .where('t.repository_id', repositoryId);
      if (args.name)
        q.whereRaw("lower(t.name) like lower(?) escape '\\'", [`%${args.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
      return q;
    };
    const time = (ms: number) => (this.dialect === 'sqlite' ? ms : new Date(ms));
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
    const q = base().select(
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
    const dir = asc !== backward ? 'asc' : 'desc';
    if (byName) q.orderBy('t.name', dir);
    else
      q.orderBy([
        { column: 't.updated_at', order: dir },
        { column: 't.name', order: dir },
      ]);
    const fetched = (await q.limit(limit + 1)).map(toTagRow);
    const more = fetched.length > limit;
    const rows = fetched.slice(0, limit);
    if (backward) rows.reverse();
    const [{ n }] = (await base().count({ n: '*' })) as [{ n: number | string }];
    return {
      rows,
      cursors: rows.map((r) => cursorOf(args.sort, r)),
      count: Number(n),
      hasNextPage: backward ? !!args.before : more,
      hasPreviousPage: backward ? more : !!args.after,
    };
  }

  private repositories() {
    return this.knex('container_repositories as r')
      .leftJoin('tags as t', 't.repository_id', 'r.id')
      .groupBy('r.id', 'r.project_id', 'r.name', 'r.path', 'r.created_at', 'r.status')
      .select('r.id', 'r.project_id', 'r.name', 'r.path', 'r.created_at', 'r.status')
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
    };
  }

  async repositoriesOf(projectId: number): Promise<RepositoryListRow[]> {
    return (await this.repositories().where('r.project_id', projectId)).map((r) => this.toRow(r));
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

  /** The referrers (manifests whose `subject` is one of `digests`), per subject digest, optionally of some artifact types. */
  async referrersOf(
    repositoryId: number,
    digests: string[],
    artifactTypes?: string[],
  ): Promise<Map<string, { digest: string; artifactType?: string }[]>> {
    const out = new Map<string, { digest: string; artifactType?: string }[]>();
    if (digests.length === 0) return out;
    const q = this.knex('manifests')
      .select('digest', 'artifact_type', 'subject_digest')
      .where('repository_id', repositoryId)
      .whereIn('subject_digest', digests)
      .orderBy('id');
    if (artifactTypes && artifactTypes.length > 0) q.whereIn('artifact_type', artifactTypes);
    for (const r of (await q) as { digest: string; artifact_type: string | null; subject_digest: string }[]) {
      const list = out.get(r.subject_digest) ?? [];
      list.push({ digest: r.digest, artifactType: r.artifact_type ?? undefined });
      out.set(r.subject_digest, list);
    }
    return out;
  }

  /** Manifest size plus the sizes of its config and layers, per manifest id. */
  async totalSizes(manifestIds: number[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    if (manifestIds.length === 0) return out;
    const rows = await this.knex('manifests as m')
      .leftJoin('manifest_blobs as mb', 'mb.manifest_id', 'm.id')
      .leftJoin('blobs as b', 'b.id', 'mb.blob_id')
      .select('m.id', 'm.size')
      .sum({ blobs: 'b.size' })
      .whereIn('m.id', manifestIds)
      .groupBy('m.id', 'm.size');
    for (const r of rows as { id: number; size: number; blobs: number | null }[]) {
      out.set(Number(r.id), Number(r.size) + Number(r.blobs ?? 0));
    }
    return out;
  }
}
