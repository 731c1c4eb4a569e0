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

export class OciClient {
  constructor(readonly base: string) {}

  async req(
    method: string,
    path: string,
    init: { body?: Uint8Array | string; headers?: Record<string, string> } = {},
  ): Promise<Res> {
    const r = await fetch(`${this.base}${path}`, {
      method,
      body: init.body,
      headers: init.headers,
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

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  [k: string]: unknown;
}

export function imageManifest(config: Desc, layers: Desc[], extra: Record<string, unknown> = {}) {
  return { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers, ...extra };
}
