/**
 * Child-process side of the load test: runs autocannon (programmatic API) against one URL and prints one JSON
 * line with the result, so the load generator never shares an event loop with the benchmark or the server.
 * Usage: node dist/bench/load-worker.js '<LoadSpec as JSON>'
 */
import { createRequire } from 'node:module';
import type { LoadResult, LoadSpec } from './load.js';

const require = createRequire(import.meta.url);
/** The parts of autocannon's result this worker reads. */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}

const autocannon = require('autocannon') as (
  opts: Record<string, unknown>,
  cb: (err: Error | null, result: AutocannonResult) => void,
) => unknown;

/** http-parser-js's onHeadersComplete slot (HTTPParser.kOnHeadersComplete). */
const K_ON_HEADERS_COMPLETE = 2;

/**
 * autocannon's parser is not told that a response answers a HEAD, so it waits for Content-Length body bytes
 * that never come. Returning true from onHeadersComplete means "no body": wrap the handler autocannon
 * installs right after setupClient.
 */
function headResponsesHaveNoBody(client: { parser: Record<number, unknown> }): void {
  let handler: ((...args: unknown[]) => unknown) | undefined;
  Object.defineProperty(client.parser, K_ON_HEADERS_COMPLETE, {
    configurable: true,
    get: () => {
      const inner = handler;
      if (!inner) return undefined;
      return (...args: unknown[]) => {
        inner(...args);
        return true;
      };
    },
    set: (fn: (...args: unknown[]) => unknown) => {
      handler = fn;
    },
  });
}

function runOnce(spec: LoadSpec, duration: number): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url,
        method: spec.method,
        headers: spec.headers,
        connections: spec.connections,
        duration,
        timeout: 10,
        setupClient: spec.method === 'HEAD' ? headResponsesHaveNoBody : undefined,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
if (spec.warmupSeconds > 0) await runOnce(spec, spec.warmupSeconds);
const r = await runOnce(spec, spec.seconds);
const out: LoadResult = {
  requestsPerSecond: r.requests.average,
  total: r.requests.total,
  seconds: r.duration,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  latencyP50: r.latency.p50,
  latencyP99: r.latency.p99,
  statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
