/**
 * Coalesced, streamed cache fills. The first request for an uncached blob starts one upstream GET whose
 * bytes are written to a staging file while they are hashed; that request and every concurrent one for the
 * same blob follow the fill as it grows (from the chunks it keeps in memory when they are at its head, from
 * the staging file when they are further behind), so each client receives bytes as they arrive, and
 * upstream is asked once however many clients wait.
 *
 * Nothing unverified is ever complete on a client's side: until the digest is checked, readers are held one
 * byte short of the end; then they finish at once, while the file is made durable and published. A
 * truncated or corrupt upstream body fails the fetch; every reader's connection is then cut (the client
 * sees a failed transfer) and nothing becomes visible in the cache. Only after the digest matches is the
 * staged file moved into content-addressed storage (content/publish.ts, as uploads are) and recorded.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { dirname } from 'node:path/posix';
import type { Writable } from 'node:stream';
import { LocalLocks, type Locks } from '../cache/locks.js';
import { HashPool, type StreamHash } from '../content/hasher.js';
import { blobDataPath } from '../content/paths.js';
import { publishBlob } from '../content/publish.js';
import type { Digest } from '../oci/digest.js';
import { type FileSource, PathNotFoundError, type StorageDriver } from '../storage/driver.js';
import { type FetchCoordinator, type Lease, LocalFetchCoordinator } from './fetch-coordinator.js';
import { type BlobStream, UpstreamError } from './upstream.js';

/** The group id of a fetch another instance leads (its group is not known here). */
export const REMOTE = -1;

export type FetchState = 'starting' | 'running' | 'done' | 'failed';

/** One upstream download in progress (or just finished), shared by every reader of it. */
export class BlobFetch {
  state: FetchState = 'starting';
  /** The blob's length, once upstream said (Content-Length) or the download ended. */
  size?: number;
  /** Bytes written to the staging file so far. */
  written = 0;
  /** The digest matched: readers may have the last byte (the cache entry becomes visible later, when durable). */
  verified = false;
  error?: Error;
  /** Readers that joined this fetch (the first included). */
  readers = 0;
  /** Readers waiting: each until `written` reaches `at`, or any change of state. */
  private readonly waiting = new Set<{ at: number; wake: () => void }>();
  /**
   * The last bytes written, as the chunks upstream sent them: readers at the head of the fill, which is
   * every reader of a herd, take them from here instead of reading the staging file back, so the fill costs
   * one file write and no file reads however many clients follow it. Kept back to the slowest reader still
   * in memory range, never more than {@link RECENT_BYTES}: one reader at the head keeps a chunk or two.
   */
  private recent: Buffer[] = [];
  private recentStart = 0;
  private recentBytes = 0;
  /** Where each reader of this process is (see {@link track}). */
  private readonly positions = new Set<{ pos: number }>();
  private lastState: FetchState = 'starting';

  /** Resolves when the fetch is done or failed. */
  readonly finished: Promise<void>;
  private settle!: () => void;

