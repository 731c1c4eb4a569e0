/**
 * Removes upload sessions nobody touched for BERTH_UPLOAD_PURGE_AGE, and staged files under `_uploads/`
 * that no session owns (left by a crash during a monolithic upload). Runs every hour in each instance; the
 * work is idempotent, so instances need not coordinate.
 */
import type { UploadService } from '../content/upload-service.js';
import type { RegistryStore } from '../db/registry-store.js';
import type { Logger } from '../observability/logger.js';
import type { StorageDriver } from '../storage/driver.js';

export async function purgeUploads(deps: {
  store: RegistryStore;
  uploads: UploadService;
  driver: StorageDriver;
  log: Logger;
  maxAgeMs: number;
  now?: Date;
}): Promise<number> {
  const now = deps.now ?? new Date();
  const cutoff = new Date(now.getTime() - deps.maxAgeMs);
  let purged = 0;
  for (const id of await deps.store.staleUploads(cutoff)) {
    await deps.uploads.discard(id);
    purged++;
  }
  for (const dir of await deps.driver.list('_uploads')) {
    const id = dir.slice('_uploads/'.length);
    const info = await deps.driver.stat(`${dir}/data`);
    const old = !info || info.modifiedAt < cutoff;
    if (old && !(await deps.store.uploadExists(id))) {
      await deps.driver.delete(dir);
      purged++;
    }
  }
  if (purged > 0) deps.log.info({ purged }, 'purged stale uploads');
  return purged;
}
