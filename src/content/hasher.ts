/**
 * Incremental hashes for uploads, computed where they are cheapest on this machine.
 *
 * On a CPU without SHA instructions SHA-256 costs ~2.7 s per GiB, so it runs on worker threads
 * ({@link ./hash-worker.ts}) and overlaps with receiving and writing instead of taking turns with them on the
 * event loop. On a CPU with them (~0.55 s per GiB) the round trips to a worker cost more than the hashing:
 * each 256 KiB batch wakes the worker and then the event loop, and on an otherwise idle VM those wake-ups
 * made a 30 MiB layer's PATCH ~20 % slower (skopeo pushes of 3×30 MiB: 0.53 s on a worker, 0.48 s inline).
 * {@link HashPool} measures which it is at start (hashing 4 MiB once) unless BERTH_HASH_THREADS says.
 *
 * Bytes are copied into 256 KiB batches whose buffers are transferred (not copied again) to the worker, which
 * transfers each back once hashed, for the next batch: a hash owns at most a handful of buffers.
 * Each hash lets at most {@link MAX_IN_FLIGHT} bytes wait for the worker, and all hashes on one thread at
 * most {@link THREAD_IN_FLIGHT}; {@link RemoteHash.ready} is the backpressure signal for the stream that
 * feeds it, so a slow hasher slows the upload instead of growing memory. The per-hash allowance is 8 MiB,
 * not less, because of chunked uploads: between two PATCHes (response, the client's next request, the
 * session lookup) nothing arrives, and a hash that was held 1 MiB behind its upload had only ~3 ms of work
 * left for that gap, so the thread sat idle at every PATCH boundary (1 GiB in 8 MiB PATCHes took 5.3–6.0 s
 * on a 2-core VM without SHA instructions, 4.5–4.7 s with 8 MiB; monolithic uploads have no such gaps).
 * The thread's budget keeps many concurrent uploads from holding 8 MiB each.
 * A hash lives as long as its owner keeps it (a chunked upload keeps one between PATCHes).
 */
import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DigestAlgorithm } from '../oci/digest.js';

const BATCH = 256 << 10;
/** The first batches are small, so a small blob does not cost a full batch buffer. */
const FIRST_BATCH = 64 << 10;
const MAX_IN_FLIGHT = 8 << 20;
const THREAD_IN_FLIGHT = 16 << 20;
/** Batch buffers a hash keeps for reuse once the worker hands them back. */
const SPARE_BATCHES = 4;

export type HashRequest =
  | { op: 'open'; id: number; algorithm: DigestAlgorithm }
  | { op: 'update'; id: number; data: ArrayBuffer; length: number }
  | { op: 'digest'; id: number; call: number }
  | { op: 'close'; id: number };

export type HashReply =
  | { op: 'ack'; id: number; bytes: number; data: ArrayBuffer }
  | { op: 'digest'; id: number; call: number; hex: string }
  | { op: 'error'; id: number; message: string };

class HashThread {
  private readonly worker: Worker;
  readonly hashes = new Map<number, RemoteHash>();
  /** Bytes sent to the worker and not yet acknowledged, over all its hashes (disposed ones included). */
  inFlight = 0;
  private failure?: Error;

