/**
 * Online garbage collection through the real protocol: what tags, indexes, subjects and caches still
 * reference survives; what nothing references is deleted after the review delay, rows and bytes (measured
 * on disk). Time is moved, not waited for (BuildOptions.clock).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { storedBlobs } from '../helpers/disk.js';
import { imageManifest, OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const HOUR = 3_600_000;
let now = Date.now();
let t: TestApp;
let c: OciClient;

before(async () => {
  t = await startTestApp({ BERTH_GC_INTERVAL: '0' }, { clock: () => now });
  await t.project('gc/app');
  c = new OciClient(t.url, ROOT);
});
after(() => t.close());

const layer = (bytes: Buffer) => ({
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: sha256(bytes),
  size: bytes.length,
});
const collect = () => t.app.jobs.collectGarbage();

async function pushImage(name: string, ref: string, layers: Buffer[], extra: Record<string, unknown> = {}) {
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', salt: randomBytes(8).toString('hex') }),
  );
  await c.pushBlob(name, config);
  for (const l of layers) await c.pushBlob(name, l);
  const manifest = imageManifest(
    { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers.map(layer),
    extra,
  );
  const r = await c.pushManifest(name, ref, manifest);
  assert.equal(r.status, 201, r.body.toString());
  return { digest: r.headers.get('docker-content-digest') as string, bytes: JSON.stringify(manifest), config };
}

async function blobStatus(name: string, digest: string) {
  return (await c.req('GET', `/v2/${name}/blobs/${digest}`)).status;
}

test('a retagged image is collected after the delay; shared layers stay; bytes on disk drop by exactly its own', async () => {
  const shared = randomBytes(300_000);
  const onlyOld = randomBytes(500_000);
  const old = await pushImage('gc/app', 'v1', [shared, onlyOld]);
  const current = await pushImage('gc/app', 'v1', [shared, randomBytes(200_000)]); // moves the tag
  const before = storedBlobs(t.dir).bytes;

  assert.deepEqual(await collect(), { manifests: 0, blobs: 0, bytes: 0 }, 'nothing is due before the delay');
  now += 25 * HOUR;
  const first = await collect();
  assert.deepEqual([first.manifests, first.blobs], [1, 0], 'the untagged manifest; its blobs are queued for later');
  assert.equal((await c.req('GET', `/v2/gc/app/blobs/${sha256(onlyOld)}`)).status, 200, 'not yet');
  now += 25 * HOUR;
  const run = await collect();
  assert.equal(run.manifests, 0);
  assert.equal(run.blobs, 2, 'the old config and the old-only layer');
  assert.equal(run.bytes, onlyOld.length + old.config.length);
  assert.equal(before - storedBlobs(t.dir).bytes, run.bytes, 'bytes on disk dropped by what was reported');

  assert.equal((await c.req('GET', `/v2/gc/app/manifests/${old.digest}`)).status, 404);
  assert.equal(await blobStatus('gc/app', sha256(onlyOld)), 404);
  const pulled = await c.req('GET', '/v2/gc/app/manifests/v1', {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  assert.equal(pulled.headers.get('docker-content-digest'), current.digest);
  const sharedPull = await c.req('GET', `/v2/gc/app/blobs/${sha256(shared)}`);
  assert.equal(sharedPull.status, 200);
  assert.equal(sha256(sharedPull.body), sha256(shared));
  assert.deepEqual(await t.app.jobs.garbage.queued(), { manifests: 0, blobs: 0 });
});

test('children an index lists and referrers of a live subject are kept; they go with it', async () => {
  const a = await pushImage('gc/app', 'untagged-child-a', [randomBytes(1000)]);
  const b = await pushImage('gc/app', 'untagged-child-b', [randomBytes(1000)]);
  for (const tag of ['untagged-child-a', 'untagged-child-b']) {
    assert.equal((await c.req('DELETE', `/v2/gc/app/manifests/${tag}`)).status, 202);
  }
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [a, b].map((m) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: m.digest,
      size: Buffer.byteLength(m.bytes),
    })),
  };
  const ir = await c.pushManifest('gc/app', 'multi', index);
  assert.equal(ir.status, 201);
  const indexDigest = ir.headers.get('docker-content-digest') as string;
  // A signature: an artifact whose subject is the index, pushed by digest (untagged).
  const sig = randomBytes(64);
  await c.pushBlob('gc/app', '{}');
  await c.pushBlob('gc/app', sig);
  const sigManifest = {
    ...imageManifest({ mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 }, [layer(sig)]),
    artifactType: 'application/vnd.example.signature',
    subject: {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: indexDigest,
      size: Buffer.byteLength(JSON.stringify(index)),
    },
  };
  const sr = await c.pushManifest('gc/app', sha256(JSON.stringify(sigManifest)), sigManifest);
  assert.equal(sr.status, 201);

  now += 25 * HOUR;
  await collect();
  for (const d of [a.digest, b.digest, indexDigest, sr.headers.get('docker-content-digest') as string]) {
    assert.equal((await c.req('HEAD', `/v2/gc/app/manifests/${d}`)).status, 200, `${d} is referenced and kept`);
  }
  assert.equal(await blobStatus('gc/app', sha256(sig)), 200);

  assert.equal((await c.req('DELETE', '/v2/gc/app/manifests/multi')).status, 202);
  // Each deletion queues what it held for a review one delay later: the index, then its children and the
  // signature, then their blobs.
  const runs = [];
  for (let i = 0; i < 3; i++) {
    now += 25 * HOUR;
    runs.push(await collect());
  }
  assert.deepEqual(
    runs.map((r) => [r.manifests, r.blobs]),
    [
      [1, 0],
      [3, 0],
      [0, 6],
    ],
    'index; children and signature; their configs and layers, the empty config and the signature',
  );
  for (const d of [a.digest, b.digest, indexDigest]) {
    assert.equal((await c.req('HEAD', `/v2/gc/app/manifests/${d}`)).status, 404);
  }
  assert.equal(await blobStatus('gc/app', sha256(sig)), 404);
  assert.equal(await blobStatus('gc/app', sha256(a.config)), 404);
});

test('a blob uploaded again before its review is kept for another full delay', async () => {
  const data = randomBytes(4096);
  await c.pushBlob('gc/app', data); // never referenced by a manifest
  now += 23 * HOUR;
  await c.pushBlob('gc/app', data); // the same bytes again: postpones the review
  now += 2 * HOUR;
  await collect();
  assert.equal(await blobStatus('gc/app', sha256(data)), 200, 'within 24h of its last upload');
  now += 23 * HOUR;
  const run = await collect();
  assert.equal(run.blobs, 1);
  assert.equal(await blobStatus('gc/app', sha256(data)), 404);
});

test('a deleted repository goes through the same path; a dependency-proxy cache holding a blob keeps it', async () => {
  now += 100 * HOUR;
  await collect(); // what the earlier tests left due
  await t.project('gc/other');
  const kept = randomBytes(10_000);
  const img = await pushImage('gc/other', 'latest', [kept, randomBytes(20_000)]);
  const knex = t.app.db.em.getKnex();
  const group = await knex('groups').first('id').where('full_path', 'gc');
  await t.app.proxyStore.cacheBlob(group.id, sha256(kept), kept.length);
  const repo = await t.app.store.findRepository('gc/other');
  await t.app.store.deleteRepository(repo!.id);
  const before = storedBlobs(t.dir).bytes;
  now += 25 * HOUR;
  const run = await collect();
  assert.equal(run.manifests, 0, 'the repository deletion removed its manifests itself');
  assert.equal(run.blobs, 2, 'the config and the layer nothing else holds');
  assert.equal(before - storedBlobs(t.dir).bytes, run.bytes);
  assert.ok(await knex('blobs').first('id').where('digest', sha256(kept)), 'the proxy cache still holds it');
  assert.equal(await knex('blobs').first('id').where('digest', sha256(img.config)), undefined);

  await t.app.proxyStore.purge(group.id);
  now += 25 * HOUR;
  const purged = await collect();
  assert.equal(purged.blobs, 1);
  assert.equal(purged.bytes, kept.length);
  assert.equal(await knex('blobs').first('id').where('digest', sha256(kept)), undefined);
});

test('bytes a crash left without a row (between the collector commit and the unlink) are deleted at the next review', async () => {
  now += 100 * HOUR;
  await collect(); // what the earlier tests left due
  const data = randomBytes(7000);
  await c.pushBlob('gc/app', data);
  // The state a crash right after the collector's commit leaves: rows gone, queue row and bytes still there.
  const knex = t.app.db.em.getKnex();
  const row = await knex('blobs').first('id').where('digest', sha256(data));
  await knex('repository_blobs').where('blob_id', row.id).delete();
  await knex('blobs').where('id', row.id).delete();
  const before = storedBlobs(t.dir);
  now += 25 * HOUR;
  const run = await collect();
  assert.deepEqual([run.blobs, run.bytes], [1, data.length]);
  assert.deepEqual(storedBlobs(t.dir), { files: before.files - 1, bytes: before.bytes - data.length });
  assert.deepEqual(await t.app.jobs.garbage.queued(), { manifests: 0, blobs: 0 });
});
