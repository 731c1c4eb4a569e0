/**
 * Removes upload sessions nobody touched for BERTH_UPLOAD_PURGE_AGE, staged files under `_uploads/` that no
 * session owns (left by a crash during a monolithic upload), and dependency proxy fills a crash left under
 * `_proxy/`. Runs every hour in each instance; the
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
  for (const id of await deps.store.uploads.stale(cutoff)) {
    await deps.uploads.discard(id);
    purged++;
  }
  for (const dir of await deps.driver.list('_uploads')) {
    const id = dir.slice('_uploads/'.length);
    const info = await deps.driver.stat(`${dir}/data`);
    const old = !info || info.modifiedAt < cutoff;
    if (old && !(await deps.store.uploads.exists(id))) {
      await deps.driver.delete(dir);
      purged++;
    }
  }
  purged += await purgeProxyStaging(deps.driver, new Date(now.getTime() - PROXY_STAGING_MAX_AGE_MS));
  if (purged > 0) deps.log.info({ purged }, 'purged stale uploads');
  return purged;
}

/** A dependency proxy fill that has not written for this long is dead (its instance crashed or hung). */
const PROXY_STAGING_MAX_AGE_MS = 3_600_000;

/**
 * Removes the dependency proxy's staging directories (`_proxy/<alg>/<hex>/<attempt>/`) whose file has not
 * changed since `cutoff`: a fill that ended normally removes its own; these are left by crashes.
 */
export async function purgeProxyStaging(driver: StorageDriver, cutoff: Date): Promise<number> {
  let purged = 0;
  for (const alg of await driver.list('_proxy')) {
    for (const blob of await driver.list(alg)) {
      const attempts = await driver.list(blob);
      for (const attempt of attempts) {
        const info = await driver.stat(`${attempt}/data`);
        if (!info || info.modifiedAt < cutoff) {
          await driver.delete(attempt);
          purged++;
        }
      }
      if ((await driver.list(blob)).length === 0) await driver.delete(blob);
    }
  }
  return purged;
}
