/**
 * buildApp wires berth together without listening: the metadata database, the storage driver, the /v2
 * registry (on Node's raw request/response, ahead of Fastify's router, so bytes stream with no framework
 * in between) and Fastify for /graphql and /healthz. main.ts and the tests are its only callers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { AccessService, type ProxyGroupInfo } from './auth/access.service.js';
import { IdentityService } from './auth/identity.service.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { RegistryTokens } from './auth/registry-token.js';
import { loadSigningKey } from './auth/signing-keys.js';
import { createTokenEndpoint } from './auth/token-endpoint.js';
import { CachingRegistryStore } from './cache/caching-registry-store.js';
import { createChangeBus } from './cache/change-bus.js';
import { createLocks } from './cache/locks.js';
import { CleanupService } from './cleanup/cleanup.service.js';
import { type Config, ConfigError } from './config/config.js';
import { BlobStore } from './content/blob-store.js';
import { HashPool } from './content/hasher.js';
import { UploadService } from './content/upload-service.js';
import { initOrm, type OrmHandle } from './db/orm.js';
import { ProxyStore } from './db/proxy-store.js';
import type { RegistryStore } from './db/registry-store.js';
import { GarbageCollector, GcMetrics, type GcResult } from './gc/collector.js';
import { mountGraphQL } from './graphql/server.js';
import { deleteScheduledRepositories } from './jobs/delete-repositories.js';
import { evictProxyCaches } from './jobs/evict-proxy-caches.js';
import { purgeUploads } from './jobs/purge-uploads.js';
import { createLogger, type Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { BlobFetcher } from './proxy/blob-fetcher.js';
import { createFetchCoordinator } from './proxy/fetch-coordinator.js';
import { ProxyService } from './proxy/proxy.service.js';
import { ProxyMetrics } from './proxy/proxy-metrics.js';
import { SecretBox } from './proxy/secret-box.js';
import { UpstreamRegistry } from './proxy/upstream.js';
import { RegistryGuard } from './registry/authorize.js';
import { createRegistryHandler } from './registry/dispatch.js';
import type { StorageDriver } from './storage/driver.js';
import { createDriver } from './storage/factory.js';
import { FilesystemDriver } from './storage/filesystem/driver.js';
import { nativeSend } from './storage/filesystem/native-send.js';
import { VERSION } from './version.js';

export interface App {
  config: Config;
  server: Server;
  fastify: FastifyInstance;
  db: OrmHandle;
  driver: StorageDriver;
  store: RegistryStore;
  uploads: UploadService;
  access: AccessService;
  tokens: RegistryTokens;
  /** Users, memberships and tokens (a fresh EntityManager per call). */
  identity(): IdentityService;
  /** What the first start did about the `root` user (the generated password, printed once by main.ts). */
  bootstrap: { created: boolean; generated?: string };
  log: Logger;
  metrics: Metrics;
  /** The dependency proxy's cache metadata. */
  proxyStore: ProxyStore;
  /** Encrypts secrets at rest (upstream credentials). */
  secretBox: SecretBox;
  /** Background work, to run now (tests, the CLI). */
  jobs: {
    evictProxyCaches(): Promise<number>;
    /** Reviews what garbage collection has queued and is due (one run at a time in this process). */
    collectGarbage(): Promise<GcResult>;
    garbage: GarbageCollector;
    /** Runs due cleanup policies and continues interrupted runs; the projects it ran. */
    runCleanupPolicies(): Promise<number[]>;
  };
  /** Cleanup (tag expiration) policies. */
  cleanup: CleanupService;
  /** Starts listening; resolves to the base URL (useful with port 0). */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export interface BuildOptions {
  log?: Logger;
  driver?: StorageDriver;
  /** The clock (ms since the epoch) for time-dependent decisions; tests move it instead of sleeping. */
  clock?: () => number;
}

const HOURLY = 60 * 60 * 1000;

/** Calls of the returned function while one is running share that run. */
function singleFlight<T>(work: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  return () => {
    running ??= work().finally(() => {
      running = undefined;
    });
    return running;
  };
}