  constructor(
    readonly digest: Digest,
    /** The group whose request started it (and whose cache it fills); REMOTE when another instance leads. */
    public groupId: number,
    /** Where the bytes are staged (on storage every instance shares); a follower learns it from the leader. */
    public stagingPath: string,
  ) {
    this.finished = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  /**
   * Resolves at the next change of state (or once verified), or, before that, once `written` reaches
   * `untilWritten` (default: at the next progress at all). A reader copying in 1 MiB steps so sleeps
   * through the dozens of small writes in between instead of waking for each.
   */
  changed(untilWritten = 0): Promise<void> {
    return new Promise((wake) => this.waiting.add({ at: untilWritten, wake }));
  }

  /** Records `chunk` as written (it is in the staging file), keeping it among the recent bytes. */
  wrote(chunk: Buffer): void {
    this.written += chunk.length;
    this.recent.push(chunk);
    this.recentBytes += chunk.length;
    let slowest = this.written;
    for (const p of this.positions) if (p.pos >= this.recentStart) slowest = Math.min(slowest, p.pos);
    while (this.recent.length > 0) {
      const first = this.recent[0] as Buffer;
      const needed = this.recentStart + first.length > slowest;
      if (needed && this.recentBytes <= RECENT_BYTES) break;
      this.recent.shift();
      this.recentBytes -= first.length;
      this.recentStart += first.length;
    }
  }

  /** A reader's position, which the fill keeps its recent bytes for; `untrack` it when the reader is done. */
  track(pos: number): { pos: number } {
    const p = { pos };
    this.positions.add(p);
    return p;
  }

  untrack(p: { pos: number }): void {
    this.positions.delete(p);
  }

  /** Bytes [start, end) from memory, when all of them are among the recent ones; undefined otherwise. */
  recentRange(start: number, end: number): Buffer[] | undefined {
    if (start < this.recentStart || end > this.recentStart + this.recentBytes || end <= start) return undefined;
    const out: Buffer[] = [];
    let at = this.recentStart;
    for (const chunk of this.recent) {
      const next = at + chunk.length;
      if (next > start && at < end) out.push(chunk.subarray(Math.max(0, start - at), Math.min(chunk.length, end - at)));
      if (next >= end) break;
      at = next;
    }
    return out;
  }

  /** The fill is over: nobody needs the recent bytes in memory any more. */
  forgetRecent(): void {
    this.recentStart += this.recentBytes;
    this.recent = [];
    this.recentBytes = 0;
  }

  notify(): void {
    if (this.isFinished) this.settle();
    const everyone = this.state !== this.lastState || this.verified;
    this.lastState = this.state;
    for (const w of this.waiting) {
      if (everyone || this.written >= w.at) {
        this.waiting.delete(w);
        w.wake();
      }
    }
  }

  get isFinished(): boolean {
    return this.state === 'done' || this.state === 'failed';
  }
}

export interface FetchHooks {
  /** Opens the upstream body (null: upstream has no such blob). */
  open(): Promise<BlobStream | null>;
  /** Records the verified, durable blob (content store row, the group's link). */
  commit(size: number): Promise<void>;
  /** Bytes that came from upstream (metrics). */
  onBytes?(n: number): void;
}

export class NotFoundUpstream extends Error {}

export class BlobFetcher {
  private readonly inflight = new Map<string, BlobFetch>();

  constructor(
    private readonly driver: StorageDriver,
    private readonly coordinator: FetchCoordinator = new LocalFetchCoordinator(),
    private readonly locks: Locks = new LocalLocks(),
    /** Where fills hash what they download: on worker threads where that pays, as uploads do. */
    private readonly hashes: HashPool = new HashPool(0),
  ) {}

  /** The fetch in progress (not finished) for `digest` in this process, if any; joined when returned. */
  running(digest: Digest): BlobFetch | undefined {
    const fetch = this.peek(digest);
    if (fetch) fetch.readers++;
    return fetch;
  }

  /** The fetch in progress for `digest` in this process, if any, without joining it (a HEAD). */
  peek(digest: Digest): BlobFetch | undefined {
    const fetch = this.inflight.get(digest.value);
    return fetch && !fetch.isFinished ? fetch : undefined;
  }

  /**
   * The fetch in progress for `digest`, joined: in this process, or led by another instance (with Redis);
   * or a new one, led here, started with `hooks`.
   */
  async join(digest: Digest, groupId: number, hooks: FetchHooks): Promise<{ fetch: BlobFetch; leader: boolean }> {
    const running = this.inflight.get(digest.value);
    if (running && !running.isFinished) {
      running.readers++;
      return { fetch: running, leader: false };
    }
    // A staging directory per attempt: a failed attempt's cleanup can never touch the next one's file.
    const fetch = new BlobFetch(digest, groupId, `_proxy/${digest.algorithm}/${digest.hex}/${randomUUID()}/data`);
    fetch.readers = 1;
    this.inflight.set(digest.value, fetch);
    const forget = () => {
      if (this.inflight.get(digest.value) === fetch) this.inflight.delete(digest.value);
    };
    // Redis trouble must not stop pulls: lead locally then (at worst one more upstream GET).
    const lease = await this.coordinator
      .acquire(digest.value, fetch.stagingPath)
      .catch(() => new LocalFetchCoordinator().acquire());
    if (lease) {
      void this.run(fetch, hooks, lease).finally(forget);
      return { fetch, leader: true };
    }
    fetch.groupId = REMOTE;
    await this.follow(fetch).catch((err) => {
      fetch.error = err as Error;
      fetch.state = 'failed';
      fetch.notify();
    });
    void fetch.finished.then(forget);
    return { fetch, leader: false };
  }

