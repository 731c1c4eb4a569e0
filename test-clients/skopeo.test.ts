/**
 * berth against a real client: skopeo pushes OCI image layouts built in code (a tiny image, a three-layer
 * image of several MiB, a two-platform index), then inspects, lists, pulls back and deletes them, and every
 * step is checked against the digests and bytes computed locally.
 *
 * skopeo must be installed (`apt-get install skopeo`); without it the suite fails, it does not skip.
 * BERTH_SKOPEO_DEBUG=1 runs skopeo with --debug, so failures show every HTTP exchange.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import { ROOT } from '../test/helpers/oci-client.js';
import { startTestApp, type TestApp } from '../test/helpers/test-app.js';
import {
  type BuiltLayout,
  buildImageLayout,
  buildIndexLayout,
  OCI_INDEX,
  OCI_MANIFEST,
  readLayout,
} from './helpers/oci-layout.js';
import { describe, requireSkopeo, Skopeo, type SkopeoResult, tail } from './helpers/skopeo.js';

const MiB = 1024 * 1024;
const PROJECT = 'clients/demo';
const TAG = 'v1';
const SECOND_TAG = 'latest';

let app: TestApp | undefined;
let work: string | undefined;
let skopeo: Skopeo;
let host: string;

before(
  async () => {
    await requireSkopeo(); // Throws "…install it with `apt-get install skopeo`…", failing every test below.
    work = mkdtempSync(join(tmpdir(), 'berth-clients-'));
    skopeo = new Skopeo(work);
    app = await startTestApp();
    await app.project(PROJECT);
    host = new URL(app.url).host;
    // Signed in as the administrator (auth.test.ts covers the other credentials).
    await skopeo.ok(['login', '--tls-verify=false', '-u', ROOT.username, '-p', ROOT.password, host]);
  },
  { timeout: 120_000 },
);

after(
  async () => {
    await app?.close();
    if (work) rmSync(work, { recursive: true, force: true });
    // Everything is closed, so the process should now exit on its own. If something still holds the event
    // loop open (a leaked socket, timer, child...), say what it is and fail instead of hanging the run forever.
    setTimeout(() => {
      console.error(
        `berth client tests: the process is still alive 30 s after closing berth; active resources: ${process.getActiveResourcesInfo().join(', ')}`,
      );
      process.exit(1);
    }, 30_000).unref();
  },
  { timeout: 120_000 },
);

/** The fields of `skopeo inspect` output that the tests check. */
interface Inspect {
  Digest: string;
  Architecture: string;
  Os: string;
  Layers: string[];
  Labels: Record<string, string> | null;
}

/** `docker://127.0.0.1:<port>/clients/demo/<image>` followed by `:tag` or `@digest`. */
const ref = (image: string, suffix: string) => `docker://${host}/${PROJECT}/${image}${suffix}`;

function expectOk(r: SkopeoResult): void {
  assert.equal(r.code, 0, `${describe(r)} should succeed; stderr:\n${tail(r.stderr)}`);
}

/** Asserts skopeo failed because berth answered MANIFEST_UNKNOWN (404 "manifest unknown"). */
function expectManifestUnknown(r: SkopeoResult, what: string): void {
  assert.notEqual(
    r.code,
    0,
    `${describe(r)}: ${what} should be gone, but skopeo succeeded:\n${r.stdout.slice(0, 2000)}`,
  );
  assert.match(
    r.stderr,
    /manifest unknown/i,
    `${describe(r)}: ${what} should fail with "manifest unknown"; stderr:\n${tail(r.stderr)}`,
  );
}

async function listTags(image: string): Promise<string[]> {
  const out = await skopeo.json<{ Repository: string; Tags: string[] | null }>([
    'list-tags',
    '--tls-verify=false',
    ref(image, ''),
  ]);
  assert.equal(out.Repository, `${host}/${PROJECT}/${image}`);
  return [...(out.Tags ?? [])].sort();
}

/** Pushes `layout` with `skopeo copy --preserve-digests` and checks the digest skopeo reports. */
async function push(layout: BuiltLayout, image: string, multi: boolean): Promise<void> {
  const digestFile = join(work!, `${image}-push.digest`);
  const r = await skopeo.run([
    'copy',
    ...(multi ? ['--all'] : []),
    '--preserve-digests',
    '--dest-tls-verify=false',
    '--digestfile',
    digestFile,
    `oci:${layout.dir}:${layout.tag}`,
    ref(image, `:${TAG}`),
  ]);
  expectOk(r);
  assert.equal(
    readFileSync(digestFile, 'utf8').trim(),
    layout.top.digest,
    'skopeo reports a different manifest digest for the push',
  );
}

