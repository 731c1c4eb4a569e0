/**
 * Upload sessions (`uploads`): which repository a session belongs to, who opened it, and how many bytes
 * it has committed, shared by every instance. The bytes themselves are staged in storage
 * (content/upload-service.ts); RegistryStore.commitBlob ends a session in the transaction that records its blob.
 */
import type { Knex } from '@mikro-orm/knex';
import type { Dialect } from './orm.js';
import { dbTime } from './sql.js';

export class UploadSessions {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
    private readonly clock: () => number,
  ) {}

  private now(): Date | number {
    return dbTime(this.dialect, this.clock());
  }

  async create(id: string, repositoryId: number, owner?: string): Promise<void> {
    const now = this.now();
    await this.knex('uploads').insert({
      id,
      repository_id: repositoryId,
      size: 0,
      owner: owner ?? null,
      created_at: now,
      updated_at: now,
    });
  }

  /** Who opened an upload session (see Upload.owner). */
  async owner(id: string): Promise<string | undefined> {
    return (await this.knex('uploads').first('owner').where('id', id))?.owner ?? undefined;
  }

  async get(id: string, repositoryId: number): Promise<{ size: number } | undefined> {
    const row = await this.knex('uploads').first('size').where({ id, repository_id: repositoryId });
    return row && { size: Number(row.size) };
  }

  async exists(id: string): Promise<boolean> {
    return (await this.knex('uploads').first('id').where('id', id)) !== undefined;
  }

  async setSize(id: string, size: number): Promise<void> {
    await this.knex('uploads').where('id', id).update({ size, updated_at: this.now() });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.knex('uploads').where('id', id).delete()) > 0;
  }

  /** Upload sessions not touched since `before`. */
  async stale(before: Date, limit = 500): Promise<string[]> {
    const rows = await this.knex('uploads')
      .select('id')
      .where('updated_at', '<', dbTime(this.dialect, before.getTime()))
      .limit(limit);
    return rows.map((r: { id: string }) => r.id);
  }
}
