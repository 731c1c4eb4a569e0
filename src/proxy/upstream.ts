/**
 * The upstream registry (Docker Hub by default), spoken with got: the Bearer token flow of the distribution
 * token spec (anonymous, or Basic with a group's Docker Hub credentials; tokens cached per credential and
 * scope until they expire), connect/response/idle timeouts, bounded retries of idempotent requests, and
 * redirects (Docker Hub sends blobs to a CDN) followed without ever forwarding `Authorization`.
 *
 * Docker Hub's `ratelimit-limit` / `ratelimit-remaining` headers are reported to `onRateLimit` from every
 * manifest answer, HEAD or GET.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Got, Response } from 'got';
import { VERSION } from '../version.js';

/** Docker Hub's registry; its token endpoint (auth.docker.io) is learned from the registry's challenge. */
export const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';
export const DOCKER_HUB_AUTH = 'https://auth.docker.io/token';

/** What berth asks upstream for: every manifest type it can store and serve (so nothing is converted). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface UpstreamCredentials {
  identity: string;
  secret: string;
}

export interface RateLimit {
  limit?: number;
  remaining?: number;
}

/** Upstream answered with a status berth cannot use (404 is not an error: it is a definite "no"). */
export class UpstreamError extends Error {
  constructor(
    message: string,
    /** The upstream status, or undefined when no answer came (refused, reset, timeout). */
    readonly status?: number,
    /** Seconds upstream asked to wait (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** Whether this is an outage (no answer, 5xx, 429), when a cached copy may be served instead. */
  get outage(): boolean {
    return this.status === undefined || this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

export interface ManifestHead {
  digest?: string;
  contentType?: string;
  size?: number;
}

export interface ManifestBody {
  digest: string;
  contentType: string;
  body: Buffer;
}

export interface BlobStream {
  /** From Content-Length, when upstream sent one. */
  size?: number;
  body: Readable;
}

export interface UpstreamOptions {
  url: string;
  connectTimeoutMs?: number;
  /** Time to the response's headers. */
  responseTimeoutMs?: number;
  /** Longest silence while a body streams. */
  idleTimeoutMs?: number;
  retries?: number;
  onRateLimit?: (rate: RateLimit) => void;
  /** Every request sent upstream, after it answered (metrics, tests). */
  onRequest?: (method: string, status: number | undefined) => void;
}

interface Challenge {
  realm: string;
  service?: string;
}

function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^bearer /i.test(value)) return undefined;
  const params: Record<string, string> = {};
  for (const m of value.slice(7).matchAll(/(\w+)="([^"]*)"/g)) params[(m[1] as string).toLowerCase()] = m[2] as string;
  return params.realm ? { realm: params.realm, service: params.service } : undefined;
}

function firstNumber(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : undefined;
}

export class UpstreamRegistry {
  readonly url: string;
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  /** The upstream's token challenge, learned from its first 401: later scopes get a token before asking. */
  private challenge?: Challenge;

  constructor(private readonly options: UpstreamOptions) {
    this.url = options.url.replace(/\/+$/, '');
  }

  private httpClient?: Promise<Got>;

  /**
   * got, loaded on first use: importing it costs ~22 MiB of resident memory, which an instance whose
   * dependency proxy nobody uses should not pay.
   */
  private http(): Promise<Got> {
    this.httpClient ??= import('got').then(({ default: got }) =>
      got.extend({
        throwHttpErrors: false,
        decompress: false,
        followRedirect: true,
        headers: { 'user-agent': `berth/${VERSION} (dependency proxy)` },
        timeout: {
          connect: this.options.connectTimeoutMs ?? 5_000,
          response: this.options.responseTimeoutMs ?? 30_000,
          socket: this.options.idleTimeoutMs ?? 60_000,
        },
        retry: {
          limit: this.options.retries ?? 2,
          methods: ['GET', 'HEAD'],
          statusCodes: [500, 502, 503, 504, 521, 522, 524],
          calculateDelay: ({ attemptCount, computedValue }) => (computedValue === 0 ? 0 : 100 * 2 ** attemptCount),
        },
        hooks: {
          // Never hand a registry token to whatever a redirect points at (a CDN, a presigned URL).
          beforeRedirect: [(opts) => void delete opts.headers.authorization],
        },
      }),
    );
    return this.httpClient;
  }

