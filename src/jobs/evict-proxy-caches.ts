/**
 * The dependency proxy's TTL policies, applied: in every group whose policy is enabled (GitLab's default:
 * enabled, 90 days), cached manifests, tags and blob links not pulled within `ttl` days are removed. The
 * bytes stay in the content store until garbage collection finds them unused (other groups and the
 * registry may hold the same blobs). Runs at start and hourly; idempotent.
 */
import type { ProxyStore } from '../db/proxy-store.js';
import type { Logger } from '../observability/logger.js';

const DAY = 86_400_000;

export async function evictProxyCaches(store: ProxyStore, log: Logger, now: number): Promise<number> {
  let removed = 0;
  for (const groupId of await store.cachingGroups()) {
    const policy = await store.ttlPolicy(groupId);
    if (!policy.enabled) continue;
    const r = await store.evictUnreadSince(groupId, new Date(now - policy.ttl * DAY));
    const n = r.manifests + r.tags + r.blobs;
    if (n > 0)
      log.info({ groupId, ...r, ttlDays: policy.ttl }, 'dependency proxy: evicted what was not pulled within the TTL');
    removed += n;
  }
  return removed;
}
