/**
 * Pushes race garbage collection with a review delay of zero: pushers re-upload and mount shared layers,
 * move and delete tags, while two collectors review continuously. Pushes may be refused (a layer the
 * collector took a moment before the manifest arrived is unknown: the client uploads it again), but every
 * manifest the registry stored must find every blob it lists, whole. Then everything is untagged, and
 * collection must leave storage empty.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { blobRowsWithoutBytes, storedBlobs } from '../helpers/disk.js';
import { imageManifest, OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp({ BERTH_GC_REVIEW_DELAY: '0', BERTH_GC_INTERVAL: '0' });
  await t.project('race/app');
});
after(() => t.close());

const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const REPOS = ['race/app/a', 'race/app/b'];

test('pushes racing garbage collection (delay 0) never leave a stored manifest without its blobs', async () => {
  const c = new OciClient(t.url, ROOT);
  const shared = Array.from({ length: 6 }, () => randomBytes(20_000 + Math.floor(Math.random() * 20_000)));
  const outcome = { stored: 0, refused: 0, mounted: 0 };
  let pushing = true;

  async function pusher(p: number) {
    for (let i = 0; i < 12; i++) {
      const repo = REPOS[(p + i) % 2] as string;
      const other = REPOS[(p + i + 1) % 2] as string;
      const picks = [shared[(p + i) % 6], shared[(p * 3 + i) % 6]] as Buffer[];
      const fresh = randomBytes(5_000);
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', p, i }));
      await c.pushBlob(repo, config);
      for (const [k, bytes] of [...picks, fresh].entries()) {
        if (k === 0 && i % 3 === 0) {
          // Cross-repository mount, the way clients reuse layers; an upload when it cannot mount.
          const m = await c.req('POST', `/v2/${repo}/blobs/uploads/?mount=${sha256(bytes)}&from=${other}`);
          if (m.status === 201) {
            outcome.mounted++;
            continue;
          }
          assert.equal(m.status, 202, m.body.toString());
        }
        await c.pushBlob(repo, bytes);
      }
      const manifest = imageManifest(
        { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        [...new Set([...picks, fresh])].map((b) => ({ mediaType: LAYER, digest: sha256(b), size: b.length })),
      );
      const r = await c.pushManifest(repo, `p${p}-${i % 3}`, manifest);
      if (r.status === 201) outcome.stored++;
      else {
        assert.equal(
          r.json().errors?.[0]?.code,
          'MANIFEST_BLOB_UNKNOWN',
          `only this refusal is acceptable: ${r.status} ${r.body}`,
        );
        outcome.refused++;
      }
      if (i % 4 === 3) await c.req('DELETE', `/v2/${repo}/manifests/p${p}-${(i + 1) % 3}`);
    }
  }

  let reviews = 0;
  async function collector() {
    while (pushing) {
      const r = await t.app.jobs.garbage.collect();
      reviews += r.manifests + r.blobs;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
    }
  }

  const collectors = [collector(), collector()];
  try {
    await Promise.all([0, 1, 2, 3].map(pusher));
  } finally {
    pushing = false;
    await Promise.all(collectors);
  }
  assert.ok(outcome.stored > 0, 'some pushes got through');
  assert.ok(reviews > 0, 'garbage was collected during the race');

  // Every blob row has its bytes: collection never left a row without them.
  const knex = t.app.db.em.getKnex();
  assert.deepEqual(await blobRowsWithoutBytes(t.dir, await knex('blobs').select('digest', 'size')), []);
  // Every manifest still stored finds every blob it lists, with the right bytes.
  const refs: { path: string; digest: string; size: number }[] = await knex('manifest_blobs as mb')
    .join('manifests as m', 'm.id', 'mb.manifest_id')
    .join('container_repositories as r', 'r.id', 'm.repository_id')
    .join('blobs as b', 'b.id', 'mb.blob_id')
    .select('r.path', 'b.digest', 'b.size');
  assert.ok(refs.length > 0);
  for (const ref of refs) {
    const r = await c.req('GET', `/v2/${ref.path}/blobs/${ref.digest}`);
    assert.equal(r.status, 200, `${ref.path}@${ref.digest}`);
    assert.equal(sha256(r.body), ref.digest);
  }
  // And every tag pulls.
  for (const repo of REPOS) {
    const tags: string[] = (await c.req('GET', `/v2/${repo}/tags/list`)).json().tags ?? [];
    for (const tag of tags) {
      const r = await c.req('GET', `/v2/${repo}/manifests/${tag}`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      assert.equal(r.status, 200);
    }
  }
  console.log(
    `race: ${outcome.stored} manifests stored, ${outcome.refused} refused (blob collected first), ${outcome.mounted} mounts, ` +
      `${reviews} objects collected during the race, ${refs.length} references verified`,
  );

  // Untag everything: collection must leave nothing behind, in the database or on disk.
  for (const repo of REPOS) {
    const tags: string[] = (await c.req('GET', `/v2/${repo}/tags/list`)).json().tags ?? [];
    for (const tag of tags) assert.equal((await c.req('DELETE', `/v2/${repo}/manifests/${tag}`)).status, 202);
  }
  for (let i = 0; i < 5; i++) await t.app.jobs.garbage.collect();
  assert.equal(Number((await knex('manifests').count({ n: '*' }))[0]?.n), 0);
  assert.equal(Number((await knex('blobs').count({ n: '*' }))[0]?.n), 0);
  assert.deepEqual(storedBlobs(t.dir), { files: 0, bytes: 0 });
});
