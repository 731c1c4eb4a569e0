/**
 * Cleanup policies and online garbage collection at scale, berth alone (Distribution has neither): one
 * repository with 100,000 tags over 1,000 manifests (each with its own config blob), the policy run
 * through GraphQL's `runContainerExpirationPolicy`, then garbage collection of what it untagged.
 *
 * The 1,000 manifests are pushed through /v2 (tagged `seed-<i>`); the other 99,000 tags are written into
 * the database directly (pushing 99,000 PUTs would measure the push path, not the cleanup), spread over
 * 300 days. The policy deletes every tag but the 10 newest (`nameRegex: .*`, keepN 10, olderThan 1d).
 * berth runs with BERTH_GC_REVIEW_DELAY=0 and BERTH_GC_INTERVAL=1s so collection starts at once.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { initOrm } from '../src/db/orm.js';
import { OciClient } from '../test/helpers/oci-client.js';
import { startBerth } from './servers.js';

export interface CleanupFigures {
  database: string;
  tags: number;
  deleted: number;
  runSeconds: number;
  gcSeconds: number;
  gcManifests: number;
  gcBlobs: number;
  gcBytes: number;
}

const REPO = 'bench/app/cleanup';
const DAY = 86_400_000;

async function gql(base: string, token: string, query: string, variables: object) {
  const r = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await r.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data ?? {};
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

export async function measureCleanup(
  root: string,
  dir: string,
  database: { kind: 'sqlite' } | { kind: 'postgresql'; url: string },
  totalTags = 100_000,
  manifests = 1_000,
  log: (s: string) => void = console.log,
): Promise<CleanupFigures> {
  await mkdir(dir, { recursive: true });
  const env: Record<string, string> = {};
  if (database.kind === 'postgresql') env.BERTH_DATABASE_URL = database.url;
  // Phase 1: push the manifests (collection off), then stop berth and write the other tags into its
  // database (SQLite takes one writing process at a time).
  const seeding = await startBerth(root, dir, { ...env, BERTH_GC_REVIEW_DELAY: '0', BERTH_GC_INTERVAL: '0' });
  let credentials: { username: string; password: string };
  try {
    credentials = seeding.credentials;
    const client = new OciClient(seeding.base, credentials);
    log(`  ${database.kind}: pushing ${manifests} manifests …`);
    const layer = await client.pushBlob(REPO, Buffer.alloc(4096, 7));
    const manifestIds: number[] = [];
    const queue = Array.from({ length: manifests }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed: i }));
          const cfg = await client.pushBlob(REPO, config);
          const manifest = {
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
            layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
          };
          const r = await client.pushManifest(REPO, `seed-${i}`, manifest);
          if (r.status !== 201) throw new Error(`push manifest: ${r.status} ${r.body}`);
        }
      }),
    );
    log(`  ${database.kind}: writing ${totalTags - manifests} more tags into the database …`);
    const orm = await initOrm(database.kind === 'sqlite' ? { kind: 'sqlite', path: `${dir}/berth.sqlite` } : database, {
      migrate: false,
    });
    try {
      const knex = orm.em.getKnex();
      const repo = await knex('container_repositories').first('id').where('path', REPO);
      for (const m of await knex('manifests').select('id').where('repository_id', repo.id)) manifestIds.push(m.id);
      const now = Date.now();
      const time = (ms: number) => (database.kind === 'sqlite' ? ms : new Date(ms));
      const rows = [];
      for (let k = 0; k < totalTags - manifests; k++) {
        const when = time(now - 2 * DAY - (k % 300) * DAY - k);
        rows.push({
          repository_id: repo.id,
          name: `build-${createHash('sha1').update(String(k)).digest('hex').slice(0, 12)}-${k}`,
          manifest_id: manifestIds[k % manifestIds.length],
          created_at: when,
          updated_at: when,
        });
      }
      // Seed tags are older than the written ones, so the 10 newest are written tags.
      await knex('tags')
        .where('repository_id', repo.id)
        .update({ updated_at: time(now - 400 * DAY) });
      for (let i = 0; i < rows.length; i += 500) await knex('tags').insert(rows.slice(i, i + 500));
    } finally {
      await orm.orm.close();
    }
  } finally {
    await seeding.stop();
  }

  // Phase 2: berth again, collecting at once (review delay 0, every second).
  const berth = await startBerth(
    root,
    dir,
    { ...env, BERTH_GC_REVIEW_DELAY: '0', BERTH_GC_INTERVAL: '1s' },
    credentials,
  );
  try {
    const { base } = berth;
    const token = credentials.password;
    const client = new OciClient(base, credentials);

    await gql(
      base,
      token,
      `mutation($input: UpdateContainerExpirationPolicyInput!) { updateContainerExpirationPolicy(input: $input) { errors } }`,
      {
        input: {
          projectPath: 'bench/app',
          enabled: true,
          nameRegex: '.*',
          keepN: 'TEN_TAGS',
          olderThan: 'ONE_DAY',
        },
      },
    );
    const gc0 = {
      manifests: await metric(base, 'berth_gc_deleted_total{kind="manifest"}'),
      blobs: await metric(base, 'berth_gc_deleted_total{kind="blob"}'),
      bytes: await metric(base, 'berth_gc_storage_freed_bytes_total'),
    };
    log(`  ${database.kind}: running the policy over ${totalTags} tags …`);
    const t0 = performance.now();
    const data = await gql(
      base,
      token,
      `mutation($input: RunContainerExpirationPolicyInput!) { runContainerExpirationPolicy(input: $input) { errors deletedTagsCount } }`,
      { input: { projectPath: 'bench/app' } },
    );
    const runSeconds = (performance.now() - t0) / 1000;
    const deleted = data.runContainerExpirationPolicy?.deletedTagsCount as number;
    const left = (await client.req('GET', `/v2/${REPO}/tags/list`)).json().tags.length;
    if (left !== 10) throw new Error(`expected 10 tags left, found ${left}`);

    // Garbage: every manifest but those the 10 kept tags point at, and their configs.
    const expected = manifests - 10;
    const g0 = performance.now();
    let gc = { manifests: 0, blobs: 0, bytes: 0 };
    while (performance.now() - g0 < 300_000) {
      gc = {
        manifests: (await metric(base, 'berth_gc_deleted_total{kind="manifest"}')) - gc0.manifests,
        blobs: (await metric(base, 'berth_gc_deleted_total{kind="blob"}')) - gc0.blobs,
        bytes: (await metric(base, 'berth_gc_storage_freed_bytes_total')) - gc0.bytes,
      };
      if (gc.manifests >= expected && gc.blobs >= expected) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const gcSeconds = (performance.now() - g0) / 1000;
    return {
      database: database.kind,
      tags: totalTags,
      deleted,
      runSeconds,
      gcSeconds,
      gcManifests: gc.manifests,
      gcBlobs: gc.blobs,
      gcBytes: gc.bytes,
    };
  } finally {
    await berth.stop();
  }
}

export function cleanupSection(figures: CleanupFigures[]): string[] {
  const lines = [
    '## Cleanup policies and garbage collection (berth alone)',
    '',
    '| database | tags | deleted by the policy | policy run (target < 10 s) | GC: manifests, blobs, bytes freed | GC time |',
    '|---|---:|---:|---:|---|---:|',
  ];
  for (const f of figures) {
    const met = f.runSeconds < 10 ? 'met' : 'missed';
    lines.push(
      `| ${f.database} | ${f.tags} | ${f.deleted} | ${f.runSeconds.toFixed(2)} s (${met}) | ${f.gcManifests}, ${f.gcBlobs}, ${f.gcBytes} B | ${f.gcSeconds.toFixed(1)} s |`,
    );
  }
  lines.push('');
  return lines;
}

/** Empties a PostgreSQL database the bench was given (BENCH_PG_URL), as the test suites empty theirs. */
export async function emptyPostgres(url: string): Promise<void> {
  const orm = await initOrm({ kind: 'postgresql', url }, { migrate: false });
  await orm.em.getKnex().raw('drop schema if exists public cascade; create schema public');
  await orm.orm.close();
}
