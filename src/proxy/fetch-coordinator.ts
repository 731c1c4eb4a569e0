/**
 * Which instance fetches a blob from upstream, when several berth instances share the database, storage
 * and Redis: the first to take the blob's lease (`SET NX PX`, renewed while it downloads) fetches; the
 * others follow it, reading the same staging file on the shared storage as it grows, told how far it got
 * by a pub/sub channel (and a state key, for whoever subscribes late). So N concurrent requests spread over
 * any number of instances still cause one upstream GET, and every client streams as bytes arrive.
 *
 * Without Redis there is one process, and BlobFetcher's in-process map is all the coordination needed.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { redisClient } from '../cache/change-bus.js';

export interface RemoteState {
  state: 'starting' | 'running' | 'done' | 'failed';
  written: number;
  size?: number;
  /** The staging file's path on the shared storage. */
  path?: string;
}

/** The right to fetch one blob; report progress through it. */
export interface Lease {
  progress(written: number, size: number | undefined): void;
  /** Ends the lease; `path` may carry a result for followers (a manifest's digest). */
  finish(state: 'done' | 'failed', written: number, size: number | undefined, path?: string): Promise<void>;
}

export interface FetchCoordinator {
  /** The lease for `digest`, or undefined when another instance holds it (follow that one). */
  acquire(digest: string, path: string): Promise<Lease | undefined>;
  /** Follows a fetch another instance leads; `update` gets every state; returns the unsubscribe. */
  follow(digest: string, update: (state: RemoteState) => void): Promise<() => void>;
  /** Whether other instances may hold leases (Redis), or this process is alone. */
  isShared(): Promise<boolean>;
  close(): Promise<void>;
}

/** One process: every fetch is led here. */
export class LocalFetchCoordinator implements FetchCoordinator {
  async acquire(): Promise<Lease> {
    return { progress: () => undefined, finish: async () => undefined };
  }

  async follow(): Promise<() => void> {
    throw new Error('no other instance to follow without Redis');
  }

  async isShared(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {}
}

const LEASE_MS = 30_000;
const STATE_MS = 120_000;
const PUBLISH_EVERY_MS = 20;
const CHANNEL = 'berth:proxy:progress';

export class RedisFetchCoordinator implements FetchCoordinator {
  private readonly id = randomUUID();
  private readonly followers = new Map<string, Set<(s: RemoteState) => void>>();

  private constructor(
    private readonly pub: RedisClientType,
    private readonly sub: RedisClientType,
    private readonly onError: (err: Error) => void,
  ) {}

  static async connect(url: string, onError: (err: Error) => void): Promise<RedisFetchCoordinator> {
    const [pub, sub] = await Promise.all([redisClient(url, onError), redisClient(url, onError)]);
    await Promise.all([pub.connect(), sub.connect()]);
    const coordinator = new RedisFetchCoordinator(pub, sub, onError);
    await sub.subscribe(CHANNEL, (message) => coordinator.deliver(message));
    return coordinator;
  }

  private deliver(message: string): void {
    const sep = message.indexOf(' ');
    const listeners = this.followers.get(message.slice(0, sep));
    if (!listeners) return;
    const state = JSON.parse(message.slice(sep + 1)) as RemoteState;
    for (const l of listeners) l(state);
  }

  async acquire(digest: string, path: string): Promise<Lease | undefined> {
    const key = `berth:proxy:lease:${digest}`;
    const got = await this.pub.set(key, this.id, { NX: true, PX: LEASE_MS });
    if (got !== 'OK') return undefined;
    const stateKey = `berth:proxy:state:${digest}`;
    const renew = setInterval(() => {
      this.pub.pExpire(key, LEASE_MS).catch(this.onError);
    }, LEASE_MS / 3);
    renew.unref();
    let last = 0;
    let pending: RemoteState | undefined;
    let timer: NodeJS.Timeout | undefined;
    const send = (state: RemoteState) => {
      last = Date.now();
      const json = JSON.stringify(state);
      this.pub.set(stateKey, json, { PX: STATE_MS }).catch(this.onError);
      this.pub.publish(CHANNEL, `${digest} ${json}`).catch(this.onError);
    };
    send({ state: 'starting', written: 0, path });
    return {
      progress: (written, size) => {
        pending = { state: 'running', written, size, path };
        if (timer) return;
        const wait = Math.max(0, PUBLISH_EVERY_MS - (Date.now() - last));
        timer = setTimeout(() => {
          timer = undefined;
          if (pending) send(pending);
          pending = undefined;
        }, wait);
      },
      finish: async (state, written, size, result) => {
        clearInterval(renew);
        if (timer) clearTimeout(timer);
        timer = undefined;
        pending = undefined;
        const json = JSON.stringify({ state, written, size, path: result ?? path });
        await this.pub.set(stateKey, json, { PX: STATE_MS }).catch(this.onError);
        await this.pub.publish(CHANNEL, `${digest} ${json}`).catch(this.onError);
        await this.pub.del(key).catch(this.onError);
      },
    };
  }

  async follow(digest: string, update: (s: RemoteState) => void): Promise<() => void> {
    const set = this.followers.get(digest) ?? new Set();
    set.add(update);
    this.followers.set(digest, set);
    const stop = () => {
      set.delete(update);
      if (set.size === 0) this.followers.delete(digest);
    };
    // Whatever was published before we listened: the state key has the latest.
    const now = await this.pub.get(`berth:proxy:state:${digest}`);
    if (now) update(JSON.parse(now) as RemoteState);
    // A leader that died leaves its lease to expire: then nobody will finish this fetch.
    const watchdog = setInterval(() => {
      void this.pub.exists(`berth:proxy:lease:${digest}`).then(async (alive) => {
        if (alive) return;
        const last = await this.pub.get(`berth:proxy:state:${digest}`);
        const state = last ? (JSON.parse(last) as RemoteState) : undefined;
        if (!state || state.state === 'running' || state.state === 'starting')
          update({ state: 'failed', written: state?.written ?? 0 });
        else update(state);
      }, this.onError);
    }, 250);
    watchdog.unref();
    return () => {
      clearInterval(watchdog);
      stop();
    };
  }

  async isShared(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}

export async function createFetchCoordinator(
  redisUrl: string | undefined,
  onError: (err: Error) => void,
): Promise<FetchCoordinator> {
  return redisUrl ? RedisFetchCoordinator.connect(redisUrl, onError) : new LocalFetchCoordinator();
}
