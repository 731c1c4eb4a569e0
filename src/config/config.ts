/**
 * berth's configuration: environment variables only, validated at start. Every variable is documented in
 * README.md § Configuration; a bad value stops the start with one line per problem.
 */
import { resolve } from 'node:path';
import { DOCKER_HUB_REGISTRY } from '../proxy/upstream.js';
import { DRIVER_NAMES } from '../storage/factory.js';

export type Database = { kind: 'sqlite'; path: string } | { kind: 'postgresql'; url: string };

export interface Config {
  /** BERTH_HOST: interface to listen on. Default 0.0.0.0. */
  host: string;
  /** BERTH_PORT: TCP port. Default 5000. */
  port: number;
  /** BERTH_PUBLIC_URL: the address clients use (pull addresses, Location headers). Default http://localhost:<port>. */
  publicUrl: string;
  /** Whether BERTH_PUBLIC_URL was given (otherwise token realms are built from each request's Host). */
  publicUrlSet: boolean;
  /** BERTH_DATABASE_URL: `sqlite:<file>` (default sqlite:./data/berth.sqlite) or `postgres://…`. */
  database: Database;
  /** BERTH_STORAGE_DRIVER: `filesystem` (default) or `inmemory`. */
  storageDriver: string;
  /** BERTH_STORAGE_PATH: root of the filesystem driver. Default ./data/storage. */
  storagePath: string;
  /** BERTH_NATIVE_SEND: blob downloads through the native send loop (native/send.c): `auto` (default: when built), `on` (required), `off`. */
  nativeSend: 'auto' | 'on' | 'off';
  /** BERTH_REDIS_URL: shared cache and locks for several instances; unset = in-process. */
  redisUrl: string | undefined;
  /** BERTH_LOG_LEVEL: fatal, error, warn, info (default), debug, trace or silent. */
  logLevel: string;
  /** BERTH_UPLOAD_PURGE_AGE: upload sessions idle longer than this are deleted. Default 7d. */
  uploadPurgeAgeMs: number;
  /** BERTH_REGISTRY_TOKEN_TTL: lifetime of the tokens /jwt/auth issues. Default 15m. */
  registryTokenTtlMs: number;
  /** BERTH_UPLOAD_TOKEN_GRACE: how long after its token expired an identity may still finish an upload it opened. Default 1h. */
  uploadTokenGraceMs: number;
  /** BERTH_REGISTRY_ISSUER: the `iss` of registry tokens. Default berth-issuer. */
  registryIssuer: string;
  /** BERTH_REGISTRY_SERVICE: the `service` (and `aud`) of registry tokens. Default container_registry. */
  registryService: string;
  /** BERTH_ADMIN_PASSWORD: password of `root` when the first start creates it; unset = random, printed once. */
  adminPassword: string | undefined;
  /** BERTH_PROXY_UPSTREAM_URL: the registry the dependency proxy caches. Default Docker Hub. */
  proxyUpstreamUrl: string;
  /** BERTH_PROXY_STALE_IF_ERROR: how long after its last confirmation a cached tag may be served while upstream fails. Default 7d. */
  proxyStaleIfErrorMs: number;
  /** BERTH_MIRROR_GROUP: serve names no project owns (`library/alpine`) through this group's dependency proxy. */
  mirrorGroup: string | undefined;
  /** BERTH_PROXY_UPSTREAMS: further upstreams for containerd's `?ns=`, `host=url` pairs. */
  proxyUpstreams: Map<string, string>;
  /** BERTH_SECRETS_KEY: key material (32+ characters) for secrets stored encrypted; unset = derived from the signing key. */
  secretsKey: string | undefined;
  /** BERTH_GC_REVIEW_DELAY: how long what may have become garbage waits before garbage collection reviews it. Default 24h. */
  gcReviewDelayMs: number;
  /** BERTH_GC_INTERVAL: how often garbage collection and due cleanup policies run. Default 1m; 0 = never (run them with the CLI). */
  gcIntervalMs: number;
  /** BERTH_HASH_THREADS: threads that hash uploads; 0 = on the event loop; unset = chosen at start by the CPU's SHA-256 speed. */
  hashThreads?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const get = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const port = parsePort(get('BERTH_PORT') ?? '5000', problems);
  const publicUrl = parseUrl(
    'BERTH_PUBLIC_URL',
    get('BERTH_PUBLIC_URL') ?? `http://localhost:${port}`,
    ['http:', 'https:'],
    problems,
  );
  const database = parseDatabase(get('BERTH_DATABASE_URL') ?? 'sqlite:./data/berth.sqlite', problems);
  const storageDriver = get('BERTH_STORAGE_DRIVER') ?? 'filesystem';
  if (!DRIVER_NAMES.includes(storageDriver)) {
    problems.push(
      `BERTH_STORAGE_DRIVER="${storageDriver}" is not a storage driver; use one of: ${DRIVER_NAMES.join(', ')}`,
    );
  }
  const nativeSend = get('BERTH_NATIVE_SEND') ?? 'auto';
  if (nativeSend !== 'auto' && nativeSend !== 'on' && nativeSend !== 'off')
    problems.push(`BERTH_NATIVE_SEND="${nativeSend}" is not auto, on or off`);
  const redisRaw = get('BERTH_REDIS_URL');
  const redisUrl =
    redisRaw === undefined ? undefined : parseUrl('BERTH_REDIS_URL', redisRaw, ['redis:', 'rediss:'], problems);
  const logLevel = get('BERTH_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`BERTH_LOG_LEVEL="${logLevel}" is not a level; use one of: ${LOG_LEVELS.join(', ')}`);
  }
  const uploadPurgeAgeMs = parseDuration('BERTH_UPLOAD_PURGE_AGE', get('BERTH_UPLOAD_PURGE_AGE') ?? '7d', problems);
  const registryTokenTtlMs = parseDuration(
    'BERTH_REGISTRY_TOKEN_TTL',
    get('BERTH_REGISTRY_TOKEN_TTL') ?? '15m',
    problems,
  );
  if (registryTokenTtlMs > 0 && (registryTokenTtlMs < 60_000 || registryTokenTtlMs > 86_400_000)) {
    problems.push('BERTH_REGISTRY_TOKEN_TTL must be between 1m and 24h');
  }
  const uploadTokenGraceMs = parseDuration(
    'BERTH_UPLOAD_TOKEN_GRACE',
    get('BERTH_UPLOAD_TOKEN_GRACE') ?? '1h',
    problems,
  );
  if (uploadTokenGraceMs > 86_400_000) problems.push('BERTH_UPLOAD_TOKEN_GRACE must be at most 24h');
  const adminPassword = env.BERTH_ADMIN_PASSWORD === '' ? undefined : env.BERTH_ADMIN_PASSWORD;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    problems.push('BERTH_ADMIN_PASSWORD must be at least 8 characters long');
  }
  const proxyUpstreamUrl = parseUrl(
    'BERTH_PROXY_UPSTREAM_URL',
    get('BERTH_PROXY_UPSTREAM_URL') ?? DOCKER_HUB_REGISTRY,
    ['http:', 'https:'],
    problems,
  );
  const proxyStaleIfErrorMs = parseDuration(
    'BERTH_PROXY_STALE_IF_ERROR',
    get('BERTH_PROXY_STALE_IF_ERROR') ?? '7d',
    problems,
  );
  const gcReviewDelayMs = parseDuration('BERTH_GC_REVIEW_DELAY', get('BERTH_GC_REVIEW_DELAY') ?? '24h', problems);
  const gcIntervalMs = parseDuration('BERTH_GC_INTERVAL', get('BERTH_GC_INTERVAL') ?? '1m', problems);
  if (gcIntervalMs > 0 && gcIntervalMs < 1000) problems.push('BERTH_GC_INTERVAL must be 0 (off) or at least 1s');
  const hashThreadsRaw = get('BERTH_HASH_THREADS');
  const hashThreads = hashThreadsRaw === undefined ? undefined : Number(hashThreadsRaw);
  if (hashThreads !== undefined && !(Number.isInteger(hashThreads) && hashThreads >= 0 && hashThreads <= 16)) {
    problems.push(
      `BERTH_HASH_THREADS="${hashThreadsRaw}" must be a whole number from 0 (hash on the event loop) to 16`,
    );
  }
  const proxyUpstreams = new Map<string, string>();
  for (const pair of (get('BERTH_PROXY_UPSTREAMS') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    const host = pair.slice(0, eq).trim();
    const url = pair.slice(eq + 1).trim();
    if (eq <= 0 || !/^[a-z0-9.-]+(:\d+)?$/i.test(host)) {
      problems.push(`BERTH_PROXY_UPSTREAMS: "${pair}" is not host=url (e.g. ghcr.io=https://ghcr.io)`);
      continue;
    }
    proxyUpstreams.set(host, parseUrl('BERTH_PROXY_UPSTREAMS', url, ['http:', 'https:'], problems).replace(/\/+$/, ''));
  }
  const secretsKey = get('BERTH_SECRETS_KEY');
  if (secretsKey !== undefined && secretsKey.length < 32)
    problems.push('BERTH_SECRETS_KEY must be at least 32 characters long');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: get('BERTH_HOST') ?? '0.0.0.0',
    port,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    publicUrlSet: get('BERTH_PUBLIC_URL') !== undefined,
    database,
    storageDriver,
    storagePath: resolve(get('BERTH_STORAGE_PATH') ?? './data/storage'),
    nativeSend: nativeSend as Config['nativeSend'],
    redisUrl,
    logLevel,
    uploadPurgeAgeMs,
    registryTokenTtlMs,
    uploadTokenGraceMs,
    registryIssuer: get('BERTH_REGISTRY_ISSUER') ?? 'berth-issuer',
    registryService: get('BERTH_REGISTRY_SERVICE') ?? 'container_registry',
    adminPassword,
    proxyUpstreamUrl: proxyUpstreamUrl.replace(/\/+$/, ''),
    proxyStaleIfErrorMs,
    gcReviewDelayMs,
    gcIntervalMs,
    hashThreads,
    mirrorGroup: get('BERTH_MIRROR_GROUP'),
    proxyUpstreams,
    secretsKey,
  };
}

