/**
 * The dependency proxy: a group's pull-through cache of the upstream registry (Docker Hub by default).
 *
 * Manifests, quota-safe: a tag pull HEADs upstream (free on Docker Hub) and GETs only when the digest
 * changed or nothing is cached; a pull by digest that is cached never touches upstream. The bytes and
 * Content-Type are stored and served exactly. Concurrent misses for one manifest share one GET.
 *
 * Blobs: served from the content store when the group's cache (or the registry) holds them, otherwise
 * fetched once and streamed to every waiting client as bytes arrive (blob-fetcher.ts).
 *
 * Outages: when upstream fails (no answer, 5xx, 429), a cached tag is served for BERTH_PROXY_STALE_IF_ERROR
 * after upstream last confirmed it, flagged with a `Warning` header; after that, a 503 `UNAVAILABLE`.
 * Cached digests are always served.
 */
import type { Writable } from 'node:stream';
import type { ProxyGroupInfo } from '../auth/access.service.js';
import type { ProxyStore } from '../db/proxy-store.js';
import type { RegistryStore } from '../db/registry-store.js';
import type { Logger } from '../observability/logger.js';
import type { Digest } from '../oci/digest.js';
import type { BlobFetch, BlobFetcher } from './blob-fetcher.js';
import type { FetchCoordinator } from './fetch-coordinator.js';
import type { ProxyName } from './names.js';
import type { ProxyMetrics } from './proxy-metrics.js';
import { type UpstreamCredentials, UpstreamError, type UpstreamRegistry } from './upstream.js';

export interface ServedManifest {
  digest: string;
  contentType: string;
  body: Buffer;
  /** Served from cache because upstream failed: the reason, for the Warning header. */
  stale?: string;
}

const READ_AT_PRECISION_MS = 3_600_000;

/** Why nothing can be served: upstream failed and the cache cannot stand in. */
export class ProxyUnavailableError extends Error {}

export interface ProxyDeps {
  upstream: UpstreamRegistry;
  /** Further upstreams by host, for containerd's `?ns=` (BERTH_PROXY_UPSTREAMS). */
  upstreams?: Map<string, UpstreamRegistry>;
  store: ProxyStore;
  registry: RegistryStore;
  fetcher: BlobFetcher;
  /** Who fetches what when several instances share Redis (fetch-coordinator.ts). */
  coordinator: FetchCoordinator;
  log: Logger;
  metrics: ProxyMetrics;
  staleIfErrorMs: number;
  /** The group's upstream credentials, unsealed (undefined: anonymous). */
  credentials(group: ProxyGroupInfo): UpstreamCredentials | undefined;
  now?: () => number;
}

export class ProxyService {
  private readonly manifestFetches = new Map<string, Promise<ServedManifest | null>>();

  constructor(private readonly deps: ProxyDeps) {}

