/**
 * A stand-in Docker Hub for the dependency proxy tests, on loopback:
 * - the real registry, `docker-registry` (CNCF Distribution, Debian's package), with token auth;
 * - a token server written here that behaves like auth.docker.io: anonymous or Basic, scopes granted per
 *   request, `{token, access_token, expires_in, issued_at}`, ES256 JWTs with a libtrust `kid` that the
 *   registry trusts through its `rootcertbundle` (a self-signed certificate made with openssl);
 * - a relay in front of the registry that records every request (so tests count upstream GETs and HEADs),
 *   can inject faults (a status, a truncated or corrupted body, a refused connection) and can slow bodies
 *   down (so concurrent clients overlap), and adds Docker Hub's rate-limit headers to manifest answers.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { dockerRegistryConfig } from '../../bench/servers.js';
import { libtrustKeyId } from '../../src/auth/signing-keys.js';
import { OciClient } from '../../test/helpers/oci-client.js';

export const HUB_SERVICE = 'registry.docker.io';
const ISSUER = 'fake-hub-issuer';
/** Basic credentials the token server accepts (push rights), like a Docker Hub account. */
export const HUB_USER = { username: 'hubuser', password: 'hub-secret' };

export interface RecordedRequest {
  method: string;
  path: string;
  status?: number;
  /** Whether the request carried an Authorization header. */
  authorized?: boolean;
  /** When the relay finished sending a blob body (performance.now(), this process). */
  endedAt?: number;
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'truncate'; after: number }
  | { kind: 'corrupt' }
  | { kind: 'reset' }
  /** Answer a blob GET with 307 to a "CDN" path of this relay (as Docker Hub redirects to its CDN). */
  | { kind: 'redirect' };

export interface FakeHub {
  /** The relay's base URL: what berth's BERTH_PROXY_UPSTREAM_URL points at. */
  url: string;
  /** Every request the relay received (the token server's are not included). */
  requests: RecordedRequest[];
  /** Upstream requests matching `method` and a path test (e.g. /\/blobs\//). */
  count(method: string, path: RegExp): number;
  /** Decides a fault per request (undefined: pass through); set and clear it in tests. */
  fault?: (req: RecordedRequest) => Fault | undefined;
  /** Bytes per second for blob bodies through the relay (0: unlimited). */
  blobRate: number;
  /** Token requests the token server answered. */
  tokenRequests: number;
  /** A client that pushes straight to the registry with push rights (to seed images). */
  pusher(): OciClient;
  stop(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((r) => server.close(r));
  return port;
}

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${output()}`);
    try {
      const r = await fetch(url);
      if (r.status === 401 || r.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not start: ${output()}`);
}

export async function startFakeHub(dir: string): Promise<FakeHub> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=fake-hub-token',
    ],
    { stdio: 'ignore' },
  );
  const privateKey = createPrivateKey(readFileSync(keyFile));
  const kid = libtrustKeyId(createPublicKey(privateKey));

  // The token server.
  const hub = { tokenRequests: 0 };
  const tokenServer = createServer((req, res) => {
    void (async () => {
      hub.tokenRequests++;
      const url = new URL(req.url ?? '/', 'http://x');
      let subject = '';
      const auth = req.headers.authorization;
      if (auth?.startsWith('Basic ')) {
        const [user, pass] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
        if (user !== HUB_USER.username || pass !== HUB_USER.password) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ details: 'incorrect username or password' }));
          return;
        }
        subject = user;
      }
      const access = url.searchParams.getAll('scope').map((scope) => {
        const [type, name, actions] = scope.split(':');
        const wanted = (actions ?? '').split(',');
        return { type, name, actions: wanted.filter((a) => a === 'pull' || subject !== '') };
      });
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ access })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(url.searchParams.get('service') ?? HUB_SERVICE)
        .setSubject(subject)
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(now + 300)
        .setJti(randomUUID())
        .sign(privateKey);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    })();
  });
  const tokenPort = await listen(tokenServer);

  // The registry.
  const registryPort = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    dockerRegistryConfig(join(dir, 'data'), registryPort, [
      'auth:',
      '  token:',
      `    realm: http://127.0.0.1:${tokenPort}/token`,
      `    service: ${HUB_SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${certFile}`,
    ]),
  );
  let output = '';
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const registryUrl = `http://127.0.0.1:${registryPort}`;
  await waitFor(`${registryUrl}/v2/`, child, () => output);

  // The relay.
  const requests: RecordedRequest[] = [];
  const state: FakeHub = {
    url: '',
    requests,
    blobRate: 0,
    get tokenRequests() {
      return hub.tokenRequests;
    },
    count: (method, path) => requests.filter((r) => r.method === method && path.test(r.path)).length,
    pusher: () => new HubClient(registryUrl, `http://127.0.0.1:${tokenPort}/token`),
    stop: async () => {
      relay.closeAllConnections();
      tokenServer.closeAllConnections();
      await Promise.all([
        new Promise((r) => relay.close(r)),
        new Promise((r) => tokenServer.close(r)),
        new Promise((r) => {
          child.once('exit', r);
          child.kill('SIGKILL');
        }),
      ]);
    },
  };
  const relay = createServer((req, res) => relayRequest(req, res, state, registryPort));
  const relayPort = await listen(relay);
  state.url = `http://127.0.0.1:${relayPort}`;
  return state;
}