/** A group's upstream credentials, unsealed; undefined when it has none (or they cannot be opened). */
function proxyCredentials(box: SecretBox, group: ProxyGroupInfo) {
  if (!group.identity || !group.secretSealed) return undefined;
  try {
    return { identity: group.identity, secret: box.open(group.secretSealed) };
  } catch {
    return undefined; // sealed with another key (BERTH_SECRETS_KEY changed): pull anonymously
  }
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  if (config.nativeSend === 'on' && config.storageDriver === 'filesystem' && !options.driver && !nativeSend()) {
    throw new ConfigError([
      'BERTH_NATIVE_SEND=on, but the native addon (native/build/send.node) is not built or cannot load here: run `npm run build:native` (Linux, with a C compiler), or set BERTH_NATIVE_SEND=auto',
    ]);
  }
  // Redis first: an unreachable one stops the start before anything else is opened.
  const bus = await createChangeBus(config.redisUrl, (err) => log.warn({ err }, 'redis change bus'));
  const db = await initOrm(config.database).catch(async (err) => {
    await bus.close();
    throw err;
  });
  const metrics = new Metrics();
  db.em.getKnex().on('query', metrics.countQuery);
  const driver =
    options.driver ??
    createDriver(config.storageDriver, { path: config.storagePath, nativeSend: config.nativeSend !== 'off' });
  if (driver instanceof FilesystemDriver) metrics.add(driver.sends);
  const locks = await createLocks(config.redisUrl, (err) => log.warn({ err }, 'redis locks'));
  const store = new CachingRegistryStore(db.em.getKnex(), db.dialect, {
    clock: options.clock,
    gcReviewDelayMs: config.gcReviewDelayMs,
  });
  const hashPool = new HashPool(config.hashThreads);
  const uploads = new UploadService(driver, store, hashPool, locks);
  store.connect(bus);
  const access = new AccessService(db.em.getKnex(), db.dialect, bus);
  const identity = () => new IdentityService(db.em.fork(), () => access.changed());
  const bootstrap = await identity().bootstrapAdmin(config.adminPassword);
  const signingKey = await loadSigningKey(db.em.fork());
  const secretBox = new SecretBox(
    config.secretsKey ?? (signingKey.privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer),
  );
  const tokens = new RegistryTokens(
    signingKey,
    config.registryIssuer,
    config.registryService,
    config.registryTokenTtlMs,
  );
  const guard = new RegistryGuard({
    tokens,
    access,
    publicUrl: config.publicUrlSet ? config.publicUrl : undefined,
    uploadGraceMs: config.uploadTokenGraceMs,
    uploadOwner: (id) => store.uploads.owner(id),
  });
  const blobs = new BlobStore(driver, store);
  const proxyMetrics = new ProxyMetrics();
  metrics.add(proxyMetrics);
  const proxyStore = new ProxyStore(
    db.em.getKnex(),
    db.dialect,
    () => store.gcReviewAfter(),
    options.clock ?? Date.now,
  );
  const fetchCoordinator = await createFetchCoordinator(config.redisUrl, (err) =>
    log.warn({ err }, 'redis proxy coordination'),
  );
  const upstream = (url: string, main: boolean) =>
    new UpstreamRegistry({
      url,
      onRateLimit: main
        ? (rate) => {
            proxyMetrics.rateLimit = { ...proxyMetrics.rateLimit, ...rate };
          }
        : undefined,
      onRequest: (method, status) => proxyMetrics.upstreamRequests.inc(`${method} ${status ?? 'none'}`),
    });
  access.mirrorGroup = config.mirrorGroup;
  const proxy = new ProxyService({
    upstream: upstream(config.proxyUpstreamUrl, true),
    upstreams: new Map([...config.proxyUpstreams].map(([host, url]) => [host, upstream(url, false)])),
    store: proxyStore,
    registry: store,
    fetcher: new BlobFetcher(driver, fetchCoordinator, locks, hashPool),
    coordinator: fetchCoordinator,
    log,
    metrics: proxyMetrics,
    staleIfErrorMs: config.proxyStaleIfErrorMs,
    credentials: (group) => proxyCredentials(secretBox, group),
    now: options.clock,
  });
  const registry = createRegistryHandler({ guard, store, blobs, uploads, log, proxy });
  const tokenEndpoint = createTokenEndpoint({ tokens, access, identity, throttle: new LoginThrottle(), log });

  const serverFactory = (fastifyHandler: (req: IncomingMessage, res: ServerResponse) => void) => {
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?')) void registry(req, res);
      else if ((url === '/jwt/auth' || url.startsWith('/jwt/auth?')) && (req.method === 'GET' || req.method === 'HEAD'))
        tokenEndpoint(req, res).catch((err) => {
          log.error({ err }, 'token endpoint failed');
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'internal error' }] }));
        });
      else fastifyHandler(req, res);
    });
    server.requestTimeout = 0; // Layer uploads may take longer than Node's 5-minute default.
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 65_000;
    return server;
  };
  const fastify = Fastify({ serverFactory, logger: false });
  fastify.get('/healthz', async () => ({ status: 'ok', version: VERSION }));
  fastify.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  fastify.get('/', async () => ({
    name: 'berth',
    version: VERSION,
    registry: `${config.publicUrl}/v2/`,
    graphql: `${config.publicUrl}/graphql`,
  }));
  const deleting = { running: false, again: false };
  const deleteRepositories = (): void => {
    if (deleting.running) {
      deleting.again = true;
      return;
    }
    deleting.running = true;
    void (async () => {
      do {
        deleting.again = false;
        await deleteScheduledRepositories(store, log).catch((err) => log.error({ err }, 'repository deletion failed'));
      } while (deleting.again);
      deleting.running = false;
    })();
  };
  const cleanup = new CleanupService({ knex: db.em.getKnex(), dialect: db.dialect, store, access, locks, log });
  metrics.add(cleanup.metrics);
  const graphql = mountGraphQL(fastify, {
    db,
    info: { version: VERSION, storageDriver: driver.name },
    access,
    identity,
    store,
    blobs,
    publicUrl: config.publicUrl,
    publicUrlSet: config.publicUrlSet,
    proxy: { store: proxyStore, box: secretBox, rateLimit: () => proxyMetrics.rateLimit },
    cleanup,
    jobs: { deleteRepositories },
  });
  await fastify.ready();

  const purge = () =>
    purgeUploads({ store, uploads, driver, log, maxAgeMs: config.uploadPurgeAgeMs }).catch((err) =>
      log.error({ err }, 'upload purge failed'),
    );
  const clock = options.clock ?? Date.now;
  const evictProxy = () =>
    evictProxyCaches(proxyStore, log, clock()).catch((err) => {
      log.error({ err }, 'dependency proxy eviction failed');
      return 0;
    });
  const gcMetrics = new GcMetrics();
  metrics.add(gcMetrics);
  const collector = new GarbageCollector({
    knex: db.em.getKnex(),
    dialect: db.dialect,
    driver,
    locks,
    store,
    log,
    metrics: gcMetrics,
  });
  const collectGarbage = singleFlight(() =>
    collector.collect().catch((err) => {
      log.error({ err }, 'garbage collection failed');
      return { manifests: 0, blobs: 0, bytes: 0 };
    }),
  );
  const runCleanupPolicies = singleFlight(() =>
    cleanup.runDue().catch((err) => {
      log.error({ err }, 'cleanup policies failed');
      return [] as number[];
    }),
  );
  const gcTimer =
    config.gcIntervalMs > 0
      ? setInterval(() => {
          void runCleanupPolicies().then(() => collectGarbage());
        }, config.gcIntervalMs)
      : undefined;
  gcTimer?.unref();
  const timer = setInterval(() => {
    void purge();
    void evictProxy();
    deleteRepositories();
  }, HOURLY);
  deleteRepositories(); // any a crash interrupted
  timer.unref();

  return {
    config,
    server: fastify.server,
    fastify,
    db,
    driver,
    store,
    uploads,
    access,
    tokens,
    identity,
    bootstrap,
    log,
    metrics,
    proxyStore,
    secretBox,
    cleanup,
    jobs: { evictProxyCaches: evictProxy, collectGarbage, garbage: collector, runCleanupPolicies },
    async listen(port = config.port, host = config.host) {
      await new Promise<void>((resolve, reject) => {
        fastify.server.once('error', reject);
        fastify.server.listen(port, host, () => resolve());
      });
      const { port: bound } = fastify.server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
    },
    async close() {
      clearInterval(timer);
      if (gcTimer) clearInterval(gcTimer);
      fastify.server.closeAllConnections();
      await graphql.stop();
      await fastify.close(); // closes its server too
      const server = fastify.server;
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      await driver.close?.();
      await hashPool.close();
      await bus.close();
      await fetchCoordinator.close();
      await locks.close();
      await db.orm.close();
    },
  };
}
