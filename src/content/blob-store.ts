/**
 * Reading blobs: existence and size from the database, bytes from the driver. Blobs are immutable, so the
 * bytes of small ones (configs, tiny layers: at most SMALL_BLOB bytes) are kept in a bounded LRU; layers
 * always stream.
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

  /** Bytes [start, end] of a small blob (`size` ≤ SMALL_BLOB), from the LRU when cached. */
  async readSmall(digest: Digest, size: number, start: number, end: number): Promise<Buffer> {
    let bytes = this.small.get(digest.value);
    if (!bytes) {
      bytes = await this.driver.getContent(blobDataPath(digest));
      if (bytes.length === size) this.small.set(digest.value, bytes);
    }
    return bytes.subarray(start, end + 1);
  }

  /** Writes the range [start, end] of a large blob into `destination` (which it does not end). */
  async send(digest: Digest, start: number, end: number, destination: Writable): Promise<void> {
    const path = blobDataPath(digest);
    if (this.driver.sendTo) return this.driver.sendTo(path, destination, { offset: start, end });
    await pipeline(await this.driver.reader(path, { offset: start, end }), destination, { end: false });
  }

  /** A direct download URL when the driver offers one (object storage), else undefined. */
  async redirectURL(digest: Digest, method: 'GET' | 'HEAD'): Promise<string | undefined> {
    return this.driver.redirectURL?.(blobDataPath(digest), method);
  }
}