/** Adds SECOND_TAG by copying registry → registry, then checks both tags are listed and serve the same bytes. */
async function secondTag(layout: BuiltLayout, image: string, multi: boolean): Promise<void> {
  const digestFile = join(work!, `${image}-retag.digest`);
  expectOk(
    await skopeo.run([
      'copy',
      ...(multi ? ['--all'] : []),
      '--preserve-digests',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--digestfile',
      digestFile,
      ref(image, `:${TAG}`),
      ref(image, `:${SECOND_TAG}`),
    ]),
  );
  assert.equal(readFileSync(digestFile, 'utf8').trim(), layout.top.digest);
  assert.deepEqual(await listTags(image), [SECOND_TAG, TAG].sort());
  const raw = await skopeo.ok(['inspect', '--raw', '--tls-verify=false', ref(image, `:${SECOND_TAG}`)]);
  assert.ok(
    Buffer.from(raw.stdout, 'utf8').equals(layout.topBytes),
    `${SECOND_TAG} should serve the same manifest bytes as ${TAG}`,
  );
}

/** Copies the image back out into a fresh oci: layout and compares the manifest digest and every blob. */
async function pullBack(layout: BuiltLayout, image: string, multi: boolean): Promise<void> {
  const out = mkdtempSync(join(work!, `${image}-pulled-`));
  const r = await skopeo.run([
    'copy',
    ...(multi ? ['--all'] : []),
    '--src-tls-verify=false',
    ref(image, `:${TAG}`),
    `oci:${out}:${TAG}`,
  ]);
  expectOk(r);
  const pulled = readLayout(out, TAG);
  assert.ok(pulled.top, `the pulled layout's index.json has no manifest named ${TAG}`);
  assert.equal(pulled.top.digest, layout.top.digest, 'pulled manifest digest');
  assert.equal(pulled.top.mediaType, layout.top.mediaType, 'pulled manifest media type');
  assert.equal(pulled.top.size, layout.top.size, 'pulled manifest size');
  assert.ok(
    pulled.blobBytes(layout.top.digest).equals(layout.topBytes),
    'pulled manifest bytes differ from the pushed ones',
  );
  for (const [digest, { actual, size }] of pulled.blobs) {
    assert.equal(actual, digest, `pulled blob ${digest} has content with digest ${actual}`);
    assert.equal(
      size,
      layout.blobs.get(digest),
      `pulled blob ${digest}: size ${size}, expected ${layout.blobs.get(digest)}`,
    );
  }
  assert.deepEqual(
    [...pulled.blobs.keys()].sort(),
    [...layout.blobs.keys()].sort(),
    'the pulled layout should hold exactly the pushed blobs',
  );
}

/** `skopeo delete` by tag (which resolves the tag and deletes the manifest by digest), then checks it is gone. */
async function deleteAndCheckGone(layout: BuiltLayout, image: string): Promise<void> {
  expectOk(await skopeo.run(['delete', '--tls-verify=false', ref(image, `:${TAG}`)]));
  expectManifestUnknown(
    await skopeo.run(['inspect', '--raw', '--tls-verify=false', ref(image, `:${TAG}`)]),
    `tag ${TAG}`,
  );
  // Deleting the manifest by digest removes every tag that pointed at it.
  expectManifestUnknown(
    await skopeo.run(['inspect', '--raw', '--tls-verify=false', ref(image, `:${SECOND_TAG}`)]),
    `tag ${SECOND_TAG}`,
  );
  expectManifestUnknown(
    await skopeo.run(['inspect', '--raw', '--tls-verify=false', ref(image, `@${layout.top.digest}`)]),
    layout.top.digest,
  );
  assert.deepEqual(await listTags(image), [], 'no tags should remain after deleting the only manifest');
}

/** The push / inspect / tag / pull / delete round trip for one single-platform image. */
async function singleImageRoundTrip(t: TestContext, layout: BuiltLayout, image: string): Promise<void> {
  const [img] = layout.images;
  assert.ok(img);

  await t.test('skopeo copy oci: → berth', () => push(layout, image, false));

  await t.test('skopeo inspect: digest, platform and layers', async () => {
    const info = await skopeo.json<Inspect>(['inspect', '--tls-verify=false', ref(image, `:${TAG}`)]);
    assert.equal(info.Digest, layout.top.digest);
    assert.equal(info.Architecture, 'amd64');
    assert.equal(info.Os, 'linux');
    assert.deepEqual(
      info.Layers,
      img.layers.map((l) => l.digest),
    );
    assert.deepEqual(info.Labels, { 'berth.test.image': image });
  });

  await t.test('skopeo inspect --raw: byte-identical manifest and config', async () => {
    const raw = await skopeo.ok(['inspect', '--raw', '--tls-verify=false', ref(image, `:${TAG}`)]);
    assert.ok(
      Buffer.from(raw.stdout, 'utf8').equals(layout.topBytes),
      `manifest bytes differ:\n${raw.stdout}\nvs\n${layout.topBytes}`,
    );
    const byDigest = await skopeo.ok(['inspect', '--raw', '--tls-verify=false', ref(image, `@${layout.top.digest}`)]);
    assert.ok(Buffer.from(byDigest.stdout, 'utf8').equals(layout.topBytes), 'manifest bytes by digest differ');
    const config = await skopeo.ok(['inspect', '--config', '--raw', '--tls-verify=false', ref(image, `:${TAG}`)]);
    const local = readFileSync(join(layout.dir, 'blobs', 'sha256', img.config.digest.slice('sha256:'.length)));
    assert.ok(Buffer.from(config.stdout, 'utf8').equals(local), 'config bytes differ');
  });

  await t.test('second tag (registry → registry copy) and skopeo list-tags', () => secondTag(layout, image, false));

  await t.test('skopeo copy berth → oci: gives back the same digests and blobs', () => pullBack(layout, image, false));

  await t.test('skopeo delete removes the image', () => deleteAndCheckGone(layout, image));
}