  /** Mirrors a fetch another instance leads into `fetch`, from its published progress. */
  private async follow(fetch: BlobFetch): Promise<void> {
    let stop: (() => void) | undefined;
    let stopped = false;
    stop = await this.coordinator.follow(fetch.digest.value, (remote) => {
      if (fetch.isFinished) return;
      if (remote.path) fetch.stagingPath = remote.path;
      if (remote.size !== undefined) fetch.size = remote.size;
      fetch.written = Math.max(fetch.written, remote.written);
      if (remote.state === 'running') fetch.state = 'running';
      else if (remote.state === 'done') {
        fetch.size = remote.written;
        fetch.state = 'done';
      } else if (remote.state === 'failed') {
        fetch.error = new UpstreamError('the instance fetching this blob from upstream failed', 502);
        fetch.state = 'failed';
      }
      fetch.notify();
      if (fetch.isFinished) {
        stopped = true;
        stop?.();
      }
    });
    if (stopped) stop();
  }

  /** Downloads into the staging file, verifies, publishes. Never throws: failures go to the fetch. */
  private async run(fetch: BlobFetch, hooks: FetchHooks, lease: Lease): Promise<void> {
    let writer: Awaited<ReturnType<StorageDriver['writer']>> | undefined;
    let hash: StreamHash | undefined;
    try {
      const upstream = await hooks.open();
      if (!upstream) throw new NotFoundUpstream(`upstream has no blob ${fetch.digest.value}`);
      fetch.size = upstream.size;
      await this.driver.delete(fetch.stagingPath).catch(() => undefined);
      writer = await this.driver.writer(fetch.stagingPath);
      fetch.state = 'running';
      lease.progress(0, fetch.size);
      fetch.notify();
      hash = this.hashes.create(fetch.digest.algorithm);
      const stream = writer.stream;
      let received = 0;
      for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
        hash.update(chunk);
        const hashed = hash.ready();
        if (hashed) await hashed;
        received += chunk.length;
        hooks.onBytes?.(chunk.length);
        if (fetch.size !== undefined && received > fetch.size) {
          throw new UpstreamError(`upstream sent more than the ${fetch.size} bytes it announced`, 502);
        }
        // Readers may read a byte only once it is in the file: progress moves in the write's callback.
        const ok = stream.write(chunk, (err) => {
          if (err) return;
          fetch.wrote(chunk);
          lease.progress(fetch.written, fetch.size);
          fetch.notify();
        });
        if (!ok) await once(stream, 'drain');
      }
      stream.end();
      await once(stream, 'finish');
      if (fetch.size !== undefined && received !== fetch.size) {
        throw new UpstreamError(`upstream sent ${received} of ${fetch.size} bytes`, 502);
      }
      const actual = `${fetch.digest.algorithm}:${await hash.digest()}`;
      if (actual !== fetch.digest.value) {
        throw new UpstreamError(`upstream sent bytes with digest ${actual} for ${fetch.digest.value}`, 502);
      }
      fetch.size = fetch.written;
      fetch.verified = true;
      fetch.notify();
      await writer.commit();
      writer = undefined;
      await publishBlob(this.locks, this.driver, fetch.stagingPath, fetch.digest, fetch.written, () =>
        hooks.commit(fetch.written),
      );
      await this.driver.delete(dirname(fetch.stagingPath)).catch(() => undefined);
      await lease.finish('done', fetch.written, fetch.size);
      fetch.state = 'done';
    } catch (err) {
      // Readers learn first (their clients' transfers are cut now); the cleanup follows.
      fetch.error = err as Error;
      fetch.state = 'failed';
      fetch.notify();
      await lease.finish('failed', fetch.written, fetch.size).catch(() => undefined);
      await writer?.cancel().catch(() => undefined);
      await this.driver.delete(dirname(fetch.stagingPath)).catch(() => undefined);
    } finally {
      hash?.dispose();
      fetch.forgetRecent();
      fetch.notify();
    }
  }

