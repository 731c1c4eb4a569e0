/**
 * Publication into content-addressed storage, shared by uploads and dependency proxy fills: verified,
 * durable bytes staged at one path move (by rename) to `blobs/…/data`, unless the same blob is already
 * there, which is then left as it is (blobs are immutable).
 */
import type { Digest } from '../oci/digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { blobDataPath } from './paths.js';

export async function publishBlob(driver: StorageDriver, staged: string, digest: Digest, size: number): Promise<void> {
  const target = blobDataPath(digest);
  const existing = await driver.stat(target);
  if (existing && existing.size === size) return;
  if (size === 0) {
    await driver.putContent(target, Buffer.alloc(0));
    return;
  }
  await driver.move(staged, target);
}
