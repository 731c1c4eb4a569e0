/**
 * Tells every berth instance that something changed, so their caches forget it at once instead of
 * waiting for their TTLs: with BERTH_REDIS_URL a Redis pub/sub channel, otherwise only this process.
 * Messages are topics such as `access` (identity, membership, project or rule changes) and `repo:<id>`
 * (a repository's manifests, tags or blob links). A lost message is harmless: the TTLs still bound age.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClientType } from 'redis';
import { ConfigError } from '../config/config.js';

export type ChangeListener = (topic: string) => void;

export interface ChangeBus {
  /** Tells the other instances (not this one: the caller has already applied its change locally). */
  publish(topic: string): void;
  /** Listens to what the other instances publish. */
  subscribe(listener: ChangeListener): void;
  close(): Promise<void>;
}

/** One process only: nothing to tell. */
export class LocalChangeBus implements ChangeBus {
  publish(): void {}
  subscribe(): void {}
  async close(): Promise<void> {}
}

const CHANNEL = 'berth:changes';

/**
 * A Redis client that fails fast before its first connection and keeps reconnecting after it. The client
 * library is loaded here, on first use: importing it costs ~15 MiB of resident memory, which the embedded
 * default (no Redis) should not pay.
 */
export async function redisClient(url: string, onError: (err: Error) => void): Promise<RedisClientType> {
  const { createClient } = await import('redis');
  let ready = false;
  const c = createClient({
    url,
    socket: {
      connectTimeout: 1000,
      reconnectStrategy: (retries: number, cause: Error) => (ready ? Math.min(retries * 100, 3000) : cause),
    },
  }) as RedisClientType;
  c.on('ready', () => {
    ready = true;
  });
  c.on('error', onError);
  return c;
}

export class RedisChangeBus implements ChangeBus {
  private readonly id = randomUUID();
  private readonly listeners: ChangeListener[] = [];

  private constructor(
    private readonly pub: RedisClientType,
    private readonly sub: RedisClientType,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Connects both clients; rejects (within about a second) when Redis cannot be reached. */
  static async connect(url: string, onError: (err: Error) => void): Promise<RedisChangeBus> {
    const [pub, sub] = await Promise.all([redisClient(url, onError), redisClient(url, onError)]);
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisChangeBus(pub, sub, onError);
    await sub.subscribe(CHANNEL, (message) => bus.deliver(message));
    return bus;
  }

  private deliver(message: string): void {
    const sep = message.indexOf(' ');
    if (sep === -1 || message.slice(0, sep) === this.id) return;
    const topic = message.slice(sep + 1);
    for (const listener of this.listeners) listener(topic);
  }

  publish(topic: string): void {
    this.pub.publish(CHANNEL, `${this.id} ${topic}`).catch(this.onError);
  }

  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}

/** The bus for this configuration. */
export async function createChangeBus(redisUrl: string | undefined, onError: (err: Error) => void): Promise<ChangeBus> {
  if (!redisUrl) return new LocalChangeBus();
  try {
    return await RedisChangeBus.connect(redisUrl, onError);
  } catch (err) {
    throw new ConfigError([`BERTH_REDIS_URL: cannot connect to Redis (${(err as Error).message})`]);
  }
}
