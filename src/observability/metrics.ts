/**
 * Prometheus metrics at `/metrics`, in the text exposition format (no client library: a few counters and
 * gauges are all berth exports).
 *
 * Statements are counted in total, not per request or per API: attributing them would need
 * AsyncLocalStorage, which on Node 20 installs promise hooks that make every `await` in the process
 * about 2.5 times slower (measured), the registry's hot paths included. A test or a benchmark that wants
 * one request's cost reads the counter before and after it on an otherwise idle server.
 */

/** A counter, optionally with one label (values per label value; '' when unlabelled). */
export class Counter<L extends string = ''> {
  private readonly values = new Map<L, number>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly label?: string,
  ) {}

  inc(labelValue: L = '' as L, by = 1): void {
    this.values.set(labelValue, (this.values.get(labelValue) ?? 0) + by);
  }

  get(labelValue: L = '' as L): number {
    return this.values.get(labelValue) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (!this.label) lines.push(`${this.name} ${this.get()}`);
    else {
      for (const [v, n] of [...this.values].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`${this.name}{${this.label}="${escapeLabel(v)}"} ${n}`);
      }
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
  readonly dbQueries = new Counter('berth_db_queries_total', 'SQL statements sent to the metadata database.');

  private readonly parts: { render(): string }[] = [];

  /** Counts one statement. */
  countQuery = (): void => this.dbQueries.inc();

  /** Adds a subsystem's series to the page. */
  add(part: { render(): string }): void {
    this.parts.push(part);
  }

  render(): string {
    const mem = process.memoryUsage();
    return `${[
      this.dbQueries.render(),
      ...this.parts.map((p) => p.render()),
      gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss),
      gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', mem.heapUsed),
      gauge('nodejs_external_memory_bytes', 'Memory of buffers and other objects outside the V8 heap.', mem.external),
      gauge('process_uptime_seconds', 'Seconds since the process started.', Math.round(process.uptime())),
    ].join('\n')}\n`;
  }
}
