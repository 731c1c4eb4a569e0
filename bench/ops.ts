/**
 * The registry operations the benchmark times, on plain node:http so that bodies stream from and to disk:
 * blob uploads (monolithic and chunked), manifest push, and a 1 GiB blob download that discards its bytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { KiB, run } from './util.js';

export const MANIFEST_ACCEPT =
  'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

export interface HttpResult {
  method: string;
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body (at most the first 64 KiB). */
  body: Buffer;
}

/** A response other than the one expected; the message carries the request and the whole response. */
export class HttpError extends Error {
  constructor(
    readonly what: string,
    readonly res: HttpResult,
    expected: number,
  ) {
    const headers = Object.entries(res.headers)
      .map(([k, v]) => `    ${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
      .join('\n');
    super(
      `${what}: ${res.method} ${res.url} answered ${res.status}, expected ${expected}\n  response headers:\n${headers}\n  response body: ${res.body.toString('utf8').slice(0, 2000)}`,
    );
  }
}

export interface RequestOptions {
  method: string;
  headers?: OutgoingHttpHeaders;
  /** A buffer, or a factory for a stream (opened only when the request starts). */
  body?: Buffer | (() => Readable);
  agent?: Agent;
  /** Idle-socket timeout. */
  timeoutMs?: number;
}

export function request(url: URL, opts: RequestOptions): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      reject(new Error(`${opts.method} ${url.href}: ${err.message}`));
    };
    const req = httpRequest(url, { method: opts.method, headers: opts.headers, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (c: Buffer) => {
        if (kept < 64 * KiB) {
          chunks.push(c);
          kept += c.length;
        }
      });
      res.once('error', fail);
      res.once('end', () => {
        if (settled) return;
        settled = true;
        resolve({
          method: opts.method,
          url: url.href,
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).subarray(0, 64 * KiB),
        });
      });
    });
    req.setTimeout(opts.timeoutMs ?? 120_000, () =>
      req.destroy(new Error(`no progress for ${opts.timeoutMs ?? 120_000} ms`)),
    );
    req.once('error', fail);
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      const stream = body();
      stream.once('error', (err) => req.destroy(err));
      stream.pipe(req);
    }
  });
}

function expect(res: HttpResult, status: number, what: string): HttpResult {
  if (res.status !== status) throw new HttpError(what, res, status);
  return res;
}

function locationOf(res: HttpResult, base: string, what: string): URL {
  const loc = res.headers.location;
  if (!loc) throw new Error(`${what}: ${res.method} ${res.url} answered ${res.status} without a Location header`);
  return new URL(loc, base);
}

function withDigest(url: URL, digest: string): URL {
  const u = new URL(url);
  u.searchParams.set('digest', digest);
  return u;
}

/** One registry's HTTP client (keep-alive, as real clients do). */
export class RegistryClient {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });
  /** `Authorization` for every request (berth's Bearer token; none for docker-registry, which runs open). */
  authHeader: Record<string, string> = {};
  constructor(readonly base: string) {}

  /** Signs in at berth's /jwt/auth with Basic credentials for `scopes`; later requests carry the token. */
  async login(username: string, password: string, scopes: string[]): Promise<void> {
    const q = new URLSearchParams({ service: 'container_registry' });
    for (const s of scopes) q.append('scope', s);
    const res = await request(this.url(`/jwt/auth?${q}`), {
      method: 'GET',
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
      agent: this.agent,
    });
    expect(res, 200, 'sign in at /jwt/auth');
    this.authHeader = { authorization: `Bearer ${JSON.parse(res.body.toString('utf8')).token}` };
  }

  private send(url: URL, opts: RequestOptions): Promise<HttpResult> {
    return request(url, { ...opts, headers: { ...this.authHeader, ...opts.headers } });
  }

  close(): void {
    this.agent.destroy();
  }

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  /** POST /v2/<name>/blobs/uploads/ → the session's URL. */
  async startUpload(name: string): Promise<URL> {
    const res = await this.send(this.url(`/v2/${name}/blobs/uploads/`), {
      method: 'POST',
      headers: { 'content-length': 0 },
      agent: this.agent,
    });
    expect(res, 202, 'start upload');
    return locationOf(res, this.base, 'start upload');
  }

  /** POST, then PUT ?digest= with the whole body. Returns the elapsed milliseconds. */
  async uploadMonolithic(
    name: string,
    blob: { digest: string; size: number; body: Buffer | (() => Readable) },
  ): Promise<number> {
    const t0 = performance.now();
    const session = await this.startUpload(name);
    const res = await this.send(withDigest(session, blob.digest), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': blob.size },
      body: blob.body,
      agent: this.agent,
    });
    expect(res, 201, 'monolithic upload');
    return performance.now() - t0;
  }

  /** POST, PATCH `chunk`-byte pieces of `file` with Content-Range, then PUT ?digest=. Returns elapsed ms. */
  async uploadChunked(
    name: string,
    file: { path: string; digest: string; size: number },
    chunk: number,
    /** The file's bytes, when the caller holds them: chunks are then sent from memory. */
    bytes?: Buffer,
  ): Promise<number> {
    const t0 = performance.now();
    let session = await this.startUpload(name);
    for (let start = 0; start < file.size; start += chunk) {
      const end = Math.min(start + chunk, file.size) - 1;
      const res = await this.send(session, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': end - start + 1,
          'content-range': `${start}-${end}`,
        },
        body: bytes
          ? bytes.subarray(start, end + 1)
          : () => createReadStream(file.path, { start, end, highWaterMark: 1024 * KiB }),
        agent: this.agent,
      });
      expect(res, 202, `chunk ${start}-${end}`);
      const range = res.headers.range;
      if (range !== `0-${end}`)
        throw new Error(
          `chunk ${start}-${end}: ${res.method} ${res.url} answered Range "${range}", expected "0-${end}"`,
        );
      session = locationOf(res, this.base, `chunk ${start}-${end}`);
    }
    const res = await this.send(withDigest(session, file.digest), {
      method: 'PUT',
      headers: { 'content-length': 0 },
      agent: this.agent,
    });
    expect(res, 201, 'finish chunked upload');
    return performance.now() - t0;
  }

  async pushManifest(name: string, tag: string, manifest: Buffer, mediaType: string): Promise<void> {
    const res = await this.send(this.url(`/v2/${name}/manifests/${tag}`), {
      method: 'PUT',
      headers: { 'content-type': mediaType, 'content-length': manifest.length },
      body: manifest,
      agent: this.agent,
    });
    expect(res, 201, 'push manifest');
  }

  /** A plain request with the same headers the load test uses; throws unless it answers `status`. */
  async check(method: string, path: string, headers: Record<string, string>, status = 200): Promise<HttpResult> {
    return expect(await this.send(this.url(path), { method, headers, agent: this.agent }), status, `${method} ${path}`);
  }

  /**
   * GETs a blob with curl into /dev/null on a fresh connection and returns curl's own transfer time (ms).
   * The registry is what is measured, so the client must not be the limit: node:http, which the download
   * below uses, tops out at ~700 MiB/s on its own CPU on these machines (1.6–2 s of client CPU per GiB),
   * while curl takes a few GiB/s. `headerFile` holds the `Authorization` line, if any (kept off the command
   * line).
   */
  async curlDownload(name: string, size: number, digest: string, headerFile?: string): Promise<number> {
    const url = this.url(`/v2/${name}/blobs/${digest}`).href;
    const r = await run(
      'curl',
      [
        '--silent',
        '--show-error',
        '--output',
        '/dev/null',
        '--write-out',
        '%{http_code} %{size_download} %{time_total}',
        ...(headerFile ? ['--header', `@${headerFile}`] : []),
        url,
      ],
      { timeoutMs: 120_000 },
    );
    const [status, bytes, seconds] = r.stdout.trim().split(' ');
    if (r.code !== 0 || status !== '200' || Number(bytes) !== size)
      throw new Error(`curl GET ${url}: exit ${r.code}, status ${status}, ${bytes} of ${size} bytes\n${r.stderr}`);
    return Number(seconds) * 1000;
  }

  /**
   * GETs a blob on a fresh connection, counting and discarding the bytes; checks length and digest
   * when `verify` is set (verification is off for timed runs: hashing would cap the client).
   */
  download(name: string, digest: string, size: number, verify = false): Promise<number> {
    const url = this.url(`/v2/${name}/blobs/${digest}`);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const req = httpRequest(url, { method: 'GET', agent: false, headers: this.authHeader }, (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.length < 16 && chunks.push(c));
          res.once('end', () =>
            fail(
              new HttpError(
                'download',
                {
                  method: 'GET',
                  url: url.href,
                  status: res.statusCode ?? 0,
                  headers: res.headers,
                  body: Buffer.concat(chunks),
                },
                200,
              ),
            ),
          );
          return;
        }
        const hash = verify ? createHash('sha256') : undefined;
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          hash?.update(c);
        });
        res.once('error', fail);
        res.once('end', () => {
          const ms = performance.now() - t0;
          if (bytes !== size) return fail(new Error(`GET ${url.href}: received ${bytes} bytes, expected ${size}`));
          const actual = hash ? `sha256:${hash.digest('hex')}` : digest;
          if (actual !== digest) return fail(new Error(`GET ${url.href}: body hashes to ${actual}`));
          settled = true;
          resolve(ms);
        });
      });
      req.setTimeout(120_000, () => req.destroy(new Error('no progress for 120 s')));
      req.once('error', (err) => fail(new Error(`GET ${url.href}: ${err.message}`)));
      req.end();
    });
  }
}