  /** `HEAD /v2/<image>/manifests/<reference>`: free on Docker Hub. */
  async headManifest(image: string, reference: string, creds?: UpstreamCredentials): Promise<ManifestHead | null> {
    const res = await this.manifestRequest('HEAD', image, reference, creds);
    if (res.statusCode === 404) return null;
    this.expectOk(res, `HEAD ${image}:${reference}`);
    return {
      digest: res.headers['docker-content-digest'] as string | undefined,
      contentType: res.headers['content-type'],
      size: firstNumber(res.headers['content-length']),
    };
  }

  /** `GET /v2/<image>/manifests/<reference>`, verified: the digest upstream names must be the body's. */
  async getManifest(image: string, reference: string, creds?: UpstreamCredentials): Promise<ManifestBody | null> {
    const res = await this.manifestRequest('GET', image, reference, creds);
    if (res.statusCode === 404) return null;
    this.expectOk(res, `GET ${image}:${reference}`);
    const body = res.rawBody;
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const claimed = res.headers['docker-content-digest'] as string | undefined;
    if (claimed && claimed !== digest) {
      throw new UpstreamError(
        `upstream manifest ${image}:${reference} is ${digest}, not the ${claimed} it claims`,
        502,
      );
    }
    if (reference.includes(':') && reference !== digest) {
      throw new UpstreamError(`upstream manifest ${image}@${reference} has digest ${digest}`, 502);
    }
    const contentType = res.headers['content-type'];
    if (!contentType) throw new UpstreamError(`upstream manifest ${image}:${reference} has no Content-Type`, 502);
    return { digest, contentType: contentType.split(';')[0]?.trim() as string, body };
  }

  /**
   * `HEAD /v2/<image>/blobs/<digest>` (no bytes, and not a pull on Docker Hub): the blob's size when
   * upstream says, or null when it has no such blob.
   */
  async statBlob(image: string, digest: string, creds?: UpstreamCredentials): Promise<{ size?: number } | null> {
    const scope = `repository:${image}:pull`;
    const url = `${this.url}/v2/${image}/blobs/${digest}`;
    const send = async (token?: string) => {
      const res = await (await this.http())(url, {
        method: 'HEAD',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }).catch((err: Error) => {
        this.options.onRequest?.('HEAD', undefined);
        throw new UpstreamError(`HEAD blob ${image}@${digest}: ${err.message}`);
      });
      this.options.onRequest?.('HEAD', res.statusCode);
      return res;
    };
    let res = await send(await this.tokenFor(scope, creds));
    if (res.statusCode === 401) res = await send(await this.token(res, scope, creds));
    if (res.statusCode === 404) return null;
    this.expectOk(res, `HEAD blob ${image}@${digest}`);
    const length = Number(res.headers['content-length']);
    return Number.isSafeInteger(length) && length >= 0 ? { size: length } : {};
  }

