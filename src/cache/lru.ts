/**
 * A small LRU map with an optional time-to-live and a weight budget (e.g. bytes). Map iteration order is
 * insertion order, so re-inserting on read keeps the least recently used entry first.
 */
export interface LruOptions<V> {
  maxEntries: number;
  /** Entries older than this are misses (ms); undefined = no expiry. */
  ttlMs?: number;
  /** Total weight allowed; with `weigh`. */
  maxWeight?: number;
  weigh?: (value: V) => number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  at: number;
  weight: number;
}

export class Lru<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private weight = 0;
  private readonly now: () => number;

  constructor(private readonly options: LruOptions<V>) {
    this.now = options.now ?? Date.now;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (this.options.ttlMs !== undefined && this.now() - e.at > this.options.ttlMs) {
      this.remove(key, e);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: K, value: V): void {
    const weight = this.options.weigh?.(value) ?? 0;
    if (this.options.maxWeight !== undefined && weight > this.options.maxWeight) return;
    const old = this.map.get(key);
    if (old) this.remove(key, old);
    this.map.set(key, { value, at: this.now(), weight });
    this.weight += weight;
    while (
      this.map.size > this.options.maxEntries ||
      (this.options.maxWeight !== undefined && this.weight > this.options.maxWeight)
    ) {
      const [k, e] = this.map.entries().next().value as [K, Entry<V>];
      this.remove(k, e);
    }
  }

  delete(key: K): void {
    const e = this.map.get(key);
    if (e) this.remove(key, e);
  }

  clear(): void {
    this.map.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.map.size;
  }

  private remove(key: K, e: Entry<V>): void {
    this.map.delete(key);
    this.weight -= e.weight;
  }
}
