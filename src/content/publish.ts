/**
 * Publication into content-addressed storage, shared by uploads and dependency proxy fills: verified,
 * durable bytes staged at one path move (by rename) to `blobs/…/data`, unless the same blob is already
 * there, which is then left as it is (blobs are immutable), and the database row that makes them visible
 * is written, both holding the blob's lock: garbage collection deletes a blob's row and bytes holding the
 * same lock (gc/collector.ts), so a blob pushed again while it is being collected ends whole, never as a
 * row without bytes.
 */
import type { Locks } from '../cache/locks.js';
import type { Digest } from '../oci/digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { blobDataPath } from './paths.js';

/** The lock publishing or deleting a blob's bytes holds. */
export function blobLockKey(digest: string): string {
  return `blob:${digest}`;
}

/** Moves staged bytes into place and records them (`record`), as one step against garbage collection. */
export async function publishBlob<T>(
  locks: Locks,
  driver: StorageDriver,
  staged: string,
  digest: Digest,
  size: number,
  record: () => Promise<T>,
): Promise<T> {
  return locks.run(blobLockKey(digest.value), async () => {
    const target = blobDataPath(digest);
    const existing = await driver.stat(target);
    if (!existing || existing.size !== size) {
      if (size === 0) await driver.putContent(target, Buffer.alloc(0));
      else await driver.move(staged, target);
    }
    return record();
  });
}