  /** Opens `GET /v2/<image>/blobs/<digest>`; null when upstream has no such blob. The caller verifies. */
  async openBlob(image: string, digest: string, creds?: UpstreamCredentials): Promise<BlobStream | null> {
    const scope = `repository:${image}:pull`;
    const url = `${this.url}/v2/${image}/blobs/${digest}`;
    const open = async (token?: string) => {
      const stream = (await this.http()).stream(url, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        retry: { limit: 0 },
      });
      const res = await new Promise<Response>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      }).catch((err: Error) => {
        this.options.onRequest?.('GET', undefined);
        throw new UpstreamError(`GET blob ${image}@${digest}: ${err.message}`);
      });
      this.options.onRequest?.('GET', res.statusCode);
      return { stream, res };
    };
    let attempt = 0;
    for (;;) {
      let { stream, res } = await open(await this.tokenFor(scope, creds));
      if (res.statusCode === 401) {
        stream.destroy();
        const token = await this.token(res, scope, creds);
        ({ stream, res } = await open(token));
      }
      if (res.statusCode === 200) return { size: firstNumber(res.headers['content-length']), body: stream };
      stream.destroy();
      if (res.statusCode === 404) return null;
      if (res.statusCode >= 500 && attempt < (this.options.retries ?? 2)) {
        attempt++;
        continue;
      }
      throw new UpstreamError(
        `GET blob ${image}@${digest}: upstream answered ${res.statusCode}`,
        res.statusCode,
        firstNumber(res.headers['retry-after']),
      );
    }
  }

  private async manifestRequest(
    method: 'GET' | 'HEAD',
    image: string,
    reference: string,
    creds: UpstreamCredentials | undefined,
  ): Promise<Response<Buffer>> {
    const scope = `repository:${image}:pull`;
    const url = `${this.url}/v2/${image}/manifests/${reference}`;
    const send = async (token?: string) => {
      const res = await (await this.http())(url, {
        method,
        responseType: 'buffer',
        headers: { accept: MANIFEST_ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }).catch((err: Error) => {
        this.options.onRequest?.(method, undefined);
        throw new UpstreamError(`${method} ${image}:${reference}: ${err.message}`);
      });
      this.options.onRequest?.(method, res.statusCode);
      const limit = firstNumber(res.headers['ratelimit-limit']);
      const remaining = firstNumber(res.headers['ratelimit-remaining']);
      if (limit !== undefined || remaining !== undefined) this.options.onRateLimit?.({ limit, remaining });
      return res;
    };
    let res = await send(await this.tokenFor(scope, creds));
    if (res.statusCode === 401) res = await send(await this.token(res, scope, creds));
    return res;
  }

  private expectOk(res: Response, what: string): void {
    if (res.statusCode === 200) return;
    throw new UpstreamError(
      `${what}: upstream answered ${res.statusCode}`,
      res.statusCode,
      firstNumber(res.headers['retry-after']),
    );
  }

  private key(scope: string, creds?: UpstreamCredentials): string {
    return `${creds ? `${creds.identity}:${createHash('sha256').update(creds.secret).digest('hex')}` : ''} ${scope}`;
  }

  /**
   * A token for `scope`: the cached one, or, once the upstream's challenge is known, a fresh one, so a
   * request is not first sent without a token only to be refused (a wasted round trip, and on Docker Hub
   * a request that counts against the abuse limit).
   */
  private async tokenFor(scope: string, creds?: UpstreamCredentials): Promise<string | undefined> {
    const hit = this.tokens.get(this.key(scope, creds));
    if (hit && hit.expiresAt > Date.now()) return hit.token;
    const challenge = this.challenge ?? (await this.ping());
    return challenge ? this.fetchToken(challenge, scope, creds) : undefined;
  }

  private pinging?: Promise<Challenge | undefined>;

  /** `GET /v2/`, as Docker clients begin: learns the token realm once (none when upstream is open). */
  private ping(): Promise<Challenge | undefined> {
    this.pinging ??= (async () => {
      const res = await (await this.http())(`${this.url}/v2/`).catch(() => undefined);
      this.options.onRequest?.('GET', res?.statusCode);
      const challenge = res?.statusCode === 401 ? parseChallenge(res.headers['www-authenticate']) : undefined;
      if (!res) this.pinging = undefined; // no answer: ask again next time
      if (challenge) this.challenge = challenge;
      return challenge;
    })();
    return this.pinging;
  }

  /** Answers a 401's challenge: a token for `scope` from the realm it names, cached until shortly before expiry. */
  private async token(res: Response, scope: string, creds?: UpstreamCredentials): Promise<string> {
    const challenge = parseChallenge(res.headers['www-authenticate']);
    if (!challenge) throw new UpstreamError('upstream wants authentication but sent no Bearer challenge', 401);
    this.challenge = challenge;
    return this.fetchToken(challenge, scope, creds);
  }

  private async fetchToken(challenge: Challenge, scope: string, creds?: UpstreamCredentials): Promise<string> {
    const url = new URL(challenge.realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    url.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.identity}:${creds.secret}`).toString('base64')}`;
    const answer = await (await this.http())(url, { headers, responseType: 'text' }).catch((err: Error) => {
      throw new UpstreamError(`token from ${url.origin}: ${err.message}`);
    });
    if (answer.statusCode !== 200) {
      throw new UpstreamError(`token from ${url.origin}: ${answer.statusCode}`, answer.statusCode);
    }
    let body: { token?: string; access_token?: string; expires_in?: number };
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new UpstreamError(`token from ${url.origin}: not JSON`, 502);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new UpstreamError(`token from ${url.origin}: no token in the answer`, 502);
    // The token spec: assume 60 s when expires_in is missing; renew 10 s early.
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    this.tokens.set(this.key(scope, creds), { token, expiresAt: Date.now() + Math.max(1, seconds - 10) * 1000 });
    return token;
  }
}