  /** The registry `name` comes from: Docker Hub (or BERTH_PROXY_UPSTREAM_URL), or a configured `ns` upstream. */
  private upstreamFor(name: ProxyName): UpstreamRegistry {
    if (name.upstream === undefined) return this.deps.upstream;
    const upstream = this.deps.upstreams?.get(name.upstream);
    if (!upstream) throw new UpstreamError(`no upstream is configured for ${name.upstream}`, 404);
    return upstream;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The manifest `reference` (tag or digest) of `name`, from cache or upstream; null when upstream has none. */
  async manifest(group: ProxyGroupInfo, name: ProxyName, reference: string): Promise<ServedManifest | null> {
    const { store, metrics } = this.deps;
    const byDigest = reference.includes(':');
    if (byDigest) {
      const cached = await store.manifest(group.id, name.image, reference);
      if (cached) {
        metrics.cache.inc('manifest_hit');
        if (this.now() - cached.readAt.getTime() > READ_AT_PRECISION_MS) {
          await store.touchManifest(group.id, name.image, reference);
        }
        return { digest: cached.digest, contentType: cached.contentType, body: cached.payload };
      }
      metrics.cache.inc('manifest_miss');
      return this.fetchManifest(group, name, reference);
    }

    const tag = await store.tag(group.id, name.image, reference);
    const cached = tag?.manifest;
    if (!tag || !cached) {
      metrics.cache.inc('manifest_miss');
      return this.fetchManifest(group, name, reference);
    }
    let head: Awaited<ReturnType<UpstreamRegistry['headManifest']>>;
    try {
      head = await this.upstreamFor(name).headManifest(name.remote, reference, this.deps.credentials(group));
    } catch (err) {
      if (!(err instanceof UpstreamError) || !err.outage) throw err;
      return this.stale(group, name, reference, tag.revalidatedAt, cached, err);
    }
    if (head === null) return null; // gone upstream: a definite answer, not an outage
    if (head.digest === cached.digest && sameType(head.contentType, cached.contentType)) {
      metrics.cache.inc('manifest_hit');
      // The stale-if-error window counts from the last confirmation: a minute's precision is plenty.
      if (this.now() - tag.revalidatedAt.getTime() > 60_000) {
        await store.touchTag(group.id, name.image, reference, cached.digest, true);
      }
      return { digest: cached.digest, contentType: cached.contentType, body: cached.payload };
    }
    metrics.cache.inc('manifest_changed');
    return this.fetchManifest(group, name, reference);
  }

  private async stale(
    group: ProxyGroupInfo,
    name: ProxyName,
    reference: string,
    revalidatedAt: Date,
    cached: { digest: string; contentType: string; payload: Buffer },
    err: UpstreamError,
  ): Promise<ServedManifest> {
    const age = this.now() - revalidatedAt.getTime();
    if (age > this.deps.staleIfErrorMs) {
      throw new ProxyUnavailableError(
        `upstream is failing (${err.message}) and the cached ${name.requested}:${reference} was last confirmed ${Math.round(age / 3_600_000)} h ago, beyond the stale-if-error window`,
      );
    }
    this.deps.metrics.cache.inc('manifest_stale');
    this.deps.log.warn(
      { group: group.fullPath, image: name.image, tag: reference, err: err.message, ageMs: age },
      'upstream failing: serving the cached manifest',
    );
    await this.deps.store.touchTag(group.id, name.image, reference, cached.digest, false);
    return {
      digest: cached.digest,
      contentType: cached.contentType,
      body: cached.payload,
      stale: `upstream failing (${err.status ?? 'no answer'}); served from cache, last confirmed ${revalidatedAt.toISOString()}`,
    };
  }

  /**
   * One upstream GET for any number of concurrent requests for the same manifest: in this process by a
   * shared promise; across instances (with Redis) by a lease, whose holder fetches and stores while the
   * others wait for it and then read what it stored.
   */
  private fetchManifest(group: ProxyGroupInfo, name: ProxyName, reference: string): Promise<ServedManifest | null> {
    const key = `${group.id} ${name.image} ${reference}`;
    const running = this.manifestFetches.get(key);
    if (running) {
      this.deps.metrics.coalesced.inc('manifest');
      return running;
    }
    const fetch = (async (): Promise<ServedManifest | null> => {
      const lease = await this.deps.coordinator.acquire(`manifest:${key}`, '').catch(() => undefined);
      if (!lease && (await this.deps.coordinator.isShared())) return this.awaitManifest(group, name, reference, key);
      try {
        const got = await this.upstreamFor(name).getManifest(name.remote, reference, this.deps.credentials(group));
        if (got) {
          await this.deps.store.saveManifest(
            group.id,
            name.image,
            got,
            reference.includes(':') ? undefined : reference,
          );
        }
        await lease?.finish('done', 0, undefined, got ? got.digest : '');
        return got && { digest: got.digest, contentType: got.contentType, body: got.body };
      } catch (err) {
        await lease?.finish('failed', 0, undefined).catch(() => undefined);
        throw err;
      }
    })().finally(() => this.manifestFetches.delete(key));
    this.manifestFetches.set(key, fetch);
    return fetch;
  }

  /** Waits for the instance that holds a manifest's lease, then serves what it stored. */
  private async awaitManifest(
    group: ProxyGroupInfo,
    name: ProxyName,
    reference: string,
    key: string,
  ): Promise<ServedManifest | null> {
    this.deps.metrics.coalesced.inc('manifest');
    const outcome = await new Promise<{ state: string; detail?: string }>((resolve) => {
      let stop: (() => void) | undefined;
      let settled = false;
      void this.deps.coordinator
        .follow(`manifest:${key}`, (s) => {
          if (settled || (s.state !== 'done' && s.state !== 'failed')) return;
          settled = true;
          stop?.();
          resolve({ state: s.state, detail: s.path });
        })
        .then((unsubscribe) => {
          stop = unsubscribe;
          if (settled) unsubscribe();
        });
    });
    if (outcome.state !== 'done')
      throw new UpstreamError('the instance fetching this manifest from upstream failed', 502);
    if (!outcome.detail) return null; // upstream has none
    const m = await this.deps.store.manifest(group.id, name.image, outcome.detail);
    if (!m) throw new UpstreamError(`manifest ${name.image}:${reference} vanished from the cache`, 502);
    return { digest: m.digest, contentType: m.contentType, body: m.payload };
  }

  /**
   * Where a blob's bytes come from: the content store (with its size) when this group's cache or the
   * registry already holds it, or a fetch (started, or joined when one is running) to stream from.
   */
  async blob(
    group: ProxyGroupInfo,
    name: ProxyName,
    digest: Digest,
  ): Promise<{ stored: { size: number } } | { fetch: BlobFetch } | null> {
    const { store, registry, metrics } = this.deps;
    // A fill of this group's in progress first: it records the blob before it leaves the in-flight table,
    // so looking here before the database leaves no moment when neither knows of it.
    const running = this.deps.fetcher.running(digest);
    if (running && running.groupId === group.id) {
      metrics.coalesced.inc('blob');
      return { fetch: running };
    }
    const linked = await store.blob(group.id, digest.value);
    if (linked) {
      metrics.cache.inc('blob_hit');
      // read_at serves a TTL counted in days: refreshing it hourly is exact enough, and saves a write per pull.
      if (this.now() - linked.readAt.getTime() > READ_AT_PRECISION_MS) await store.linkBlob(group.id, linked.id);
      return { stored: linked };
    }
    const credentials = this.deps.credentials(group);
    // Bytes the content store already has (pushed, or cached by another group) are shared, but only once
    // upstream says this image has them for this group's credentials: a digest is not a key to anything.
    const known = await registry.findBlob(digest.value);
    if (known) {
      if ((await this.upstreamFor(name).statBlob(name.remote, digest.value, credentials)) === null) return null;
      if (await store.linkBlob(group.id, known.id)) {
        metrics.cache.inc('blob_hit');
        return { stored: known };
      }
      // Garbage collection deleted it meanwhile: fetch it again, below.
    }
    metrics.cache.inc('blob_miss');
    const { fetch, leader } = await this.deps.fetcher.join(digest, group.id, {
      open: () => this.upstreamFor(name).openBlob(name.remote, digest.value, credentials),
      commit: async (size) => {
        await store.cacheBlob(group.id, digest.value, size);
      },
      onBytes: (n) => metrics.bytesFromUpstream.inc('', n),
    });
    if (leader) return { fetch };
    metrics.coalesced.inc('blob');
    if (fetch.groupId !== group.id) {
      if ((await this.upstreamFor(name).statBlob(name.remote, digest.value, credentials)) === null) return null;
      void fetch.finished.then(async () => {
        const blob = fetch.state === 'done' ? await registry.findBlob(digest.value) : undefined;
        if (blob) await store.linkBlob(group.id, blob.id);
      });
    }
    return { fetch };
  }

  /**
   * What a HEAD on a blob answers, without fetching it: the cache's copy, a fill in progress, or upstream's
   * own HEAD (as Distribution's proxy does); null when upstream has no such blob. A client that only asks
   * whether a blob exists does not make berth download it.
   */
  async blobHead(
    group: ProxyGroupInfo,
    name: ProxyName,
    digest: Digest,
  ): Promise<{ stored: { size: number } } | { size?: number } | null> {
    const running = this.deps.fetcher.peek(digest);
    if (running && running.groupId === group.id) return { size: running.size };
    const linked = await this.deps.store.blob(group.id, digest.value);
    if (linked) return { stored: linked };
    return this.upstreamFor(name).statBlob(name.remote, digest.value, this.deps.credentials(group));
  }

  /** Streams a fetch to a client as its bytes arrive (see BlobFetcher.pipeTo). */
  async stream(fetch: BlobFetch, destination: Writable): Promise<void> {
    await this.deps.fetcher.pipeTo(fetch, destination);
    this.deps.metrics.bytesToClients.inc('', fetch.size ?? 0);
  }
}

/** Content types compare without parameters (`; charset=…`). */
function sameType(a: string | undefined, b: string): boolean {
  return (a ?? '').split(';')[0]?.trim() === b.split(';')[0]?.trim();
}