  constructor() {
    this.worker = new Worker(new URL('./hash-worker.js', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (m: HashReply) => {
      if (m.op === 'ack') this.inFlight -= m.bytes;
      this.hashes.get(m.id)?.onReply(m);
      // The thread's budget is shared: an ack for one hash may let another one go on.
      if (m.op === 'ack' && this.inFlight <= THREAD_IN_FLIGHT) for (const hash of this.hashes.values()) hash.wake();
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const hash of this.hashes.values()) hash.onFailure(err);
      this.hashes.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the hashing thread exited (${code})`)));
  }

  get broken(): Error | undefined {
    return this.failure;
  }

  send(message: HashRequest, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** An incremental hash fed by a stream: on a worker thread ({@link RemoteHash}) or inline ({@link InlineHash}). */
export interface StreamHash {
  /** Bytes fed so far. */
  readonly bytes: number;
  /** Feeds bytes; the caller may reuse `chunk` once this returns. Await {@link ready} before feeding more. */
  update(chunk: Uint8Array): void;
  /** Resolves when more bytes may be fed (undefined: at once). */
  ready(): Promise<void> | undefined;
  /** The hex digest of everything fed so far; the hash stays usable. */
  digest(): Promise<string>;
  /** Frees the hash. Idempotent. */
  dispose(): void;
}

/** Hashing on the event loop itself, for CPUs that hash faster than a worker round trip pays off. */
export class InlineHash implements StreamHash {
  bytes = 0;
  private hash: Hash | undefined;

  constructor(algorithm: DigestAlgorithm) {
    this.hash = createHash(algorithm);
  }

  update(chunk: Uint8Array): void {
    if (!this.hash) throw new Error('hash already disposed');
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  ready(): undefined {
    return undefined;
  }

  async digest(): Promise<string> {
    if (!this.hash) throw new Error('hash already disposed');
    return this.hash.copy().digest('hex');
  }

  dispose(): void {
    this.hash = undefined;
  }
}

/** SHA-256 throughput (bytes per second) at or above which hashing stays on the event loop. */
const INLINE_ABOVE = 1 << 30;

/**
 * How many hashing threads suit this CPU: 0 (hash inline) when it hashes SHA-256 at 1 GiB/s or more
 * (SHA instructions), otherwise one per spare core, 1 to 4. Measured once, on 4 MiB (~2 ms or ~10 ms).
 */
export function defaultHashThreads(): number {
  measuredThreads ??= measureHashThreads();
  return measuredThreads;
}

/** The CPU does not change while the process runs: measured once, however many pools are built. */
let measuredThreads: number | undefined;

function measureHashThreads(): number {
  const data = Buffer.alloc(4 << 20, 0x5a);
  // A first, untimed run: the timed one then measures hashing, not first-call set-up.
  createHash('sha256')
    .update(data.subarray(0, 256 << 10))
    .digest();
  const t0 = process.hrtime.bigint();
  createHash('sha256').update(data).digest();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (data.length / seconds >= INLINE_ABOVE) return 0;
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/**
 * Where hashes run: `size` worker threads (each hash stays on one), or, with size 0, inline on the event loop.
 */
export class HashPool {
  private readonly threads: HashThread[] = [];
  private nextId = 1;
  private closed = false;
  readonly size: number;

  constructor(size?: number) {
    this.size = size ?? defaultHashThreads();
  }

  create(algorithm: DigestAlgorithm = 'sha256'): StreamHash {
    if (this.closed) throw new Error('the hash pool is closed');
    if (this.size === 0) return new InlineHash(algorithm);
    const id = this.nextId++;
    const thread = this.thread(id);
    const hash = new RemoteHash(thread, id);
    thread.hashes.set(id, hash);
    thread.send({ op: 'open', id, algorithm });
    return hash;
  }

  private thread(id: number): HashThread {
    const slot = id % this.size;
    let thread = this.threads[slot];
    if (!thread || thread.broken) {
      thread = new HashThread();
      this.threads[slot] = thread;
    }
    return thread;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

export class RemoteHash implements StreamHash {
  /** Bytes fed so far. */
  bytes = 0;
  private batch?: Buffer;
  private filled = 0;
  /** Full-size batch buffers the worker gave back, ready for reuse. */
  private spare: ArrayBuffer[] = [];
  private inFlight = 0;
  private failure?: Error;
  private drained: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readonly calls = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>();
  private nextCall = 1;
  private disposed = false;

  constructor(
    private readonly thread: HashThread,
    private readonly id: number,
  ) {}

  /** Feeds bytes (copied; the caller may reuse `chunk`). Await {@link ready} before feeding more. */
  update(chunk: Uint8Array): void {
    this.check();
    this.bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      this.batch ??= this.nextBatch(this.bytes - chunk.length + offset < BATCH ? FIRST_BATCH : BATCH);
      const n = Math.min(chunk.length - offset, this.batch.length - this.filled);
      this.batch.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.batch.length) this.flush();
    }
  }

  /** Resolves when the worker has caught up enough to take more bytes. */
  ready(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.mayFeed()) return undefined;
    return new Promise((resolve, reject) => this.drained.push({ resolve, reject }));
  }

  private mayFeed(): boolean {
    return this.inFlight <= MAX_IN_FLIGHT && this.thread.inFlight <= THREAD_IN_FLIGHT;
  }

  /** Lets waiting feeders go on if both this hash and its thread are within their allowance. */
  wake(): void {
    if (this.drained.length > 0 && this.mayFeed()) for (const w of this.drained.splice(0)) w.resolve();
  }

  /** The hex digest of everything fed so far; the hash stays usable. */
  digest(): Promise<string> {
    this.check();
    this.flush();
    const call = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(call, { resolve, reject });
      this.thread.send({ op: 'digest', id: this.id, call });
    });
  }

  /** Frees the worker's state. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.batch = undefined;
    this.spare = [];
    this.thread.hashes.delete(this.id);
    if (!this.failure) this.thread.send({ op: 'close', id: this.id });
  }

  onReply(m: HashReply): void {
    if (m.op === 'ack') {
      this.inFlight -= m.bytes;
      if (!this.disposed && m.data.byteLength === BATCH && this.spare.length < SPARE_BATCHES) this.spare.push(m.data);
    } else if (m.op === 'digest') {
      this.calls.get(m.call)?.resolve(m.hex);
      this.calls.delete(m.call);
    } else {
      this.onFailure(new Error(`hashing failed: ${m.message}`));
    }
  }

  onFailure(err: Error): void {
    this.failure ??= err;
    for (const w of this.drained.splice(0)) w.reject(err);
    for (const c of this.calls.values()) c.reject(err);
    this.calls.clear();
  }

  private nextBatch(size: number): Buffer {
    const spare = size === BATCH ? this.spare.pop() : undefined;
    return spare ? Buffer.from(spare) : Buffer.allocUnsafeSlow(size);
  }

  private flush(): void {
    if (!this.batch || this.filled === 0) return;
    const data = this.batch.buffer as ArrayBuffer;
    const length = this.filled;
    this.batch = undefined;
    this.filled = 0;
    this.inFlight += length;
    this.thread.inFlight += length;
    this.thread.send({ op: 'update', id: this.id, data, length }, [data]);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.disposed) throw new Error('hash already disposed');
  }
}