test('tiny image (one small layer)', { timeout: 600_000 }, async (t) => {
  const layout = buildImageLayout(mkdtempSync(join(work!, 'tiny-')), TAG, [300], 'tiny');
  assert.equal(layout.top.mediaType, OCI_MANIFEST);
  assert.equal(layout.blobs.size, 3); // layer, config, manifest
  await singleImageRoundTrip(t, layout, 'tiny');
});

test('three layers of several MiB each', { timeout: 600_000 }, async (t) => {
  const layout = buildImageLayout(mkdtempSync(join(work!, 'big-')), TAG, [3 * MiB, 4 * MiB, 5 * MiB], 'big');
  const [img] = layout.images;
  assert.equal(img?.layers.length, 3);
  assert.ok(img.layers.every((l) => l.size > 3 * MiB));
  await singleImageRoundTrip(t, layout, 'big');
});

test('multi-arch OCI index (linux/amd64, linux/arm64)', { timeout: 600_000 }, async (t) => {
  const platforms = [
    { architecture: 'amd64', os: 'linux' },
    { architecture: 'arm64', os: 'linux' },
  ];
  const image = 'multi';
  const layout = buildIndexLayout(mkdtempSync(join(work!, 'multi-')), TAG, platforms, [2000, 64 * 1024], image);
  assert.equal(layout.top.mediaType, OCI_INDEX);
  const [amd64, arm64] = layout.images;
  assert.ok(amd64 && arm64);

  await t.test('skopeo copy --all oci: → berth', () => push(layout, image, true));

  await t.test('skopeo inspect --raw: byte-identical index and platform manifests', async () => {
    const raw = await skopeo.ok(['inspect', '--raw', '--tls-verify=false', ref(image, `:${TAG}`)]);
    assert.ok(
      Buffer.from(raw.stdout, 'utf8').equals(layout.indexBytes!),
      `index bytes differ:\n${raw.stdout}\nvs\n${layout.indexBytes}`,
    );
    const index = JSON.parse(raw.stdout);
    assert.equal(index.mediaType, OCI_INDEX);
    assert.deepEqual(
      index.manifests.map((d: { digest: string; platform: object }) => [d.digest, d.platform]),
      layout.images.map((i) => [i.manifestDigest, i.platform]),
    );
    for (const img of layout.images) {
      const child = await skopeo.ok(['inspect', '--raw', '--tls-verify=false', ref(image, `@${img.manifestDigest}`)]);
      assert.ok(
        Buffer.from(child.stdout, 'utf8').equals(img.manifestBytes),
        `${img.platform.architecture} manifest bytes differ`,
      );
    }
  });

  for (const img of [amd64, arm64]) {
    await t.test(`skopeo inspect --override-arch ${img.platform.architecture}: that platform's image`, async () => {
      const info = await skopeo.json<Inspect>([
        '--override-arch',
        img.platform.architecture,
        '--override-os',
        img.platform.os,
        'inspect',
        '--tls-verify=false',
        ref(image, `:${TAG}`),
      ]);
      // skopeo reports the digest of the manifest the reference names (the index), and the platform image's contents.
      assert.equal(info.Digest, layout.top.digest);
      assert.equal(info.Architecture, img.platform.architecture);
      assert.equal(info.Os, img.platform.os);
      assert.deepEqual(
        info.Layers,
        img.layers.map((l) => l.digest),
      );
      assert.deepEqual(info.Labels, { 'berth.test.image': `${image}-${img.platform.architecture}` });
    });
  }

  await t.test('second tag (registry → registry copy --all) and skopeo list-tags', () =>
    secondTag(layout, image, true),
  );

  await t.test('skopeo copy --all berth → oci: gives back the same digests and blobs', () =>
    pullBack(layout, image, true),
  );

  await t.test('skopeo delete removes the index', () => deleteAndCheckGone(layout, image));

  await t.test('platform manifests, no longer listed by an index, can be deleted by digest', async () => {
    for (const img of layout.images) {
      const at = ref(image, `@${img.manifestDigest}`);
      const before = await skopeo.ok(['inspect', '--raw', '--tls-verify=false', at]);
      assert.ok(Buffer.from(before.stdout, 'utf8').equals(img.manifestBytes));
      expectOk(await skopeo.run(['delete', '--tls-verify=false', at]));
      expectManifestUnknown(await skopeo.run(['inspect', '--raw', '--tls-verify=false', at]), img.manifestDigest);
    }
  });
});
