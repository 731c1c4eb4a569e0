/**
 * Two instances on one database, one storage directory and one Redis (BERTH_TEST_REDIS_URL; skipped
 * without it): uploads on one race garbage collection on the other, with a review delay of zero, and the
 * blob lock (a Redis lease here) keeps every blob row with its bytes; a due cleanup policy runs once, not
 * once per instance.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { blobRowsWithoutBytes } from '../helpers/disk.js';
import { imageManifest, OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp, testEnv } from '../helpers/test-app.js';

const REDIS = process.env.BERTH_TEST_REDIS_URL;
const ENV = { BERTH_REDIS_URL: REDIS as string, BERTH_GC_REVIEW_DELAY: '0', BERTH_GC_INTERVAL: '0' };

describe('garbage collection and cleanup across instances', {
  skip: REDIS ? false : 'set BERTH_TEST_REDIS_URL to run',
}, () => {
  let a: TestApp;
  let b: App;
  let bUrl: string;

  before(async () => {
    a = await startTestApp(ENV);
    await a.project('multi/app');
    b = await buildApp(loadConfig(testEnv(a.dir, ENV)));
    bUrl = await b.listen(0, '127.0.0.1');
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  test('the same blobs uploaded again and again through A while B collects: no row is ever left without its bytes', async () => {
    const ca = new OciClient(a.url, ROOT);
    const cb = new OciClient(bUrl, ROOT);
    const shared = Array.from({ length: 4 }, () => randomBytes(50_000));
    let running = true;
    let collected = 0;
    const collector = (async () => {
      while (running) {
        collected += (await b.jobs.garbage.collect()).blobs;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      }
    })();
    let stored = 0;
    try {
      for (let round = 0; round < 25; round++) {
        await Promise.all(shared.map((bytes) => ca.pushBlob('multi/app', bytes)));
        const config = Buffer.from(JSON.stringify({ round }));
        await ca.pushBlob('multi/app', config);
        const manifest = imageManifest(
          { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
          shared.map((l) => ({
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: sha256(l),
            size: l.length,
          })),
        );
        const r = await ca.pushManifest('multi/app', `r${round % 2}`, manifest);
        if (r.status === 201) stored++;
        else assert.equal(r.json().errors?.[0]?.code, 'MANIFEST_BLOB_UNKNOWN', r.body.toString());
      }
    } finally {
      running = false;
      await collector;
    }
    assert.ok(collected > 0, 'B collected during the race');
    const knex = a.app.db.em.getKnex();
    assert.deepEqual(await blobRowsWithoutBytes(a.dir, await knex('blobs').select('digest', 'size')), []);
    for (const tag of ['r0', 'r1']) {
      const m = await cb.req('GET', `/v2/multi/app/manifests/${tag}`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      if (m.status === 404) continue;
      for (const d of [m.json().config, ...m.json().layers]) {
        const blob = await cb.req('GET', `/v2/multi/app/blobs/${d.digest}`);
        assert.equal(blob.status, 200);
        assert.equal(sha256(blob.body), d.digest);
      }
    }
    console.log(`instances: ${stored} of 25 manifests stored, ${collected} blobs collected by B meanwhile`);
  });

  test('a due cleanup policy runs on one instance only', async () => {
    const ca = new OciClient(a.url, ROOT);
    for (let i = 0; i < 5; i++) await ca.pushImage('multi/app/policy', `t-${i}`);
    const project = await a.app.db.em.getKnex()('projects').first('id').where('full_path', 'multi/app');
    await a.app.cleanup.save(project.id, { enabled: true, nameRegex: 't-.*', keepN: 1, olderThan: null });
    await a.app.db.em
      .getKnex()('container_expiration_policies')
      .where('project_id', project.id)
      .update({ next_run_at: a.app.store.now() });
    const [ranA, ranB] = await Promise.all([a.app.jobs.runCleanupPolicies(), b.jobs.runCleanupPolicies()]);
    assert.equal([...ranA, ...ranB].filter((id) => id === project.id).length, 1);
    assert.equal(a.app.cleanup.metrics.runs.get('schedule') + b.cleanup.metrics.runs.get('schedule'), 1);
    assert.equal((await ca.req('GET', '/v2/multi/app/policy/tags/list')).json().tags.length, 1);
  });
});
