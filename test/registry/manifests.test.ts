import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type Desc, imageManifest, OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const NAME = 'man/proj';
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
let t: TestApp;
let c: OciClient;

before(async () => {
  t = await startTestApp();
  c = new OciClient(t.url, ROOT);
  await t.project(NAME);
});
after(() => t.close());

async function blobs(name = NAME) {
  const config = {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    ...(await c.pushBlob(name, JSON.stringify({ os: 'linux', n: Math.random() }))),
  };
  const layer = {
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    ...(await c.pushBlob(name, randomBytes(512))),
  };
  return { config, layer };
}

describe('manifests', () => {
  test('OCI image manifest: PUT by tag, GET/HEAD by tag and digest serve the exact bytes', async () => {
    const { config, layer } = await blobs();
    // Odd spacing and key order: the bytes must come back exactly, not re-serialised.
    const bytes = `{"schemaVersion":2,  "mediaType":"${OCI}","layers":[${JSON.stringify(layer)}],"config":${JSON.stringify(config)}}\n`;
    const put = await c.pushManifest(NAME, 'v1', bytes, OCI);
    assert.equal(put.status, 201);
    const digest = sha256(bytes);
    assert.equal(put.headers.get('docker-content-digest'), digest);
    assert.equal(put.headers.get('location'), `/v2/${NAME}/manifests/${digest}`);
    for (const ref of ['v1', digest]) {
      const g = await c.req('GET', `/v2/${NAME}/manifests/${ref}`, { headers: { accept: OCI } });
      assert.equal(g.status, 200);
      assert.equal(g.body.toString(), bytes);
      assert.equal(g.headers.get('content-type'), OCI);
      assert.equal(g.headers.get('docker-content-digest'), digest);
      assert.equal(g.headers.get('etag'), `"${digest}"`);
      const h = await c.req('HEAD', `/v2/${NAME}/manifests/${ref}`);
      assert.equal(h.status, 200);
      assert.equal(h.headers.get('content-length'), String(Buffer.byteLength(bytes)));
      assert.equal(h.headers.get('docker-content-digest'), digest);
      assert.equal(h.body.length, 0);
    }
    const cond = await c.req('GET', `/v2/${NAME}/manifests/v1`, { headers: { 'if-none-match': `"${digest}"` } });
    assert.equal(cond.status, 304);
  });

  test('Docker schema 2 manifest and manifest list, with content negotiation', async () => {
    const a = await blobs();
    const b = await blobs();
    const toDocker = (d: Desc, t: string) => ({ ...d, mediaType: t });
    const m1 = {
      schemaVersion: 2,
      mediaType: DOCKER,
      config: toDocker(a.config, 'application/vnd.docker.container.image.v1+json'),
      layers: [toDocker(a.layer, 'application/vnd.docker.image.rootfs.diff.tar.gzip')],
    };
    const m2 = {
      ...m1,
      config: toDocker(b.config, 'application/vnd.docker.container.image.v1+json'),
      layers: [toDocker(b.layer, 'application/vnd.docker.image.rootfs.diff.tar.gzip')],
    };
    const r1 = await c.pushManifest(NAME, sha256(JSON.stringify(m1)), m1);
    const r2 = await c.pushManifest(NAME, sha256(JSON.stringify(m2)), m2);
    assert.equal(r1.status, 201);
    assert.equal(r2.status, 201);
    const list = {
      schemaVersion: 2,
      mediaType: DOCKER_LIST,
      manifests: [
        {
          mediaType: DOCKER,
          digest: sha256(JSON.stringify(m2)),
          size: JSON.stringify(m2).length,
          platform: { architecture: 'arm64', os: 'linux' },
        },
        {
          mediaType: DOCKER,
          digest: sha256(JSON.stringify(m1)),
          size: JSON.stringify(m1).length,
          platform: { architecture: 'amd64', os: 'linux' },
        },
      ],
    };
    assert.equal((await c.pushManifest(NAME, 'multi', list)).status, 201);
    const full = await c.req('GET', `/v2/${NAME}/manifests/multi`, {
      headers: { accept: `${DOCKER_LIST}, ${DOCKER}` },
    });
    assert.equal(full.headers.get('content-type'), DOCKER_LIST);
    assert.equal(full.body.toString(), JSON.stringify(list));
    // A client that accepts only single-image manifests gets the linux/amd64 one.
    const old = await c.req('GET', `/v2/${NAME}/manifests/multi`, { headers: { accept: DOCKER } });
    assert.equal(old.status, 200);
    assert.equal(old.headers.get('docker-content-digest'), sha256(JSON.stringify(m1)));
    // A client that accepts only OCI types cannot read a Docker manifest.
    const oci = await c.req('GET', `/v2/${NAME}/manifests/${sha256(JSON.stringify(m1))}`, { headers: { accept: OCI } });
    assert.equal(oci.status, 404);
    assert.equal(oci.json().errors[0].code, 'MANIFEST_UNKNOWN');
    const any = await c.req('GET', `/v2/${NAME}/manifests/multi`, { headers: { accept: '*/*' } });
    assert.equal(any.headers.get('content-type'), DOCKER_LIST);
  });

  test('OCI index whose child is missing is MANIFEST_BLOB_UNKNOWN naming it; deleting a listed child is refused', async () => {
    const { config, layer } = await blobs();
    const child = imageManifest(config, [layer]);
    const childBytes = JSON.stringify(child);
    const ghost = sha256('ghost');
    const bad = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI, digest: ghost, size: 10 }] };
    const r = await c.pushManifest(NAME, 'idx', bad);
    assert.equal(r.status, 404);
    assert.equal(r.json().errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
    assert.ok(r.json().errors[0].message.includes(ghost));
    assert.deepEqual(r.json().errors[0].detail.missing, [ghost]);
    assert.equal((await c.pushManifest(NAME, sha256(childBytes), childBytes, OCI)).status, 201);
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI, digest: sha256(childBytes), size: childBytes.length }],
    };
    const ok = await c.pushManifest(NAME, 'idx', index);
    assert.equal(ok.status, 201);
    const del = await c.req('DELETE', `/v2/${NAME}/manifests/${sha256(childBytes)}`);
    assert.equal(del.status, 403);
    assert.equal(del.json().errors[0].code, 'DENIED');
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/${sha256(childBytes)}`)).status, 200);
  });

  test('a manifest referencing a blob the repository lacks is MANIFEST_BLOB_UNKNOWN and stores nothing', async () => {
    const { config } = await blobs();
    const missing = sha256('not uploaded');
    const m = imageManifest(config, [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: missing, size: 12 },
    ]);
    const r = await c.pushManifest(NAME, 'broken', m);
    assert.equal(r.status, 404);
    assert.equal(r.json().errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
    assert.ok(r.json().errors[0].message.includes(missing));
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/broken`)).status, 404);
    // A blob in another repository does not count: it must be mounted or pushed here.
    await t.project('man/elsewhere');
    const other = await blobs('man/elsewhere');
    const cross = await c.pushManifest(NAME, 'cross', imageManifest(other.config, [other.layer]));
    assert.equal(cross.json().errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
  });

  test('a descriptor whose size disagrees with the blob is MANIFEST_INVALID', async () => {
    const { config, layer } = await blobs();
    const r = await c.pushManifest(NAME, 'sizes', imageManifest(config, [{ ...layer, size: layer.size + 1 }]));
    assert.equal(r.status, 400);
    assert.equal(r.json().errors[0].code, 'MANIFEST_INVALID');
  });

  test('bad manifests: JSON, schema, digest mismatch, size limit, invalid tag', async () => {
    const cases: [string, string, string][] = [
      ['not json', '{"schemaVersion":', 'MANIFEST_INVALID'],
      ['array', '[]', 'MANIFEST_INVALID'],
      ['schema 1', '{"schemaVersion":1}', 'MANIFEST_INVALID'],
      [
        'no layers',
        `{"schemaVersion":2,"mediaType":"${OCI}","config":{"mediaType":"x","digest":"${sha256('x')}","size":1}}`,
        'MANIFEST_INVALID',
      ],
      [
        'bad digest in descriptor',
        `{"schemaVersion":2,"mediaType":"${OCI}","config":{"mediaType":"x","digest":"sha256:zz","size":1},"layers":[]}`,
        'MANIFEST_INVALID',
      ],
      ['unknown media type', '{"schemaVersion":2,"mediaType":"application/x-nope","layers":[]}', 'MANIFEST_INVALID'],
    ];
    for (const [why, body, code] of cases) {
      const r = await c.pushManifest(NAME, 'bad', body, OCI);
      assert.equal(r.status, 400, why);
      assert.equal(r.json().errors[0].code, code, why);
    }
    const { config, layer } = await blobs();
    const m = JSON.stringify(imageManifest(config, [layer]));
    const wrong = await c.pushManifest(NAME, sha256('other'), m, OCI);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json().errors[0].code, 'DIGEST_INVALID');
    const huge = await c.pushManifest(NAME, 'huge', `{"schemaVersion":2,"pad":"${'x'.repeat(4 * 1024 * 1024)}"}`, OCI);
    assert.equal(huge.status, 413);
    assert.equal(huge.json().errors[0].code, 'MANIFEST_INVALID');
    const tag = await c.pushManifest(NAME, '-leadingdash', m, OCI);
    assert.equal(tag.status, 400);
    assert.equal(tag.json().errors[0].code, 'MANIFEST_INVALID');
  });

  test('a manifest just under 4 MiB is accepted', async () => {
    const { config, layer } = await blobs();
    const base = imageManifest(config, [layer], { annotations: { pad: '' } });
    const room = 4 * 1024 * 1024 - JSON.stringify(base).length - 10;
    const big = JSON.stringify(imageManifest(config, [layer], { annotations: { pad: 'y'.repeat(room) } }));
    const r = await c.pushManifest(NAME, 'big', big, OCI);
    assert.equal(r.status, 201);
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/big`)).body.toString(), big);
  });

  test('artifacts with a subject: OCI-Subject on PUT, referrers with artifactType filter', async () => {
    const img = await c.pushImage(NAME, 'signed');
    const subject = { mediaType: OCI, digest: img.digest, size: img.bytes.length };
    const empty = { mediaType: 'application/vnd.oci.empty.v1+json', ...(await c.pushBlob(NAME, '{}')) };
    const sig = {
      schemaVersion: 2,
      mediaType: OCI,
      artifactType: 'application/vnd.dev.cosign.signature',
      config: empty,
      layers: [empty],
      subject,
      annotations: { who: 'ci' },
    };
    const sbom = {
      schemaVersion: 2,
      mediaType: OCI,
      artifactType: 'application/spdx+json',
      config: empty,
      layers: [empty],
      subject,
    };
    const r1 = await c.pushManifest(NAME, sha256(JSON.stringify(sig)), sig);
    assert.equal(r1.status, 201);
    assert.equal(r1.headers.get('oci-subject'), img.digest);
    await c.pushManifest(NAME, sha256(JSON.stringify(sbom)), sbom);
    const all = await c.req('GET', `/v2/${NAME}/referrers/${img.digest}`);
    assert.equal(all.status, 200);
    assert.equal(all.headers.get('content-type'), OCI_INDEX);
    assert.equal(all.headers.get('oci-filters-applied'), null);
    const idx = all.json();
    assert.equal(idx.mediaType, OCI_INDEX);
    assert.deepEqual(idx.manifests.map((m: Desc) => m.artifactType).sort(), [
      'application/spdx+json',
      'application/vnd.dev.cosign.signature',
    ]);
    const s = idx.manifests.find((m: Desc) => m.artifactType === 'application/vnd.dev.cosign.signature');
    assert.equal(s.digest, sha256(JSON.stringify(sig)));
    assert.equal(s.size, JSON.stringify(sig).length);
    assert.deepEqual(s.annotations, { who: 'ci' });
    const filtered = await c.req('GET', `/v2/${NAME}/referrers/${img.digest}?artifactType=application/spdx%2Bjson`);
    assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
    assert.deepEqual(
      filtered.json().manifests.map((m: Desc) => m.digest),
      [sha256(JSON.stringify(sbom))],
    );
    const none = await c.req('GET', `/v2/${NAME}/referrers/${sha256('nothing refers to me')}`);
    assert.equal(none.status, 200);
    assert.deepEqual(none.json().manifests, []);
    assert.equal((await c.req('GET', `/v2/${NAME}/referrers/sha256:nope`)).status, 400);
  });

  test('DELETE by tag removes only the tag; DELETE by digest removes manifest and its tags', async () => {
    const img = await c.pushImage(NAME, 'keep');
    await c.pushManifest(NAME, 'alias', img.bytes, OCI);
    assert.equal((await c.req('DELETE', `/v2/${NAME}/manifests/alias`)).status, 202);
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/alias`)).status, 404);
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/keep`)).status, 200);
    assert.equal((await c.req('DELETE', `/v2/${NAME}/manifests/alias`)).status, 404);
    assert.equal((await c.req('DELETE', `/v2/${NAME}/manifests/${img.digest}`)).status, 202);
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/keep`)).status, 404);
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/${img.digest}`)).status, 404);
    const again = await c.req('DELETE', `/v2/${NAME}/manifests/${img.digest}`);
    assert.equal(again.status, 404);
    assert.equal(again.json().errors[0].code, 'MANIFEST_UNKNOWN');
  });

  test('re-tagging moves the tag and keeps created time, bumps updated time', async () => {
    const a = await c.pushImage(NAME, 'moving');
    const knex = t.app.db.em.getKnex();
    const before = await knex('tags').first('created_at', 'updated_at', 'manifest_id').where('name', 'moving');
    await new Promise((r) => setTimeout(r, 20));
    const b = await c.pushImage(NAME, 'moving');
    const after = await knex('tags').first('created_at', 'updated_at', 'manifest_id').where('name', 'moving');
    assert.notEqual(a.digest, b.digest);
    assert.notEqual(after.manifest_id, before.manifest_id);
    assert.deepEqual(after.created_at, before.created_at);
    assert.ok(new Date(after.updated_at).getTime() > new Date(before.updated_at).getTime());
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/moving`)).headers.get('docker-content-digest'), b.digest);
  });

  test('unknown manifests: MANIFEST_UNKNOWN by tag and by digest; malformed digest 400', async () => {
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/nope`)).json().errors[0].code, 'MANIFEST_UNKNOWN');
    assert.equal((await c.req('GET', `/v2/${NAME}/manifests/${sha256('x')}`)).status, 404);
    const bad = await c.req('GET', `/v2/${NAME}/manifests/sha256:short`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json().errors[0].code, 'DIGEST_INVALID');
    const head = await c.req('HEAD', `/v2/${NAME}/manifests/nope`);
    assert.equal(head.status, 404);
    assert.equal(head.body.length, 0);
  });

  test('repository size is computed from the database, counting shared blobs once', async () => {
    await t.project('man/sized');
    const img = await c.pushImage('man/sized', 'a', { layers: 2, layerSize: 1000 });
    const repo = await t.app.store.findRepository('man/sized');
    const expected = img.config.size + 2000 + img.bytes.length;
    assert.equal(await t.app.store.repositorySize(repo!.id), expected);
    await c.pushManifest('man/sized', 'b', img.bytes, OCI);
    assert.equal(await t.app.store.repositorySize(repo!.id), expected, 'a second tag adds nothing');
  });
});
