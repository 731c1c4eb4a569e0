/** Reading blobs: existence and size from the database, bytes from the driver. */
import type { Readable } from 'node:stream';
import type { RegistryStore } from '../db/registry-store.js';
import type { Digest } from '../oci/digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { BlobUnknownError } from './errors.js';
import { blobDataPath } from './paths.js';

export class BlobStore {
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

  /** The blob's bytes from `start` to `end` inclusive. */
  open(digest: Digest, start = 0, end?: number): Promise<Readable> {
    return this.driver.reader(blobDataPath(digest), { offset: start, end });
  }

  /** A direct download URL when the driver offers one (object storage), else undefined. */
  async redirectURL(digest: Digest, method: 'GET' | 'HEAD'): Promise<string | undefined> {
    return this.driver.redirectURL?.(blobDataPath(digest), method);
  }
}
