/**
 * A read-through cache in front of the registry's hottest queries (repository by path, manifest by tag or
 * digest, blob in repository), as a decorator of RegistryStore: handlers cannot tell it is there.
 *
 * Consistency: every write through this instance that can change an answer bumps the repository's
 * generation, which is part of every cache key, so this instance never serves an answer older than its
 * own last write. Other instances' writes are seen within CACHE_TTL_MS, the bound on any entry's age.
 * Only positive answers are cached: a blob or manifest pushed anywhere is visible at once.
 */
import { type ManifestRow, type PutManifestInput, RegistryStore, type RepositoryRow } from '../db/registry-store.js';
import type { ChangeBus } from './change-bus.js';
import { Lru } from './lru.js';

/** How stale an answer may be when another instance changed it. */
export const CACHE_TTL_MS = 5_000;
/** Manifests larger than this are not cached. */
const MAX_CACHED_MANIFEST = 256 * 1024;

export class CachingRegistryStore extends RegistryStore {
  private readonly generations = new Map<number, number>();
  private readonly repos = new Lru<string, RepositoryRow>({ maxEntries: 10_000, ttlMs: CACHE_TTL_MS });
  private readonly manifests = new Lru<string, ManifestRow>({
    maxEntries: 20_000,
    ttlMs: CACHE_TTL_MS,
    maxWeight: 64 * 1024 * 1024,
    weigh: (m) => m.payload.length + 200,
  });
  private readonly blobs = new Lru<string, { id: number; size: number }>({ maxEntries: 50_000, ttlMs: CACHE_TTL_MS });

  private key(repositoryId: number, rest: string): string {
    return `${repositoryId}:${this.generations.get(repositoryId) ?? 0}:${rest}`;
  }

  private bus?: ChangeBus;

  /** Announces this instance's writes on `bus` and applies the other instances' (see change-bus.ts). */
  connect(bus: ChangeBus): void {
    this.bus = bus;
    bus.subscribe((topic) => {
      if (topic.startsWith('repo:')) this.forget(Number(topic.slice(5)));
      else if (topic === 'paths') this.repos.clear();
    });
  }

  /** Repository paths changed (a project renamed or moved): forget every path, here and everywhere. */
  override pathsChanged(): void {
    this.repos.clear();
    this.bus?.publish('paths');
  }

  /** Forgets everything cached about one repository, here and (with Redis) on every instance. */
  invalidate(repositoryId: number): void {
    this.forget(repositoryId);
    this.bus?.publish(`repo:${repositoryId}`);
  }

  private forget(repositoryId: number): void {
    this.generations.set(repositoryId, (this.generations.get(repositoryId) ?? 0) + 1);
  }

  override async deleteRepository(repositoryId: number): Promise<void> {
    try {
      await super.deleteRepository(repositoryId);
    } finally {
      this.invalidate(repositoryId);
      this.pathsChanged();
    }
  }

  override async findRepository(path: string): Promise<RepositoryRow | undefined> {
    const hit = this.repos.get(path);
    if (hit) return hit;
    const row = await super.findRepository(path);
    if (row) this.repos.set(path, row);
    return row;
  }

  override async manifestByTag(repositoryId: number, tag: string): Promise<ManifestRow | undefined> {
    return this.cachedManifest(this.key(repositoryId, `t:${tag}`), () => super.manifestByTag(repositoryId, tag));
  }

  override async manifestByDigest(repositoryId: number, digest: string): Promise<ManifestRow | undefined> {
    return this.cachedManifest(this.key(repositoryId, `d:${digest}`), () =>
      super.manifestByDigest(repositoryId, digest),
    );
  }

  override async blobInRepository(repositoryId: number, digest: string) {
    const key = this.key(repositoryId, digest);
    const hit = this.blobs.get(key);
    if (hit) return hit;
    const row = await super.blobInRepository(repositoryId, digest);
    if (row) this.blobs.set(key, row);
    return row;
  }

  override async putManifest(input: PutManifestInput) {
    try {
      return await super.putManifest(input);
    } finally {
      if (input.tag !== undefined) this.invalidate(input.repositoryId);
    }
  }

  protected override tagsDeleted(repositoryId: number): void {
    this.invalidate(repositoryId);
  }

  override async deleteManifest(repositoryId: number, digest: string) {
    try {
      return await super.deleteManifest(repositoryId, digest);
    } finally {
      this.invalidate(repositoryId);
    }
  }

  override async unlinkBlob(repositoryId: number, digest: string) {
    try {
      return await super.unlinkBlob(repositoryId, digest);
    } finally {
      this.invalidate(repositoryId);
    }
  }

  private async cachedManifest(
    key: string,
    load: () => Promise<ManifestRow | undefined>,
  ): Promise<ManifestRow | undefined> {
    const hit = this.manifests.get(key);
    if (hit) return hit;
    const row = await load();
    if (row && row.payload.length <= MAX_CACHED_MANIFEST) this.manifests.set(key, row);
    return row;
  }
}
