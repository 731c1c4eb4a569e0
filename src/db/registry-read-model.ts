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

export function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(typeof v === 'number' ? v : String(v));
}

export class RegistryReadModel {
  constructor(private readonly knex: Knex) {}

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
    return rows.map((r) => ({
      name: r.name,
      createdAt: toDate(r.created_at),
      updatedAt: toDate(r.updated_at),
      manifestId: Number(r.manifest_id),
      digest: r.digest,
      mediaType: r.media_type,
      size: Number(r.size),
      configDigest: r.config_digest ?? undefined,
    }));
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
