/** The dependency proxy's Prometheus series (rendered with the rest at /metrics). */
import { Counter } from '../observability/metrics.js';

export class ProxyMetrics {
  readonly cache = new Counter<string>(
    'berth_proxy_cache_total',
    'Dependency proxy lookups by outcome (manifest_hit, manifest_miss, manifest_changed, manifest_stale, blob_hit, blob_miss).',
    'outcome',
  );
  readonly upstreamRequests = new Counter<string>(
    'berth_proxy_upstream_requests_total',
    'Requests sent to the upstream registry, by method and status ("none" when no answer came).',
    'request',
  );
  readonly bytesFromUpstream = new Counter('berth_proxy_upstream_bytes_total', 'Blob bytes received from upstream.');
  readonly bytesToClients = new Counter('berth_proxy_client_bytes_total', 'Blob bytes the proxy sent to clients.');
  readonly coalesced = new Counter<string>(
    'berth_proxy_coalesced_total',
    'Requests that joined a fetch already in progress instead of asking upstream again.',
    'kind',
  );
  /** Docker Hub's last `ratelimit-limit` / `ratelimit-remaining` (pulls per window), when it sent them. */
  rateLimit: { limit?: number; remaining?: number } = {};

  render(): string {
    const gauges: string[] = [];
    for (const [key, help] of [
      ['limit', 'Upstream (Docker Hub) pull limit per window, from its ratelimit-limit header.'],
      ['remaining', 'Upstream pulls left in the window, from its ratelimit-remaining header.'],
    ] as const) {
      const v = this.rateLimit[key];
      if (v === undefined) continue;
      const name = `berth_proxy_upstream_ratelimit_${key}`;
      gauges.push(`# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${v}`);
    }
    return [
      this.cache.render(),
      this.upstreamRequests.render(),
      this.bytesFromUpstream.render(),
      this.bytesToClients.render(),
      this.coalesced.render(),
      ...gauges,
    ].join('\n');
  }
}