/** Blob bytes the "CDN" serves after a redirect, by digest. */
const cdn = new Map<string, Buffer>();

function relayRequest(req: IncomingMessage, res: ServerResponse, hub: FakeHub, registryPort: number): void {
  const record: RecordedRequest = {
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0] as string,
    authorized: req.headers.authorization !== undefined,
  };
  hub.requests.push(record);
  if (record.path.startsWith('/cdn/')) {
    // The "CDN": serves the blob the redirect named, fetched from the registry with the relay's own token.
    const digest = record.path.slice('/cdn/'.length);
    const bytes = cdn.get(digest);
    record.status = bytes ? 200 : 404;
    res.writeHead(record.status, { 'content-length': bytes?.length ?? 0 });
    res.end(bytes);
    return;
  }
  const fault = hub.fault?.(record);
  if (fault?.kind === 'redirect' && req.method === 'GET' && record.path.includes('/blobs/')) {
    const digest = record.path.slice(record.path.lastIndexOf('/') + 1);
    const get = request(
      { host: '127.0.0.1', port: registryPort, method: 'GET', path: req.url, headers: req.headers },
      async (up) => {
        const chunks: Buffer[] = [];
        for await (const c of up) chunks.push(c as Buffer);
        if (up.statusCode !== 200) {
          record.status = up.statusCode;
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(chunks));
          return;
        }
        cdn.set(digest, Buffer.concat(chunks));
        record.status = 307;
        res.writeHead(307, { location: `/cdn/${digest}`, 'content-length': 0 });
        res.end();
      },
    );
    get.end();
    return;
  }
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'status') {
    record.status = fault.status;
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'injected' }] }));
    return;
  }
  const upstream = request(
    { host: '127.0.0.1', port: registryPort, method: req.method, path: req.url, headers: req.headers },
    (up) => {
      record.status = up.statusCode;
      const headers = { ...up.headers };
      if (record.path.includes('/manifests/')) {
        headers['ratelimit-limit'] = '100;w=21600';
        headers['ratelimit-remaining'] = '42;w=21600';
      }
      const isBlob = record.path.includes('/blobs/') && up.statusCode === 200 && req.method === 'GET';
      res.writeHead(up.statusCode ?? 502, headers);
      if (!isBlob || (!fault && hub.blobRate === 0)) {
        up.pipe(res);
        return;
      }
      void (async () => {
        let sent = 0;
        for await (const raw of up as AsyncIterable<Buffer>) {
          let chunk = raw;
          if (fault?.kind === 'corrupt' && sent === 0) {
            chunk = Buffer.from(chunk);
            chunk[0] = (chunk[0] as number) ^ 0xff;
          }
          if (fault?.kind === 'truncate' && sent + chunk.length > fault.after) {
            res.write(chunk.subarray(0, Math.max(0, fault.after - sent)));
            res.socket?.destroy();
            up.destroy();
            return;
          }
          // Slow bodies: small slices at the configured rate, so concurrent clients overlap.
          for (let i = 0; i < chunk.length; i += 16 * 1024) {
            const slice = chunk.subarray(i, i + 16 * 1024);
            if (!res.write(slice)) await new Promise((r) => res.once('drain', r));
            sent += slice.length;
            if (hub.blobRate > 0) await new Promise((r) => setTimeout(r, (slice.length / hub.blobRate) * 1000));
          }
        }
        record.endedAt = performance.now();
        res.end();
      })();
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

/** Pushes to the fake hub's registry, with tokens from its token server. */
class HubClient extends OciClient {
  constructor(
    base: string,
    private readonly tokenUrl: string,
  ) {
    super(base, HUB_USER);
  }

  /** Distribution 2.8 ignores a monolithic POST ?digest=: open a session, then PUT the bytes. */
  override async pushBlob(name: string, data: Uint8Array | string): Promise<{ digest: string; size: number }> {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const open = await this.req('POST', `/v2/${name}/blobs/uploads/`);
    if (open.status !== 202) throw new Error(`hub upload: ${open.status} ${open.body}`);
    const location = new URL(open.headers.get('location') as string, this.base);
    location.searchParams.set('digest', digest);
    const put = await this.req('PUT', `${location.pathname}${location.search}`, {
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (put.status !== 201) throw new Error(`hub blob: ${put.status} ${put.body}`);
    return { digest, size: Buffer.byteLength(data) };
  }

  override async token(scopes: string[]): Promise<string> {
    const q = new URLSearchParams({ service: HUB_SERVICE });
    for (const s of scopes) q.append('scope', s);
    const auth = Buffer.from(`${HUB_USER.username}:${HUB_USER.password}`).toString('base64');
    const r = await fetch(`${this.tokenUrl}?${q}`, { headers: { authorization: `Basic ${auth}` } });
    if (r.status !== 200) throw new Error(`hub token: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  }
}
