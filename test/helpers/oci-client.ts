/** A minimal OCI client for tests: raw HTTP against /v2, plus builders for blobs and manifests. */
import { createHash, randomBytes } from 'node:crypto';

export const sha256 = (data: Uint8Array | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface Res {
  status: number;
  headers: Headers;
  body: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  json<T = any>(): T;
}

export interface Credentials {
  username: string;
  password: string;
}

/** The administrator every test app starts with (BERTH_ADMIN_PASSWORD in testEnv). */
export const ROOT: Credentials = { username: 'root', password: 'root-password-for-tests' };

/** Parses `Bearer realm="…",service="…",scope="…",error="…"`. */
export function parseChallenge(header: string | null): Record<string, string> | undefined {
  if (!header || !/^bearer /i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)="([^"]*)"/g)) out[m[1] as string] = m[2] as string;
  return out;
}

/**
 * Speaks the Docker token flow as real clients do: a request answered 401 with a Bearer challenge gets a
 * token from the challenge's realm (with Basic credentials, or anonymously) and is sent again. Tokens are
 * remembered per method and repository, so later requests go out with one.
 */
export class OciClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly base: string,
    readonly credentials?: Credentials,
  ) {}

  /** Fetches a token for `scopes` from /jwt/auth; throws with the body on failure. */
  async token(scopes: string[], credentials = this.credentials): Promise<string> {
    const q = new URLSearchParams({ service: 'container_registry' });
    for (const s of scopes) q.append('scope', s);
    const headers: Record<string, string> = {};
    if (credentials) {
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const r = await fetch(`${this.base}/jwt/auth?${q}`, { headers });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`token: ${r.status} ${text}`);
    return JSON.parse(text).token;
  }

  private key(method: string, path: string): string {
    const m = /^\/v2\/(.+?)\/(?:manifests|blobs|tags|referrers)\//.exec(path);
    const kind = path.includes('/blobs/uploads/')
      ? 'w'
      : method === 'GET' || method === 'HEAD'
        ? 'r'
        : method === 'DELETE'
          ? 'd'
          : 'w';
    return `${kind} ${m ? m[1] : path.split('?')[0]}`;
  }

  async req(
    method: string,
    path: string,
    init: { body?: Uint8Array | string; headers?: Record<string, string> } = {},
  ): Promise<Res> {
    const key = this.key(method, path);
    let r = await this.send(method, path, init, this.tokens.get(key));
    const challenge = r.status === 401 ? parseChallenge(r.headers.get('www-authenticate')) : undefined;
    if (challenge?.realm) {
      const token = await this.token(challenge.scope ? [challenge.scope] : []);
      this.tokens.set(key, token);
      r = await this.send(method, path, init, token);
    }
    return r;
  }

  /** One request with exactly these headers and, when given, this Bearer token; no token flow. */
  async send(
    method: string,
    path: string,
    init: { body?: Uint8Array | string; headers?: Record<string, string> } = {},
    token?: string,
  ): Promise<Res> {
    const headers = { ...init.headers };
    if (token && !headers.authorization) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${this.base}${path}`, {
      method,
      body: init.body,
      headers,
      redirect: 'manual',
    });
    const body = Buffer.from(await r.arrayBuffer());
    return { status: r.status, headers: r.headers, body, json: () => JSON.parse(body.toString('utf8')) };
  }

  /** Monolithic upload (POST ?digest=). */
  async pushBlob(name: string, data: Uint8Array | string): Promise<{ digest: string; size: number }> {
    const digest = sha256(data);
    const r = await this.req('POST', `/v2/${name}/blobs/uploads/?digest=${digest}`, {
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (r.status !== 201) throw new Error(`push blob: ${r.status} ${r.body}`);
    return { digest, size: Buffer.byteLength(data) };
  }

  async pushManifest(name: string, ref: string, manifest: object | string, mediaType?: string): Promise<Res> {
    const body = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
    const declared = typeof manifest === 'object' ? (manifest as { mediaType?: string }).mediaType : undefined;
    const type = mediaType ?? declared ?? 'application/vnd.oci.image.manifest.v1+json';
    return this.req('PUT', `/v2/${name}/manifests/${ref}`, { body, headers: { 'content-type': type } });
  }

  /** Pushes a config and `layers` random layers of `layerSize` bytes, then the manifest under `tag`. */
  async pushImage(name: string, tag: string, opts: { layers?: number; layerSize?: number; config?: object } = {}) {
    const config = JSON.stringify(
      opts.config ?? { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
    );
    const cfg = await this.pushBlob(name, config);
    const layers = [];
    for (let i = 0; i < (opts.layers ?? 1); i++) {
      const l = await this.pushBlob(name, randomBytes(opts.layerSize ?? 1024));
      layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l });
    }
    const manifest = imageManifest({ mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg }, layers);
    const res = await this.pushManifest(name, tag, manifest);
    if (res.status !== 201) throw new Error(`push manifest: ${res.status} ${res.body}`);
    return {
      manifest,
      bytes: JSON.stringify(manifest),
      digest: res.headers.get('docker-content-digest')!,
      config: cfg,
      layers,
    };
  }
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

/**
 * Pushes one image per platform (tagged `<tag>-<architecture>`), then an OCI index of them tagged `tag`;
 * returns the index digest and the images in platform order.
 */
export async function pushMultiArch(client: OciClient, name: string, tag: string, platforms: Platform[]) {
  const images = [];
  for (const platform of platforms) {
    images.push(
      await client.pushImage(name, `${tag}-${platform.architecture}`, {
        config: { ...platform, rootfs: { type: 'layers', diff_ids: [] } },
      }),
    );
  }
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: images.map((img, i) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: img.digest,
      size: Buffer.byteLength(img.bytes),
      platform: platforms[i],
    })),
  };
  const r = await client.pushManifest(name, tag, index);
  if (r.status !== 201) throw new Error(`push index: ${r.status} ${r.body}`);
  return { digest: r.headers.get('docker-content-digest') as string, images, index };
}

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  [k: string]: unknown;
}

export function imageManifest(config: Desc, layers: Desc[], extra: Record<string, unknown> = {}) {
  return { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers, ...extra };
}
