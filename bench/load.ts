/** Request-rate measurements: autocannon in its own process (see load-worker.ts). */
import { fileURLToPath } from 'node:url';
import { runOk } from './util.js';

export interface LoadSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** An unmeasured run first (JIT, caches, connection set-up), the same for both registries. */
  warmupSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  seconds: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50: number;
  latencyP99: number;
  statusCodes: Record<string, number>;
}

const WORKER = fileURLToPath(new URL('./load-worker.js', import.meta.url));

/** Runs the load; throws when any response was not 2xx or any request failed. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  const r = await runOk(process.execPath, [WORKER, JSON.stringify(spec)], {
    timeoutMs: (spec.seconds + spec.warmupSeconds + 60) * 1000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const result = JSON.parse(line) as LoadResult;
  if (result.non2xx > 0 || result.errors > 0 || result.total === 0) {
    throw new Error(
      `${spec.method} ${spec.url} under load: ${result.total} responses, ${result.non2xx} non-2xx, ${result.errors} errors (${result.timeouts} timeouts); status codes ${JSON.stringify(result.statusCodes)}`,
    );
  }
  return result;
}
