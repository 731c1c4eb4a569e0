/**
 * Reading blobs: existence and size from the database, bytes from the driver. Blobs are immutable, so the
 * bytes of small ones (configs, tiny layers: at most SMALL_BLOB bytes) are kept in a bounded LRU; layers
 * always stream.
 */
import type { Readable } from 'node:stream';
import { Lru } from '../cache/lru.js';
import type { RegistryStore } from '../db/registry-store.js';
import type { Digest } from '../oci/digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { BlobUnknownError } from './errors.js';
import { blobDataPath } from './paths.js';

/** Blobs up to this size are read whole and may be cached. */
export const SMALL_BLOB = 64 * 1024;

export class BlobStore {
  private readonly small = new Lru<string, Buffer>({
    maxEntries: 4096,
    maxWeight: 32 * 1024 * 1024,
    weigh: (b) => b.length,
  });

  constructor(
    private readonly driver: StorageDriver,
    private readonly store: RegistryStore,
  ) {}

  /** The blob's size, if `repositoryId` holds it; throws {@link BlobUnknownError} otherwise. */
  async stat(repositoryId: number, digest: Digest): Promise<{ size: number }> {
    const blob = await this.store.blobInRepository(repositoryId, digest.value);
    if (!blob) throw new BlobUnknownError(digest.value);
    return blob;
  }

  /**
   * The blob's bytes from `start` to `end` inclusive: a Buffer for a small blob (`size` ≤ SMALL_BLOB),
   * otherwise a stream.
   */
  async read(digest: Digest, size: number, start: number, end: number): Promise<Buffer | Readable> {
    if (size > SMALL_BLOB) return this.driver.reader(blobDataPath(digest), { offset: start, end });
    let bytes = this.small.get(digest.value);
    if (!bytes) {
      bytes = await this.driver.getContent(blobDataPath(digest));
      if (bytes.length === size) this.small.set(digest.value, bytes);
    }
    return bytes.subarray(start, end + 1);
  }

  /** A direct download URL when the driver offers one (object storage), else undefined. */
  async redirectURL(digest: Digest, method: 'GET' | 'HEAD'): Promise<string | undefined> {
    return this.driver.redirectURL?.(blobDataPath(digest), method);
  }
}
