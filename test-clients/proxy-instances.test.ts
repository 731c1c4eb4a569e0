/**
 * The dependency proxy on two berth instances that share the database, the storage directory and Redis
 * (BERTH_TEST_REDIS_URL; .ci/run sets it): 20 concurrent cold pulls spread over both cause one upstream GET
 * per blob and per manifest, and the clients of both instances stream while the one download runs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type App, buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { identity, namespaces, user } from '../test/auth/helpers.js';
import { OciClient } from '../test/helpers/oci-client.js';
import { startTestApp, type TestApp, testEnv } from '../test/helpers/test-app.js';
import { type FakeHub, startFakeHub } from './helpers/fake-hub.js';

const REDIS = process.env.BERTH_TEST_REDIS_URL;
const DP = 'ci/dependency_proxy/containers';
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function get(url: string, token: string): Promise<{ status: number; body: Buffer; firstByte: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let firstByte = 0;
      res.on('data', (c: Buffer) => {
        firstByte ||= performance.now();
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), firstByte }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the proxy on two instances sharing Redis', {
  skip: REDIS ? false : 'set BERTH_TEST_REDIS_URL to run',
}, () => {
  let dir: string;
  let hub: FakeHub;
  let a: TestApp;
  let b: App;
  let bUrl: string;
  let image: Awaited<ReturnType<OciClient['pushImage']>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-proxy2-'));
    hub = await startFakeHub(join(dir, 'hub'));
    image = await hub.pusher().pushImage('someorg/shared', '1', { layers: 1, layerSize: 2 * 1024 * 1024 });
    const env = { BERTH_REDIS_URL: REDIS as string, BERTH_PROXY_UPSTREAM_URL: hub.url };
    a = await startTestApp(env);
    b = await buildApp(loadConfig(testEnv(a.dir, env)));
    bUrl = await b.listen(0, '127.0.0.1');
    await namespaces(a).createGroup('ci');
    await user(a, 'puller');
    await identity(a).setMember('puller', 'ci', 'guest');
  });

  after(async () => {
    await b?.close();
    await a?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('20 cold manifest pulls over both instances: one upstream GET', async () => {
    hub.requests.length = 0;
    const client = (base: string) => new OciClient(base, { username: 'puller', password: 'correct horse battery' });
    const token = await client(a.url).token([`repository:${DP}/someorg/shared:pull`]);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client(i % 2 ? bUrl : a.url).send('GET', `/v2/${DP}/someorg/shared/manifests/1`, {}, token),
      ),
    );
    for (const r of results) assert.equal(r.body.toString(), image.bytes);
    assert.equal(hub.count('GET', /\/manifests\/1$/), 1);
  });

  test('20 cold blob pulls over both instances: one upstream GET, every client streaming', async () => {
    hub.requests.length = 0;
    hub.blobRate = 2 * 1024 * 1024;
    const layer = image.layers[0]!;
    const token = await new OciClient(a.url, { username: 'puller', password: 'correct horse battery' }).token([
      `repository:${DP}/someorg/shared:pull`,
    ]);
    const start = performance.now();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        get(`${i % 2 ? bUrl : a.url}/v2/${DP}/someorg/shared/blobs/${layer.digest}`, token),
      ),
    );
    const total = performance.now() - start;
    hub.blobRate = 0;
    for (const r of results) {
      assert.equal(r.status, 200);
      assert.equal(sha256(r.body), layer.digest);
    }
    assert.equal(hub.count('GET', /\/blobs\/sha256:/), 1, 'one upstream GET for both instances');
    const upstreamDone = hub.requests.find((q) => q.path.endsWith(layer.digest) && q.endedAt)?.endedAt as number;
    const latestFirstByte = Math.max(...results.map((r) => r.firstByte));
    assert.ok(
      latestFirstByte < upstreamDone,
      `every client's first byte came before upstream finished sending (${Math.round(latestFirstByte - start)} ms < ${Math.round(upstreamDone - start)} ms of ${Math.round(total)} ms)`,
    );
  });
});
