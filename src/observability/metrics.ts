/**
 * Prometheus metrics at `/metrics`, in the text exposition format (no client library: a few counters and
 * gauges are all berth exports). Database statements are counted per origin, the part of berth whose work
 * issued them: `registry` (/v2), `auth` (/jwt/auth), `graphql`, `http` (anything else) or `background`
 * (jobs). The origin travels with the request through AsyncLocalStorage, so no caller has to pass it on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Origin = 'registry' | 'auth' | 'graphql' | 'http' | 'background';

const origins = new AsyncLocalStorage<Origin>();

/** Runs `fn` (and everything it starts) as work of `origin`. */
export function withOrigin<T>(origin: Origin, fn: () => T): T {
  return origins.run(origin, fn);
}

export function currentOrigin(): Origin {
  return origins.getStore() ?? 'background';
}

/** A counter with one label; values per label value. */
export class Counter<L extends string> {
  private readonly values = new Map<L, number>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly label: string,
  ) {}

  inc(labelValue: L, by = 1): void {
    this.values.set(labelValue, (this.values.get(labelValue) ?? 0) + by);
  }

  get(labelValue: L): number {
    return this.values.get(labelValue) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [v, n] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`${this.name}{${this.label}="${escapeLabel(v)}"} ${n}`);
    }
    return lines.join('\n');
  }
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function gauge(name: string, help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}`;
}

export class Metrics {
  readonly dbQueries = new Counter<Origin>(
    'berth_db_queries_total',
    'SQL statements sent to the metadata database, by the part of berth that sent them.',
    'origin',
  );

  /** Counts one statement for whatever is running now. */
  countQuery = (): void => this.dbQueries.inc(currentOrigin());

  render(): string {
    const mem = process.memoryUsage();
    return `${[
      this.dbQueries.render(),
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss),
      gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', mem.heapUsed),
      gauge('nodejs_external_memory_bytes', 'Memory of buffers and other objects outside the V8 heap.', mem.external),
      gauge('process_uptime_seconds', 'Seconds since the process started.', Math.round(process.uptime())),
    ].join('\n')}\n`;
  }
}
