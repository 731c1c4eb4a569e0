/**
 * The dependency proxy against a real upstream: docker-registry with token auth behind a counting relay
 * (helpers/fake-hub.ts), berth pointed at it with BERTH_PROXY_UPSTREAM_URL. Request counts are read off the
 * relay, so "one upstream GET" means one request reached the upstream registry.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  GroupDependencyProxyDocument,
  PurgeDependencyProxyCacheDocument,
  UpdateDependencyProxyImageTtlGroupPolicyDocument,
  UpdateDependencyProxySettingsDocument,
} from '../test/__generated__/graphql.js';
import { identity, namespaces, PASSWORD, user } from '../test/auth/helpers.js';
import { storedBlobs } from '../test/helpers/disk.js';
import { bearer, graphql } from '../test/helpers/graphql-client.js';
import { type Credentials, OciClient, pushMultiArch, ROOT } from '../test/helpers/oci-client.js';
import { startTestApp, type TestApp } from '../test/helpers/test-app.js';
import { type FakeHub, startFakeHub } from './helpers/fake-hub.js';
import { Skopeo } from './helpers/skopeo.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const DP = 'ci/dependency_proxy/containers';
const HOUR = 3_600_000;

let dir: string;
let hub: FakeHub;
let t: TestApp;
let clockOffset = 0;
let alpine: Awaited<ReturnType<OciClient['pushImage']>>;
let big: Awaited<ReturnType<OciClient['pushImage']>>;
const members = new Map<string, Credentials>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-proxy-'));
  hub = await startFakeHub(join(dir, 'hub'));
  const pusher = hub.pusher();
  alpine = await pusher.pushImage('library/alpine', '3.20', { layers: 2, layerSize: 64 * 1024 });
  big = await pusher.pushImage('someorg/big', '1', { layers: 1, layerSize: 2 * 1024 * 1024 });
  t = await startTestApp(
    // Fills hash on a worker thread here whatever this CPU would choose (the other apps below choose):
    // the fault tests then check that a digest computed off the event loop still stops a corrupt body.
    { BERTH_PROXY_UPSTREAM_URL: hub.url, BERTH_PROXY_STALE_IF_ERROR: '1h', BERTH_HASH_THREADS: '1' },
    { clock: () => Date.now() + clockOffset },
  );
  await namespaces(t).createGroup('ci');
  await namespaces(t).createGroup('other');
  await t.project('ci/app');
  members.set('guest', await user(t, 'guest'));
  await identity(t).setMember('guest', 'ci', 'guest');
  members.set('outsider', await user(t, 'outsider'));
});

after(async () => {
  await t?.close();
  await hub?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const guest = () => new OciClient(t.url, members.get('guest'));
const reset = () => {
  hub.requests.length = 0;
  hub.fault = undefined;
  hub.blobRate = 0;
};

describe('who may pull through the proxy', () => {
  test('anonymous: 401 with the Bearer challenge; a signed-in outsider: 403; a Guest of the group: 200', async () => {
    const path = `/v2/${DP}/alpine/manifests/3.20`;
    const anon = await new OciClient(t.url).send('GET', path);
    assert.equal(anon.status, 401);
    assert.match(
      anon.headers.get('www-authenticate') ?? '',
      /^Bearer realm="[^"]+\/jwt\/auth",service="container_registry",scope="repository:ci\/dependency_proxy\/containers\/alpine:pull"/,
    );
    const anonToken = await new OciClient(t.url).req('GET', path);
    assert.equal(anonToken.status, 401, 'an anonymous token does not open the proxy');

    const outsider = await new OciClient(t.url, members.get('outsider')).req('GET', path);
    assert.equal(outsider.status, 403);
    assert.equal(outsider.json().errors[0].code, 'DENIED');

    const ok = await guest().req('GET', path);
    assert.equal(ok.status, 200, ok.body.toString());
  });

  test('a group deploy token with read_registry, a PAT with a registry scope and a job token of a project in the group', async () => {
    const path = `/v2/${DP}/alpine/manifests/3.20`;
    const deploy = await identity(t).createDeployToken('ci', { name: 'dp', scopes: ['read_registry'] });
    const d = await new OciClient(t.url, { username: deploy.token.username, password: deploy.secret }).req('GET', path);
    assert.equal(d.status, 200);
    const otherDeploy = await identity(t).createDeployToken('other', { name: 'dp', scopes: ['read_registry'] });
    const od = await new OciClient(t.url, { username: otherDeploy.token.username, password: otherDeploy.secret }).req(
      'GET',
      path,
    );
    assert.equal(od.status, 403, "another group's deploy token");

    const pat = await identity(t).createPersonalAccessToken('guest', { name: 'ci', scopes: ['read_registry'] });
    assert.equal(
      (await new OciClient(t.url, { username: 'guest', password: pat.secret }).req('GET', path)).status,
      200,
    );
    const apiRead = await identity(t).createPersonalAccessToken('guest', { name: 'ui', scopes: ['read_api'] });
    assert.equal(
      (await new OciClient(t.url, { username: 'guest', password: apiRead.secret }).req('GET', path)).status,
      403,
      'read_api is not a registry scope',
    );

    const job = await identity(t).createJobToken('root', 'ci/app', { username: 'outsider' });
    const j = await new OciClient(t.url, { username: 'gitlab-ci-token', password: job.secret }).req('GET', path);
    assert.equal(j.status, 200, 'a job of a project in the group');
  });

  test("the group setting `enabled` off: 404, as GitLab's", async () => {
    const ci = (await t.app.access.proxyGroup('ci'))!;
    await t.app.db.em
      .getKnex()('dependency_proxy_group_settings')
      .insert({
        group_id: ci.id,
        enabled: false,
        created_at: t.app.db.dialect === 'sqlite' ? Date.now() : new Date(),
        updated_at: t.app.db.dialect === 'sqlite' ? Date.now() : new Date(),
      });
    t.app.access.changed();
    const r = await guest().req('GET', `/v2/${DP}/alpine/manifests/3.20`);
    assert.equal(r.status, 404);
    assert.equal(r.json().errors[0].code, 'NAME_UNKNOWN');
    await t.app.db.em.getKnex()('dependency_proxy_group_settings').where('group_id', ci.id).delete();
    t.app.access.changed();
  });
});

describe('manifests, quota-safe', () => {
  test('a cold tag pull GETs once; a warm one only HEADs; a cached digest never asks upstream', async () => {
    await t.app.proxyStore.purge((await t.app.access.proxyGroup('ci'))!.id);
    reset();
    const c = guest();
    const first = await c.req('GET', `/v2/${DP}/alpine/manifests/3.20`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.toString(), alpine.bytes, 'the exact bytes');
    assert.equal(first.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(first.headers.get('docker-content-digest'), alpine.digest);
    assert.equal(hub.count('GET', /\/manifests\//), 1);

    const warm = await c.req('GET', `/v2/${DP}/alpine/manifests/3.20`);
    assert.equal(warm.body.toString(), alpine.bytes);
    const head = await c.req('HEAD', `/v2/${DP}/library/alpine/manifests/3.20`);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('docker-content-digest'), alpine.digest);
    assert.equal(hub.count('GET', /\/manifests\//), 1, '`alpine` and `library/alpine` are one cache entry');
    assert.equal(hub.count('HEAD', /\/manifests\//), 2, 'each tag pull revalidates with a (free) HEAD');

    hub.requests.length = 0;
    const byDigest = await c.req('GET', `/v2/${DP}/alpine/manifests/${alpine.digest}`);
    assert.equal(byDigest.status, 200);
    assert.equal(byDigest.body.toString(), alpine.bytes);
    assert.equal(hub.requests.length, 0, 'no upstream request at all');
  });

  test('a tag that moved upstream is fetched again', async () => {
    const moved = await hub.pusher().pushImage('library/alpine', 'edge', { layers: 1, layerSize: 1024 });
    const c = guest();
    assert.equal((await c.req('GET', `/v2/${DP}/alpine/manifests/edge`)).body.toString(), moved.bytes);
    const newer = await hub.pusher().pushImage('library/alpine', 'edge', { layers: 1, layerSize: 1024 });
    reset();
    const r = await c.req('GET', `/v2/${DP}/alpine/manifests/edge`);
    assert.equal(r.body.toString(), newer.bytes);
    assert.equal(hub.count('HEAD', /\/manifests\/edge$/), 1);
    assert.equal(hub.count('GET', /\/manifests\/edge$/), 1);
  });

  test('unknown image or tag: MANIFEST_UNKNOWN; referrers: an empty index; writes: UNSUPPORTED', async () => {
    const c = guest();
    const missing = await c.req('GET', `/v2/${DP}/alpine/manifests/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json().errors[0].code, 'MANIFEST_UNKNOWN');
    const refs = await c.req('GET', `/v2/${DP}/alpine/referrers/${alpine.digest}`);
    assert.equal(refs.status, 200);
    assert.deepEqual(refs.json().manifests, []);
    const put = await new OciClient(t.url, ROOT).req('PUT', `/v2/${DP}/alpine/manifests/x`, { body: '{}' });
    assert.equal(put.status, 405);
    assert.equal(put.json().errors[0].code, 'UNSUPPORTED');
  });
});

/** GETs a blob with its own connection, recording when the first byte and the end arrived. */
function timedGet(
  url: string,
  token: string,
): Promise<{ status: number; body: Buffer; firstByte: number; end: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let firstByte = 0;
      res.on('data', (c: Buffer) => {
        if (!firstByte) firstByte = performance.now();
        chunks.push(c);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), firstByte, end: performance.now() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('blobs, streamed and coalesced', () => {
  test('20 concurrent cold pulls of one blob: one upstream GET, and every client streams while it downloads', async () => {
    reset();
    hub.blobRate = 2 * 1024 * 1024; // the 2 MiB layer takes about a second upstream
    const layer = big.layers[0]!;
    const path = `/v2/${DP}/someorg/big/blobs/${layer.digest}`;
    const token = await guest().token([`repository:${DP}/someorg/big:pull`]);
    const start = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => timedGet(`${t.url}${path}`, token)));
    const lastEnd = Math.max(...results.map((r) => r.end));
    for (const r of results) {
      assert.equal(r.status, 200);
      assert.equal(sha256(r.body), layer.digest);
    }
    assert.equal(hub.count('GET', /\/blobs\/sha256:/), 1, 'exactly one upstream GET');
    // Streaming, as an order of events rather than a duration: every client had bytes before upstream
    // had even finished sending the blob.
    const upstreamDone = hub.requests.find((q) => q.path.endsWith(layer.digest) && q.endedAt)?.endedAt as number;
    const latestFirstByte = Math.max(...results.map((r) => r.firstByte));
    assert.ok(
      latestFirstByte < upstreamDone,
      `every client's first byte came before upstream finished (last at ${Math.round(latestFirstByte - start)} ms, upstream done at ${Math.round(upstreamDone - start)} ms, last client done at ${Math.round(lastEnd - start)} ms)`,
    );

    hub.requests.length = 0;
    hub.blobRate = 0;
    const warm = await guest().req('GET', path);
    assert.equal(sha256(warm.body), layer.digest);
    const ranged = await guest().req('GET', path, { headers: { range: 'bytes=10-19' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(ranged.body, warm.body.subarray(10, 20));
    assert.equal(hub.requests.length, 0, 'warm pulls never reach upstream');
  });

  test('HEAD on an uncached blob asks upstream with HEAD and downloads nothing', async () => {
    const img = await hub.pusher().pushImage('someorg/headonly', '1', { layers: 1, layerSize: 100_000 });
    const layer = img.layers[0]!;
    reset();
    const path = `/v2/${DP}/someorg/headonly/blobs/${layer.digest}`;
    const head = await guest().req('HEAD', path);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(layer.size));
    assert.equal(head.headers.get('docker-content-digest'), layer.digest);
    assert.equal(hub.count('GET', /\/blobs\/sha256:/), 0, 'no upstream GET');
    assert.equal(hub.count('HEAD', /\/blobs\/sha256:/), 1, 'one upstream HEAD');
    assert.equal(await t.app.store.findBlob(layer.digest), undefined, 'nothing fetched into the cache');
    const get = await guest().req('GET', path);
    assert.equal(sha256(get.body), layer.digest);
    assert.equal(hub.count('GET', /\/blobs\/sha256:/), 1, 'the GET fetched it');
    assert.equal((await guest().req('HEAD', path)).status, 200, 'cached now');
    assert.equal(hub.count('HEAD', /\/blobs\/sha256:/), 1, 'a cached blob is answered without upstream');
    const missing = await guest().req('HEAD', `/v2/${DP}/someorg/headonly/blobs/sha256:${'0'.repeat(64)}`);
    assert.equal(missing.status, 404, 'upstream has no such blob');
  });

  test('a ranged GET that meets a fill in progress gets 206 and its range, once the blob is stored', async () => {
    const img = await hub.pusher().pushImage('someorg/ranged', '1', { layers: 1, layerSize: 1024 * 1024 });
    const layer = img.layers[0]!;
    reset();
    hub.blobRate = 2 * 1024 * 1024; // about half a second upstream
    const path = `/v2/${DP}/someorg/ranged/blobs/${layer.digest}`;
    const token = await guest().token([`repository:${DP}/someorg/ranged:pull`]);
    const whole = timedGet(`${t.url}${path}`, token);
    // The fill is running once upstream has been asked for the blob.
    while (hub.count('GET', /\/blobs\/sha256:/) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const ranged = await guest().req('GET', path, { headers: { range: 'bytes=1000-1999' } });
    const full = await whole;
    assert.equal(full.status, 200);
    assert.equal(sha256(full.body), layer.digest);
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 1000-1999/${layer.size}`);
    assert.deepEqual(ranged.body, full.body.subarray(1000, 2000));
    assert.equal(hub.count('GET', /\/blobs\/sha256:/), 1, 'exactly one upstream GET');
    hub.blobRate = 0;
  });

  test('clients that join a fill late read what is already written from the file, then follow it in memory', async () => {
    // 12 MiB at 6 MiB/s: clients joining after ~1 s start more than the 4 MiB berth keeps in memory behind
    // the head, so they read the staging file first, then catch up with the chunks upstream is sending.
    const img = await hub.pusher().pushImage('someorg/late', '1', { layers: 1, layerSize: 12 * 1024 * 1024 });
    const layer = img.layers[0]!;
    reset();
    hub.blobRate = 6 * 1024 * 1024;
    const url = `${t.url}/v2/${DP}/someorg/late/blobs/${layer.digest}`;
    const token = await guest().token([`repository:${DP}/someorg/late:pull`]);
    const early = Array.from({ length: 5 }, () => timedGet(url, token));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const late = Array.from({ length: 5 }, () => timedGet(url, token));
    const results = await Promise.all([...early, ...late]);
    const upstreamDone = hub.requests.find((q) => q.path.endsWith(layer.digest) && q.endedAt)?.endedAt as number;
    for (const r of results) {
      assert.equal(r.status, 200);
      assert.equal(r.body.length, layer.size);
      assert.equal(sha256(r.body), layer.digest);
    }
    assert.ok(
      Math.max(...results.map((r) => r.firstByte)) < upstreamDone,
      'the late clients were still served during the fill',
    );
    assert.equal(hub.count('GET', /\/blobs\/sha256:/), 1, 'exactly one upstream GET');
    hub.blobRate = 0;
  });

  for (const [label, fault] of [
    ['a truncated body', { kind: 'truncate', after: 100_000 }],
    ['a corrupt body', { kind: 'corrupt' }],
  ] as const) {
    test(`${label} is never cached, and the client sees a failed transfer`, async () => {
      const image = `someorg/f-${fault.kind}`;
      const img = await hub.pusher().pushImage(image, '1', { layers: 1, layerSize: 300_000 });
      const layer = img.layers[0]!;
      reset();
      hub.fault = (r) => (r.method === 'GET' && r.path.endsWith(layer.digest) ? fault : undefined);
      const token = await guest().token([`repository:${DP}/${image}:pull`]);
      const url = `${t.url}/v2/${DP}/${image}/blobs/${layer.digest}`;
      const failed = await timedGet(url, token).then(
        (r) => r,
        (err: Error) => err,
      );
      if (!(failed instanceof Error)) {
        assert.notEqual(sha256(failed.body), layer.digest, 'never the whole, verified blob');
        assert.ok(
          failed.body.length < layer.size,
          `the transfer was cut (${failed.body.length} of ${layer.size} bytes)`,
        );
      }
      assert.equal(await t.app.store.findBlob(layer.digest), undefined, 'nothing cached');
      hub.fault = undefined;
      const ok = await timedGet(url, token);
      assert.equal(sha256(ok.body), layer.digest);
      assert.equal(hub.count('GET', new RegExp(`${layer.digest}$`)), 2, 'the second pull fetched again');
    });
  }
});

describe('upstream redirects', () => {
  test('a blob redirected to a CDN is fetched there, without the registry token', async () => {
    const img = await hub.pusher().pushImage('someorg/redirected', '1', { layers: 1, layerSize: 50_000 });
    const layer = img.layers[0]!;
    reset();
    hub.fault = (r) => (r.path.endsWith(layer.digest) ? { kind: 'redirect' } : undefined);
    const r = await guest().req('GET', `/v2/${DP}/someorg/redirected/blobs/${layer.digest}`);
    hub.fault = undefined;
    assert.equal(r.status, 200);
    assert.equal(sha256(r.body), layer.digest);
    const toCdn = hub.requests.filter((q) => q.path === `/cdn/${layer.digest}`);
    assert.equal(toCdn.length, 1, 'the redirect was followed');
    assert.equal(toCdn[0]!.authorized, false, 'and the Authorization header stayed behind');
    assert.equal(hub.requests.find((q) => q.path.endsWith(`/blobs/${layer.digest}`))?.authorized, true);
  });

  test('a blob upstream answers with 5xx or 429 is not cached, and the client gets a clear error', async () => {
    const img = await hub.pusher().pushImage('someorg/flaky', '1', { layers: 1, layerSize: 10_000 });
    const layer = img.layers[0]!;
    for (const status of [503, 429]) {
      hub.fault = (r) => (r.method === 'GET' && r.path.endsWith(layer.digest) ? { kind: 'status', status } : undefined);
      const r = await guest().req('GET', `/v2/${DP}/someorg/flaky/blobs/${layer.digest}`);
      assert.equal(r.status, status === 429 ? 429 : 503);
      assert.equal(r.json().errors[0].code, status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE');
      assert.equal(await t.app.store.findBlob(layer.digest), undefined);
    }
    hub.fault = undefined;
    const ok = await guest().req('GET', `/v2/${DP}/someorg/flaky/blobs/${layer.digest}`);
    assert.equal(sha256(ok.body), layer.digest);
  });
});

describe('outages', () => {
  test('upstream 503 or 429: a cached tag is served within the stale-if-error window, with a warning', async () => {
    const c = guest();
    reset();
    assert.equal((await c.req('GET', `/v2/${DP}/alpine/manifests/3.20`)).status, 200);
    for (const status of [503, 429]) {
      hub.fault = (r) => (r.path.includes('/manifests/') ? { kind: 'status', status } : undefined);
      const stale = await c.req('GET', `/v2/${DP}/alpine/manifests/3.20`);
      assert.equal(stale.status, 200);
      assert.equal(stale.body.toString(), alpine.bytes);
      assert.match(stale.headers.get('warning') ?? '', /^110 berth "upstream failing/);
    }
    hub.fault = (r) => (r.path.includes('/manifests/') ? { kind: 'reset' } : undefined);
    assert.equal((await c.req('GET', `/v2/${DP}/alpine/manifests/3.20`)).status, 200, 'connection reset too');

    clockOffset = 2 * HOUR; // beyond the 1 h window since upstream last confirmed the tag
    try {
      const gone = await c.req('GET', `/v2/${DP}/alpine/manifests/3.20`);
      assert.equal(gone.status, 503);
      assert.equal(gone.json().errors[0].code, 'UNAVAILABLE');
      assert.match(gone.json().errors[0].message, /stale-if-error window/);
      const digest = await c.req('GET', `/v2/${DP}/alpine/manifests/${alpine.digest}`);
      assert.equal(digest.status, 200, 'a cached digest is always served');
    } finally {
      clockOffset = 0;
      hub.fault = undefined;
    }
  });

  test('429 with nothing cached is passed on with Retry-After; 5xx is UNAVAILABLE', async () => {
    const c = guest();
    hub.fault = (r) =>
      r.path.includes('/manifests/') ? { kind: 'status', status: 429, headers: { 'retry-after': '60' } } : undefined;
    const limited = await c.req('GET', `/v2/${DP}/never-cached/manifests/1`);
    assert.equal(limited.status, 429);
    assert.equal(limited.json().errors[0].code, 'TOOMANYREQUESTS');
    assert.equal(limited.headers.get('retry-after'), '60');
    hub.fault = (r) => (r.path.includes('/manifests/') ? { kind: 'status', status: 502 } : undefined);
    const down = await c.req('GET', `/v2/${DP}/never-cached/manifests/1`);
    assert.equal(down.status, 503);
    hub.fault = undefined;
  });
});

describe('skopeo through the proxy', () => {
  test('single- and multi-arch images copy out with the digests upstream has, then come from cache', async () => {
    const { digest: indexDigest } = await pushMultiArch(hub.pusher(), 'library/multi', 'latest', [
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ]);

    const s = new Skopeo(mkdtempSync(join(dir, 'skopeo-')));
    const creds = ['--src-tls-verify=false', '--src-creds', `guest:${PASSWORD}`];
    const host = new URL(t.url).host;
    const single = join(dir, 'out-single');
    await s.ok(['copy', '--preserve-digests', ...creds, `docker://${host}/${DP}/alpine:3.20`, `oci:${single}:v`]);
    const layout = JSON.parse(readFileSync(join(single, 'index.json'), 'utf8'));
    assert.equal(layout.manifests[0].digest, alpine.digest, 'the digest upstream has');

    reset();
    const multi = join(dir, 'out-multi');
    await s.ok([
      'copy',
      '--all',
      '--preserve-digests',
      ...creds,
      `docker://${host}/${DP}/multi:latest`,
      `oci:${multi}:v`,
    ]);
    const multiLayout = JSON.parse(readFileSync(join(multi, 'index.json'), 'utf8'));
    assert.equal(multiLayout.manifests[0].digest, indexDigest);
    assert.equal(hub.count('GET', /\/manifests\//), 3, 'the index, then each child once');
    const blobGets = hub.count('GET', /\/blobs\//);

    reset();
    const again = join(dir, 'out-multi-2');
    await s.ok([
      'copy',
      '--all',
      '--preserve-digests',
      ...creds,
      `docker://${host}/${DP}/multi:latest`,
      `oci:${again}:v`,
    ]);
    assert.equal(
      hub.count('GET', /\/(manifests|blobs)\//),
      0,
      `warm: no upstream GET (the cold copy made ${blobGets} blob GETs)`,
    );
    assert.equal(hub.count('HEAD', /\/manifests\/latest$/), 1, 'one HEAD revalidates the tag');
  });
});

describe('GraphQL: settings, TTL policy, cache contents, purges', () => {
  let ownerToken: string;
  let guestToken: string;
  const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V, token = ownerToken) =>
    graphql(t.url, doc, variables, bearer(token));

  before(async () => {
    await user(t, 'owner');
    await identity(t).setMember('owner', 'ci', 'owner');
    ownerToken = (await identity(t).createPersonalAccessToken('owner', { name: 'ui', scopes: ['api'] })).secret;
    guestToken = (await identity(t).createPersonalAccessToken('guest', { name: 'ui2', scopes: ['api'] })).secret;
  });

  test("the group's cache as GitLab's pages read it", async () => {
    const r = await gql(GroupDependencyProxyDocument, { fullPath: 'ci' }, guestToken);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const g = r.data!.group!;
    assert.deepEqual(g.dependencyProxySetting, { enabled: true, identity: null });
    assert.deepEqual(g.dependencyProxyImageTtlPolicy, { enabled: true, ttl: 90 });
    assert.equal(g.dependencyProxyImagePrefix, `${new URL(t.url).host}/ci/dependency_proxy/containers`);
    assert.ok(g.dependencyProxyImageCount >= 3, `images: ${g.dependencyProxyImageCount}`);
    assert.ok(g.dependencyProxyBlobCount >= 3, `blobs: ${g.dependencyProxyBlobCount}`);
    assert.ok(Number(g.dependencyProxyTotalSizeBytes) > 2 * 1024 * 1024);
    assert.match(g.dependencyProxyTotalSize, /^\d+(\.\d+)? MB$/);
    assert.deepEqual(g.dependencyProxyUpstreamRateLimit, { limit: 100, remaining: 42 });
    const alpineRow = g.dependencyProxyManifests!.nodes!.find((n) => n!.digest === alpine.digest)!;
    assert.equal(alpineRow.imageName, 'library/alpine');
    assert.equal(alpineRow.fileName, 'library/alpine:3.20.json');
    assert.equal(alpineRow.status, 'DEFAULT');
    assert.match(alpineRow.id, /^gid:\/\/berth\/DependencyProxy::Manifest\/\d+$/);
    assert.match(alpineRow.size, /^\d+ Bytes$/);
    assert.ok(g.dependencyProxyBlobs!.nodes!.some((n) => n!.fileName === `${big.layers[0]!.digest.slice(7)}.gz`));

    const outsider = await graphql(t.url, GroupDependencyProxyDocument, { fullPath: 'ci' }, {});
    assert.equal(outsider.data?.group, null, 'a private group is invisible to anonymous callers');
  });

  test('updateDependencyProxySettings (Owner): credentials go upstream as Basic auth and are never readable', async () => {
    const refused = await gql(
      UpdateDependencyProxySettingsDocument,
      { input: { groupPath: 'ci', enabled: false } },
      guestToken,
    );
    assert.match(refused.errors?.[0]?.message ?? '', /don't have permission/);
    const half = await gql(UpdateDependencyProxySettingsDocument, { input: { groupPath: 'ci', identity: 'x' } });
    assert.deepEqual(half.data?.updateDependencyProxySettings?.errors, [
      'Identity and secret must both be set, or neither',
    ]);

    const wrong = await gql(UpdateDependencyProxySettingsDocument, {
      input: { groupPath: 'ci', identity: 'hubuser', secret: 'not-the-password' },
    });
    assert.deepEqual(wrong.data?.updateDependencyProxySettings, {
      errors: [],
      dependencyProxySetting: { enabled: true, identity: 'hubuser' },
    });
    const stored = await t.app.db.em.getKnex()('dependency_proxy_group_settings').first('secret_encrypted');
    assert.ok(!String(stored.secret_encrypted).includes('not-the-password'), 'stored encrypted');
    await hub.pusher().pushImage('someorg/private', '1');
    const denied = await guest().req('GET', `/v2/${DP}/someorg/private/manifests/1`);
    assert.equal(denied.status, 403, 'the hub refused the wrong secret');

    await gql(UpdateDependencyProxySettingsDocument, {
      input: { groupPath: 'ci', identity: 'hubuser', secret: 'hub-secret' },
    });
    const ok = await guest().req('GET', `/v2/${DP}/someorg/private/manifests/1`);
    assert.equal(ok.status, 200, ok.body.toString());

    const cleared = await gql(UpdateDependencyProxySettingsDocument, {
      input: { groupPath: 'ci', identity: '', secret: '' },
    });
    assert.deepEqual(cleared.data?.updateDependencyProxySettings?.dependencyProxySetting, {
      enabled: true,
      identity: null,
    });
  });

  test('purge one image (berth addition), then the whole cache; the next pull fetches again', async () => {
    const before = (await gql(GroupDependencyProxyDocument, { fullPath: 'ci' })).data!.group!;
    const one = await gql(PurgeDependencyProxyCacheDocument, { input: { groupPath: 'ci', imageName: 'alpine' } });
    assert.equal(one.data?.purgeDependencyProxyCache?.errors.length, 0);
    assert.ok((one.data?.purgeDependencyProxyCache?.manifests ?? 0) >= 2, 'alpine:3.20 and alpine:edge');
    const after1 = (await gql(GroupDependencyProxyDocument, { fullPath: 'ci' })).data!.group!;
    assert.equal(
      after1.dependencyProxyImageCount,
      before.dependencyProxyImageCount - one.data!.purgeDependencyProxyCache!.manifests,
    );
    assert.ok(!after1.dependencyProxyManifests!.nodes!.some((n) => n!.imageName === 'library/alpine'));

    reset();
    assert.equal((await guest().req('GET', `/v2/${DP}/alpine/manifests/3.20`)).status, 200);
    assert.equal(hub.count('GET', /\/manifests\/3\.20$/), 1, 'fetched again after the purge');

    const all = await gql(PurgeDependencyProxyCacheDocument, { input: { groupPath: 'ci' } });
    assert.ok((all.data?.purgeDependencyProxyCache?.blobs ?? 0) > 0);
    const empty = (await gql(GroupDependencyProxyDocument, { fullPath: 'ci' })).data!.group!;
    assert.equal(empty.dependencyProxyImageCount, 0);
    assert.equal(empty.dependencyProxyBlobCount, 0);
  });

  test('a pull refreshes read_at by the same clock eviction uses: pulled on day 6, kept on day 8', async () => {
    const image = `/v2/${DP}/someorg/big/manifests/1`;
    assert.equal((await guest().req('GET', image)).status, 200);
    await gql(UpdateDependencyProxyImageTtlGroupPolicyDocument, { input: { groupPath: 'ci', ttl: 7 } });
    const cached = async () =>
      (await gql(GroupDependencyProxyDocument, { fullPath: 'ci' })).data!.group!.dependencyProxyManifests!.nodes!.some(
        (m) => m?.imageName === 'someorg/big',
      );
    try {
      clockOffset = 6 * 24 * HOUR;
      assert.equal((await guest().req('GET', image)).status, 200); // revalidated and read on day 6
      clockOffset = 8 * 24 * HOUR;
      await t.app.jobs.evictProxyCaches();
      assert.ok(await cached(), 'day 8: read two days ago, kept');
      clockOffset = 14 * 24 * HOUR;
      await t.app.jobs.evictProxyCaches();
      assert.ok(!(await cached()), 'day 14: unread for 8 days, evicted');
    } finally {
      clockOffset = 0;
    }
  });

  test('the TTL policy evicts what was not pulled within it, in the background job', async () => {
    assert.equal((await guest().req('GET', `/v2/${DP}/alpine/manifests/3.20`)).status, 200);
    const bad = await gql(UpdateDependencyProxyImageTtlGroupPolicyDocument, { input: { groupPath: 'ci', ttl: 0 } });
    assert.deepEqual(bad.data?.updateDependencyProxyImageTtlGroupPolicy?.errors, ['Ttl must be greater than 0']);
    const set = await gql(UpdateDependencyProxyImageTtlGroupPolicyDocument, { input: { groupPath: 'ci', ttl: 7 } });
    assert.deepEqual(set.data?.updateDependencyProxyImageTtlGroupPolicy?.dependencyProxyImageTtlPolicy, {
      enabled: true,
      ttl: 7,
    });

    clockOffset = 6 * 24 * HOUR;
    try {
      await t.app.jobs.evictProxyCaches();
      assert.ok(
        (await gql(GroupDependencyProxyDocument, { fullPath: 'ci' })).data!.group!.dependencyProxyImageCount > 0,
        'day 6: kept',
      );
      clockOffset = 8 * 24 * HOUR;
      assert.ok((await t.app.jobs.evictProxyCaches()) > 0);
      assert.equal(
        (await gql(GroupDependencyProxyDocument, { fullPath: 'ci' })).data!.group!.dependencyProxyImageCount,
        0,
        'day 8: evicted',
      );
      // Evicted blobs go to garbage collection: a day later, those no other cache or image holds are
      // deleted from storage, bytes and all.
      const before = storedBlobs(t.dir).bytes;
      clockOffset = 8 * 24 * HOUR + 25 * HOUR;
      const run = await t.app.jobs.collectGarbage();
      assert.ok(run.blobs > 0, 'evicted blobs were collected');
      assert.equal(before - storedBlobs(t.dir).bytes, run.bytes, 'bytes on disk dropped by what was reported');
    } finally {
      clockOffset = 0;
    }
  });
});

describe('a transparent mirror (BERTH_MIRROR_GROUP) with several upstreams (?ns=)', () => {
  let m: TestApp;

  before(async () => {
    m = await startTestApp({
      BERTH_PROXY_UPSTREAM_URL: hub.url,
      BERTH_MIRROR_GROUP: 'mirror',
      BERTH_PROXY_UPSTREAMS: `other.example=${hub.url}`,
    });
    await namespaces(m).createGroup('mirror');
    await m.project('own/app');
    await user(m, 'dev');
    await identity(m).setMember('dev', 'mirror', 'guest');
    await identity(m).setMember('dev', 'own', 'developer');
  });
  after(() => m?.close());

  const dev = () => new OciClient(m.url, { username: 'dev', password: PASSWORD });

  test("Docker Hub names at the root, as a daemon's registry-mirrors asks, through the group's cache", async () => {
    const r = await dev().req('GET', '/v2/library/alpine/manifests/3.20');
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.body.toString(), alpine.bytes);
    const row = await m.app.db.em
      .getKnex()('dependency_proxy_manifests')
      .first('image_name')
      .where('digest', alpine.digest);
    assert.equal(row?.image_name, 'library/alpine');
    const blob = await dev().req('GET', `/v2/library/alpine/blobs/${alpine.layers[0]!.digest}`);
    assert.equal(sha256(blob.body), alpine.layers[0]!.digest);
    assert.equal(
      (await new OciClient(m.url).req('GET', '/v2/library/alpine/manifests/3.20')).status,
      401,
      'signed in only',
    );
  });

  test("berth's own projects keep their names", async () => {
    const img = await dev().pushImage('own/app', 'v1');
    const r = await dev().req('GET', '/v2/own/app/manifests/v1');
    assert.equal(r.body.toString(), img.bytes);
  });

  test("containerd's ns: Docker Hub, a configured upstream (cached apart), an unknown one", async () => {
    const hubNs = await dev().req('GET', '/v2/library/alpine/manifests/3.20?ns=docker.io');
    assert.equal(hubNs.status, 200);
    assert.equal(hubNs.headers.get('oci-namespace'), 'docker.io');
    const other = await dev().req('GET', '/v2/library/alpine/manifests/3.20?ns=other.example');
    assert.equal(other.status, 200, other.body.toString());
    assert.equal(other.headers.get('oci-namespace'), 'other.example');
    const rows = await m.app.db.em
      .getKnex()('dependency_proxy_manifests')
      .select('image_name')
      .where('digest', alpine.digest);
    assert.deepEqual(rows.map((r: { image_name: string }) => r.image_name).sort(), [
      'library/alpine',
      'other.example/library/alpine',
    ]);
    const unknown = await dev().req('GET', '/v2/library/alpine/manifests/3.20?ns=nowhere.example');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().errors[0].code, 'NAME_UNKNOWN');
  });
});

describe('observability', () => {
  test('cache outcomes, upstream requests, coalesced waiters and Docker Hub rate limits at /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(text, /^berth_proxy_cache_total\{outcome="manifest_hit"\} [1-9]/m);
    assert.match(text, /^berth_proxy_cache_total\{outcome="blob_miss"\} [1-9]/m);
    assert.match(text, /^berth_proxy_upstream_requests_total\{request="HEAD 200"\} [1-9]/m);
    assert.match(text, /^berth_proxy_coalesced_total\{kind="blob"\} (1[9]|[2-9]\d)/m);
    assert.match(text, /^berth_proxy_upstream_ratelimit_limit 100$/m);
    assert.match(text, /^berth_proxy_upstream_ratelimit_remaining 42$/m);
  });
});
