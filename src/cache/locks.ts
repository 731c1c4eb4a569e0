/**
 * Named mutual exclusion, in this process or (with BERTH_REDIS_URL) across every berth instance sharing
 * the Redis. Two uses: a blob digest, held while its bytes are published or deleted together with its
 * database row (so garbage collection and a re-upload of the same blob never interleave), and a project,
 * held by the one cleanup-policy run allowed at a time.
 *
 * The Redis lock is a lease (SET NX PX with a random token, renewed while the work runs, released only by
 * its holder): an instance that dies loses it after LEASE_MS.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { KeyedMutex } from '../content/keyed-mutex.js';
import { redisClient } from './change-bus.js';

export interface Locks {
  /** Runs `work` holding `key`, waiting as long as another holds it. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Runs `work` holding `key` if nobody holds it now; `{ ran: false }` otherwise. */
  tryRun<T>(key: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  close(): Promise<void>;
}

export class LocalLocks implements Locks {
  private readonly mutex = new KeyedMutex();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(key, work);
  }

  async tryRun<T>(key: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.mutex.held(key)) return { ran: false };
    return { ran: true, value: await this.mutex.run(key, work) };
  }

  async close(): Promise<void> {}
}

const LEASE_MS = 30_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class RedisLocks implements Locks {
  /** In this process first: waiters here queue without polling Redis. */
  private readonly local = new LocalLocks();

  private constructor(private readonly client: RedisClientType) {}

  static async connect(url: string, onError: (err: Error) => void): Promise<RedisLocks> {
    const client = await redisClient(url, onError);
    await client.connect();
    return new RedisLocks(client);
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const token = randomUUID();
      for (let wait = 5; !(await this.acquire(key, token)); wait = Math.min(wait * 2, 200)) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      return this.holding(key, token, work);
    });
  }

  async tryRun<T>(key: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    let acquired = false;
    const result = await this.local.tryRun(key, async () => {
      const token = randomUUID();
      if (!(await this.acquire(key, token))) return undefined;
      acquired = true;
      return this.holding(key, token, work);
    });
    return result.ran && acquired ? { ran: true, value: result.value as T } : { ran: false };
  }

  private async acquire(key: string, token: string): Promise<boolean> {
    return (await this.client.set(`berth:lock:${key}`, token, { NX: true, PX: LEASE_MS })) === 'OK';
  }

  private async holding<T>(key: string, token: string, work: () => Promise<T>): Promise<T> {
    const name = `berth:lock:${key}`;
    const renew = setInterval(() => {
      this.client.eval(RENEW, { keys: [name], arguments: [token, String(LEASE_MS)] }).catch(() => undefined);
    }, LEASE_MS / 3);
    renew.unref();
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await this.client.eval(RELEASE, { keys: [name], arguments: [token] }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => undefined);
  }
}

export async function createLocks(redisUrl: string | undefined, onError: (err: Error) => void): Promise<Locks> {
  return redisUrl ? RedisLocks.connect(redisUrl, onError) : new LocalLocks();
}