  /**
   * Streams `fetch` into `destination` from `offset` as bytes arrive, the last byte only once verified;
   * resolves when all was written, rejects (having destroyed nothing) when the fetch failed.
   */
  async pipeTo(fetch: BlobFetch, destination: Writable, offset = 0): Promise<void> {
    const reader: Follower = { fetch, destination };
    const at = fetch.track(offset);
    try {
      let pos = offset;
      for (;;) {
        at.pos = pos;
        if (fetch.state === 'failed') throw fetch.error ?? new Error('upstream fetch failed');
        const complete = fetch.state === 'done' || fetch.verified;
        const end = complete ? (fetch.size ?? fetch.written) : heldBack(fetch);
        // While the fill runs, copy in steps of at least STEP bytes (the first bytes at once): with dozens of
        // readers, waking each for every small upstream chunk costs more than the bytes themselves.
        if (pos < end && (complete || pos === offset || end - pos >= STEP)) {
          const inMemory = fetch.recentRange(pos, end);
          pos += inMemory ? await writeAll(destination, inMemory) : await this.copy(reader, pos, end - 1);
          continue;
        }
        if (complete && pos >= end) return;
        await fetch.changed(pos === offset ? pos + 1 : pos + STEP);
      }
    } finally {
      fetch.untrack(at);
      await reader.source?.close().catch(() => undefined);
    }
  }

  /**
   * Copies [start, end] from wherever the bytes are now (staging, or their final place once published).
   * With a driver that can hold a file open (the filesystem), each reader opens it once and sends every
   * step through the same descriptor and buffers, instead of opening, stat-ing and closing the file and
   * allocating two buffers for every step (20 readers × 3 layers did that thousands of times per pull).
   */
  private async copy(reader: Follower, start: number, end: number): Promise<number> {
    const { fetch, destination } = reader;
    if (this.driver.openSource) {
      reader.source ??= await this.whereBytesAre(fetch, (path) => this.driver.openSource!(path));
      await reader.source.send(destination, start, end);
      return end - start + 1;
    }
    return this.whereBytesAre(fetch, (path) => this.send(path, start, end, destination));
  }

  /** `use` on the staging file, or, when it is gone because the fill was published meanwhile, on the blob. */
  private async whereBytesAre<T>(fetch: BlobFetch, use: (path: string) => Promise<T>): Promise<T> {
    try {
      return await use(fetch.stagingPath);
    } catch (err) {
      // Not there: published meanwhile (moved to its content-addressed place), or failed.
      if (!(err instanceof PathNotFoundError)) throw err;
      if (!fetch.isFinished) await fetch.finished;
      if (fetch.state !== 'done') throw fetch.error ?? err;
      return use(blobDataPath(fetch.digest));
    }
  }

  /** Bytes [start, end] of `path` into `destination` (the driver's fast path when it has one). */
  private async send(path: string, start: number, end: number, destination: Writable): Promise<number> {
    if (this.driver.sendTo) {
      await this.driver.sendTo(path, destination, { offset: start, end });
      return end - start + 1;
    }
    let n = 0;
    for await (const chunk of (await this.driver.reader(path, { offset: start, end })) as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (!destination.write(chunk)) await once(destination, 'drain');
    }
    return n;
  }
}

/** One client reading a fetch, and the file it holds open for that (when the driver can). */
interface Follower {
  fetch: BlobFetch;
  destination: Writable;
  source?: FileSource;
}

/**
 * Writes `chunks` to `destination` and resolves (with their length) once it has taken the last one, so a
 * reader holds at most one step of shared chunks in a socket's queue; rejects if the destination closes.
 */
async function writeAll(destination: Writable, chunks: Buffer[]): Promise<number> {
  let n = 0;
  let last: Promise<void> = Promise.resolve();
  for (const chunk of chunks) {
    n += chunk.length;
    last = new Promise<void>((resolve, reject) => destination.write(chunk, (err) => (err ? reject(err) : resolve())));
    last.catch(() => undefined);
  }
  if (destination.destroyed) throw new Error('destination closed before the bytes were sent');
  let onClose: (() => void) | undefined;
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error('destination closed before the bytes were sent'));
    destination.once('close', onClose);
  });
  closed.catch(() => undefined);
  try {
    await Promise.race([last, closed]);
  } finally {
    destination.removeListener('close', onClose as () => void);
  }
  return n;
}

/** Recent bytes of a fill kept in memory for the readers at its head (per fill in progress). */
const RECENT_BYTES = 16 * 1024 * 1024;

/** The least a reader copies at a time while the fill is running. */
const STEP = 1024 * 1024;

/** How far readers may go before the digest is checked: one byte short of the end. */
function heldBack(fetch: BlobFetch): number {
  if (fetch.size === undefined) return Math.max(0, fetch.written - 1);
  return Math.min(fetch.written, fetch.size - 1);
}
