/**
 * Two berth instances on one database and one storage directory (the production shape, minus the load
 * balancer): what one instance pushes, the other serves at once; an aborted download harms neither.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp, testEnv } from '../helpers/test-app.js';

let a: TestApp;
let b: App;
let ca: OciClient;
let cb: OciClient;

before(async () => {
  a = await startTestApp();
  await a.project('multi/proj');
  b = await buildApp(loadConfig(testEnv(a.dir)));
  ca = new OciClient(a.url, ROOT);
  cb = new OciClient(await b.listen(0, '127.0.0.1'), ROOT);
});
after(async () => {
  await b.close();
  await a.close();
});

test('an image pushed through one instance is pulled through the other immediately', async () => {
  await cb.req('GET', '/v2/multi/proj/img/manifests/v1'); // warm B's caches with a miss
  const img = await ca.pushImage('multi/proj/img', 'v1', { layers: 2, layerSize: 200_000 });
  const m = await cb.req('GET', '/v2/multi/proj/img/manifests/v1');
  assert.equal(m.status, 200);
  assert.equal(m.body.toString(), img.bytes);
  for (const l of img.layers)
    assert.equal(sha256((await cb.req('GET', `/v2/multi/proj/img/blobs/${l.digest}`)).body), l.digest);
  assert.deepEqual((await cb.req('GET', '/v2/multi/proj/img/tags/list')).json().tags, ['v1']);
});

test('a chunked upload may move between instances mid-session', async () => {
  const data = randomBytes(500_000);
  const loc = (await ca.req('POST', '/v2/multi/proj/img/blobs/uploads/')).headers.get('location')!;
  assert.equal(
    (await ca.req('PATCH', loc, { body: data.subarray(0, 200_000), headers: { 'content-range': '0-199999' } })).status,
    202,
  );
  assert.equal(
    (
      await cb.req('PATCH', loc, {
        body: data.subarray(200_000),
        headers: { 'content-range': `200000-${data.length - 1}` },
      })
    ).status,
    202,
  );
  assert.equal((await ca.req('PUT', `${loc}?digest=${sha256(data)}`)).status, 201);
  assert.equal(sha256((await cb.req('GET', `/v2/multi/proj/img/blobs/${sha256(data)}`)).body), sha256(data));
});

test('a client that hangs up mid-download leaves the server serving', async () => {
  const big = randomBytes(8 * 1024 * 1024);
  const { digest } = await ca.pushBlob('multi/proj/img', big);
  await new Promise<void>((resolve, reject) => {
    const req = request(`${a.url}/v2/multi/proj/img/blobs/${digest}`, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
    req.end();
  });
  const again = await ca.req('GET', `/v2/multi/proj/img/blobs/${digest}`);
  assert.equal(again.status, 200);
  assert.equal(sha256(again.body), digest);
});
