/**
 * Cleanup and garbage collection seen by a real client: skopeo pushes single- and multi-arch images over
 * "days" (the injectable clock), a cleanup policy deletes the old builds, garbage collection frees their
 * bytes, and skopeo then lists exactly the kept tags, cannot find the deleted ones, and copies every kept
 * image back out with the digests it pushed: nothing a kept image needs was collected.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { storedBlobs } from '../test/helpers/disk.js';
import { ROOT } from '../test/helpers/oci-client.js';
import { startTestApp, type TestApp } from '../test/helpers/test-app.js';
import { type BuiltLayout, buildImageLayout, buildIndexLayout } from './helpers/oci-layout.js';
import { requireSkopeo, Skopeo } from './helpers/skopeo.js';

const DAY = 86_400_000;
const KiB = 1024;
const IMAGE = 'clients/cleanup/app';
let now = Date.now();
let app: TestApp;
let work: string;
let skopeo: Skopeo;
let host: string;

before(
  async () => {
    await requireSkopeo();
    work = mkdtempSync(join(tmpdir(), 'berth-cleanup-clients-'));
    skopeo = new Skopeo(work);
    app = await startTestApp({ BERTH_GC_INTERVAL: '0' }, { clock: () => now });
    await app.project('clients/cleanup');
    host = new URL(app.url).host;
    await skopeo.ok(['login', '--tls-verify=false', '-u', ROOT.username, '-p', ROOT.password, host]);
  },
  { timeout: 120_000 },
);
after(async () => {
  await app?.close();
  rmSync(work, { recursive: true, force: true });
});

const ref = (tag: string) => `docker://${host}/${IMAGE}:${tag}`;

async function push(layout: BuiltLayout, tag: string, daysAgo: number, multi = false): Promise<void> {
  const saved = now;
  now -= daysAgo * DAY;
  try {
    await skopeo.ok([
      'copy',
      ...(multi ? ['--all'] : []),
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${layout.dir}:${layout.tag}`,
      ref(tag),
    ]);
  } finally {
    now = saved;
  }
}

async function tags(): Promise<string[]> {
  const out = await skopeo.json<{ Tags?: string[] }>(['list-tags', '--tls-verify=false', `docker://${host}/${IMAGE}`]);
  return [...(out.Tags ?? [])].sort();
}

test('a policy run and garbage collection leave exactly the kept images, whole', { timeout: 300_000 }, async () => {
  const layouts = new Map<string, { layout: BuiltLayout; multi: boolean }>();
  for (const [i, daysAgo] of [40, 30, 20, 10, 2].entries()) {
    const layout = buildImageLayout(join(work, `build-${i}`), 'v1', [64 * KiB, 32 * KiB], `build-${i}`);
    await push(layout, `build-${i}`, daysAgo);
    layouts.set(`build-${i}`, { layout, multi: false });
  }
  const release = buildIndexLayout(
    join(work, 'release'),
    'v1',
    [
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
    ],
    [48 * KiB],
    'release',
  );
  await push(release, 'release-1', 50, true);
  layouts.set('release-1', { layout: release, multi: true });
  assert.deepEqual(await tags(), ['build-0', 'build-1', 'build-2', 'build-3', 'build-4', 'release-1']);

  // Keep the newest build and anything younger than 7 days; releases always.
  const projectId = (await app.app.db.em.getKnex()('projects').first('id').where('full_path', 'clients/cleanup')).id;
  await app.app.cleanup.save(projectId, {
    enabled: true,
    nameRegex: '.*',
    nameRegexKeep: 'release-.*',
    keepN: 1,
    olderThan: '7d',
  });
  const run = await app.app.cleanup.run(projectId);
  assert.ok(run.ran);
  assert.equal(run.deletedTags, 4);
  assert.deepEqual(await tags(), ['build-4', 'release-1']);
  const gone = await skopeo.run(['inspect', '--raw', '--tls-verify=false', ref('build-0')]);
  assert.notEqual(gone.code, 0, 'a deleted tag is not found');
  assert.match(gone.stderr, /manifest unknown|not found/i);

  const before = storedBlobs(app.dir);
  let freed = 0;
  for (let i = 0; i < 2; i++) {
    now += 25 * 3_600_000; // the manifests, then their blobs, one review delay apart
    freed += (await app.app.jobs.collectGarbage()).bytes;
  }
  const afterGc = storedBlobs(app.dir);
  assert.ok(freed >= 4 * 96 * KiB, `the four builds' layers were freed (${freed} bytes)`);
  assert.equal(before.bytes - afterGc.bytes, freed, 'bytes on disk dropped by what GC reported');

  for (const tag of ['build-4', 'release-1']) {
    const { layout, multi } = layouts.get(tag)!;
    const out = mkdtempSync(join(work, `pulled-${tag}-`));
    await skopeo.ok([
      'copy',
      ...(multi ? ['--all'] : []),
      '--src-tls-verify=false',
      '--preserve-digests',
      '--digestfile',
      join(out, 'digest'),
      ref(tag),
      `oci:${join(out, 'layout')}:v1`,
    ]);
    const digest = readFileSync(join(out, 'digest'), 'utf8').trim();
    assert.equal(digest, layout.top.digest, `${tag} comes back with the digest it was pushed with`);
  }
});
