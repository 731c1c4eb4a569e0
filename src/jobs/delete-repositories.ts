/**
 * Removes container repositories scheduled for deletion (GraphQL `destroyContainerRepository`): tags,
 * manifests, blob links and sessions go; blob files stay for garbage collection. Runs right after a
 * request schedules one, and at start and hourly for any a crash interrupted. Idempotent.
 */
import type { RegistryStore } from '../db/registry-store.js';
import type { Logger } from '../observability/logger.js';

export async function deleteScheduledRepositories(store: RegistryStore, log: Logger): Promise<number> {
  let deleted = 0;
  for (const id of await store.repositoriesToDelete()) {
    try {
      await store.setRepositoryStatus(id, 'delete_ongoing');
      await store.deleteRepository(id);
      deleted++;
    } catch (err) {
      log.error({ err, repositoryId: id }, 'repository deletion failed');
      await store.setRepositoryStatus(id, 'delete_failed').catch(() => undefined);
    }
  }
  return deleted;
}