function parsePort(raw: string, problems: string[]): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 0 || n > 65535) {
    problems.push(`BERTH_PORT="${raw}" is not a TCP port (an integer from 0 to 65535)`);
    return 0;
  }
  return n;
}

function parseUrl(name: string, raw: string, protocols: string[], problems: string[]): string {
  try {
    const url = new URL(raw);
    if (!protocols.includes(url.protocol)) {
      problems.push(`${name}="${redact(raw)}" must use ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
  } catch {
    problems.push(`${name}="${redact(raw)}" is not a URL`);
  }
  return raw;
}

function parseDatabase(raw: string, problems: string[]): Database {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') problems.push('BERTH_DATABASE_URL="sqlite:" needs a file path, e.g. sqlite:./data/berth.sqlite');
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    try {
      const url = new URL(raw);
      if (url.pathname.length <= 1) problems.push(`BERTH_DATABASE_URL="${redact(raw)}" names no database`);
    } catch {
      problems.push(`BERTH_DATABASE_URL="${redact(raw)}" is not a valid PostgreSQL URL`);
    }
    return { kind: 'postgresql', url: raw };
  }
  problems.push(`BERTH_DATABASE_URL="${redact(raw)}" must start with sqlite: or postgres://`);
  return { kind: 'sqlite', path: '' };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "30s", "15m", "24h", "7d". */
export function parseDuration(name: string, raw: string, problems: string[]): number {
  if (raw === '0') return 0;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(raw);
  if (!m) {
    problems.push(`${name}="${raw}" is not a duration; write a number and a unit: ms, s, m, h or d (e.g. 15m, 7d)`);
    return 0;
  }
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

/** Hides a password in a URL so it can be printed. */
export function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
