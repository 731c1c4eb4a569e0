/**
 * Cleanup policies through GraphQL and /v2: GitLab's worked example, exactly; the edge cases of its
 * evaluation order; the preview that deletes nothing; run now; the scheduler, on its cadence and after a
 * crash; one run per project; bulk delete by rule with a dry run; validation and permissions. Time is moved
 * with the injectable clock.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { RedisLocks } from '../../src/cache/locks.js';
import {
  CleanupPolicyDocument,
  CleanupPreviewDocument,
  CreateTagRuleDocument,
  DeleteTagsByRuleDocument,
  RunCleanupPolicyDocument,
  UpdateCleanupPolicyDocument,
} from '../__generated__/graphql.js';
import { identity, user } from '../auth/helpers.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { OciClient, ROOT } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const DAY = 86_400_000;
const NO =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";
let now = Date.parse('2026-11-01T12:00:00Z');
let t: TestApp;
let c: OciClient;
const tokens = new Map<string, string>();

before(async () => {
  t = await startTestApp({ BERTH_GC_INTERVAL: '0' }, { clock: () => now });
  c = new OciClient(t.url, ROOT);
  for (const p of ['cl/example', 'cl/edge', 'cl/sched', 'cl/bulk']) await t.project(p);
  for (const [name, role] of [
    ['maint', 'maintainer'],
    ['dev', 'developer'],
  ] as const) {
    await user(t, name);
    await identity(t).setMember(name, 'cl', role);
    tokens.set(name, (await identity(t).createPersonalAccessToken(name, { name, scopes: ['api'] })).secret);
  }
});
after(() => t.close());

const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V, who = 'maint') =>
  graphql(t.url, doc, variables, bearer(tokens.get(who)));

/** Pushes a small image to `name:tag` as if at `when`. */
async function pushAt(name: string, tag: string, when: number) {
  const saved = now;
  now = when;
  try {
    await c.pushImage(name, tag);
  } finally {
    now = saved;
  }
}

async function tags(name: string): Promise<string[]> {
  return (await c.req('GET', `/v2/${name}/tags/list`)).json().tags ?? [];
}

async function savePolicy(projectPath: string, input: Record<string, unknown>) {
  const r = await gql(UpdateCleanupPolicyDocument, { input: { projectPath, ...input } as never });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data?.updateContainerExpirationPolicy;
}

async function preview(fullPath: string, policy?: Record<string, unknown>) {
  const r = await gql(CleanupPreviewDocument, { fullPath, policy: policy as never });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data?.project?.containerTagsExpirationPolicyPreview;
}

/** name → reason, for one repository of a preview. */
function reasons(p: Awaited<ReturnType<typeof preview>>, path: string): Record<string, string> {
  const repo = p?.repositories.find((r) => r.repository.path === path);
  return Object.fromEntries((repo?.tags.nodes ?? []).map((n) => [n!.name, n!.reason]));
}

test("GitLab's worked example: keep_n 1, keep production-.*, older than 7d, delete .* → dev-v42, v43, v42 go", async () => {
  const at = (daysAgo: number) => now - daysAgo * DAY;
  for (const [tag, daysAgo] of [
    ['v42', 30],
    ['production-v42', 29],
    ['dev-v42', 20],
    ['production-v43', 15],
    ['v43', 10],
    ['latest', 9],
    ['dev-v43', 5],
    ['dev-v44', 3],
    ['production-v44', 2],
    ['v44', 1],
  ] as const) {
    await pushAt('cl/example', tag, at(daysAgo));
  }
  const saved = await savePolicy('cl/example', {
    enabled: true,
    cadence: 'EVERY_DAY',
    keepN: 'ONE_TAG',
    nameRegexKeep: 'production-.*',
    olderThan: 'SEVEN_DAYS',
    nameRegex: '.*',
    clientMutationId: 'save',
  });
  assert.deepEqual(saved?.errors, []);
  assert.equal(saved?.clientMutationId, 'save');
  const policy = saved?.containerTagsExpirationPolicy;
  assert.equal(policy?.keepN, 'ONE_TAG');
  assert.equal(policy?.olderThan, 'SEVEN_DAYS');
  assert.equal(policy?.nextRunAt, new Date(now + DAY).toISOString(), 'the next run is one cadence from the save');

  const p = await preview('cl/example');
  assert.deepEqual(reasons(p, 'cl/example'), {
    'dev-v42': 'DELETE',
    'dev-v43': 'NOT_OLD_ENOUGH',
    'dev-v44': 'NOT_OLD_ENOUGH',
    latest: 'LATEST',
    'production-v42': 'NAME_KEEP_MATCHED',
    'production-v43': 'NAME_KEEP_MATCHED',
    'production-v44': 'NAME_KEEP_MATCHED',
    v42: 'DELETE',
    v43: 'DELETE',
    v44: 'KEEP_N',
  });
  assert.equal(p?.deleteCount, 3);
  assert.equal(p?.keepCount, 7);
  assert.equal((await tags('cl/example')).length, 10, 'the preview deleted nothing');

  const run = await gql(RunCleanupPolicyDocument, { input: { projectPath: 'cl/example' } });
  assert.deepEqual(run.data?.runContainerExpirationPolicy, { errors: [], deletedTagsCount: 3, repositoriesCount: 1 });
  assert.deepEqual(await tags('cl/example'), [
    'dev-v43',
    'dev-v44',
    'latest',
    'production-v42',
    'production-v43',
    'production-v44',
    'v44',
  ]);
  const status = await gql(CleanupPolicyDocument, { fullPath: 'cl/example' });
  const repo = status.data?.project?.containerRepositories?.nodes?.[0];
  assert.equal(repo?.expirationPolicyCleanupStatus, 'UNSCHEDULED');
  assert.equal(repo?.lastCleanupDeletedTagsCount, 3);
  assert.equal(repo?.expirationPolicyStartedAt, new Date(now).toISOString());
});

test('edge cases: no regex deletes nothing, keep overrides delete, equal times, whole-name anchoring, protected tags, no tags', async () => {
  const old = now - 100 * DAY;
  for (const tag of ['a', 'b', 'abc', 'v1.0', 'v1.1', 'keep-me']) await pushAt('cl/edge', tag, old);
  await pushAt('cl/edge/empty', 'gone', old);
  assert.equal((await c.req('DELETE', '/v2/cl/edge/empty/manifests/gone')).status, 202);
  const protect = await gql(CreateTagRuleDocument, {
    input: {
      projectPath: 'cl/edge',
      tagNamePattern: '^v1\\.1$',
      minimumAccessLevelForPush: 'MAINTAINER',
      minimumAccessLevelForDelete: 'OWNER',
    },
  });
  assert.deepEqual(protect.data?.createContainerProtectionTagRule?.errors, []);

  const none = await preview('cl/edge', { keepN: 'ONE_TAG', olderThan: 'ONE_DAY' });
  assert.equal(none?.deleteCount, 0, 'without nameRegex nothing is a candidate');
  assert.ok(Object.values(reasons(none, 'cl/edge')).every((r) => r === 'NAME_NOT_MATCHED'));

  const keepAll = await preview('cl/edge', { nameRegex: '.*', nameRegexKeep: '.*', olderThan: 'ONE_DAY' });
  assert.equal(keepAll?.deleteCount, 0, 'a keep pattern wins over the delete pattern');

  // All six were pushed at the same moment: keepN keeps by name order among equals, deterministically.
  const ties = await preview('cl/edge', { nameRegex: '.*', keepN: 'FIVE_TAGS', olderThan: 'ONE_DAY' });
  assert.deepEqual(reasons(ties, 'cl/edge'), {
    a: 'KEEP_N',
    abc: 'KEEP_N',
    b: 'KEEP_N',
    'keep-me': 'KEEP_N',
    'v1.0': 'KEEP_N',
    'v1.1': 'PROTECTED',
  });

  // `a|b` must match whole names: a and b, not abc (GitLab's raw \A…\z would take abc too).
  const anchored = await preview('cl/edge', { nameRegex: 'a|b', keepN: null, olderThan: 'ONE_DAY' } as never);
  const decided = reasons(anchored, 'cl/edge');
  assert.equal(decided.abc, 'NAME_NOT_MATCHED');
  assert.equal(decided.a, 'DELETE');
  assert.equal(decided.b, 'DELETE');

  const empty = anchored?.repositories.find((r) => r.repository.path === 'cl/edge/empty');
  assert.deepEqual(
    [empty?.deleteCount, empty?.keepCount, empty?.tags.nodes?.length],
    [0, 0, 0],
    'a repository with no tags',
  );

  const onlyDeleted = await gql(CleanupPreviewDocument, {
    fullPath: 'cl/edge',
    policy: { nameRegex: 'a|b', keepN: null, olderThan: 'ONE_DAY' } as never,
    action: 'DELETE',
  });
  const repo = onlyDeleted.data?.project?.containerTagsExpirationPolicyPreview?.repositories.find(
    (r) => r.repository.path === 'cl/edge',
  );
  assert.deepEqual(
    repo?.tags.nodes?.map((n) => n!.name),
    ['a', 'b'],
  );
  assert.equal((await tags('cl/edge')).length, 6, 'previews delete nothing');
});

test('validation: RE2 errors and values outside GitLab lists come back in errors; the saved policy is unchanged', async () => {
  const bad = await savePolicy('cl/edge', { enabled: true, nameRegex: '(unclosed' });
  assert.equal(bad?.errors.length, 1);
  assert.match(bad?.errors[0] ?? '', /Name regex not valid RE2 syntax/);
  assert.equal(bad?.containerTagsExpirationPolicy, null);
  const backtracking = await savePolicy('cl/edge', { nameRegex: '(a)\\1' });
  assert.match(backtracking?.errors[0] ?? '', /RE2/, 'backreferences are not RE2');
  const r = await gql(CleanupPolicyDocument, { fullPath: 'cl/edge' });
  const policy = r.data?.project?.containerTagsExpirationPolicy;
  assert.deepEqual(
    { ...policy },
    {
      __typename: 'ContainerTagsExpirationPolicy',
      enabled: false,
      cadence: 'EVERY_DAY',
      keepN: 'TEN_TAGS',
      olderThan: 'NINETY_DAYS',
      nameRegex: null,
      nameRegexKeep: null,
      nextRunAt: null,
    },
    "GitLab's defaults, untouched by the refused saves",
  );
  const invalidPreview = await gql(CleanupPreviewDocument, { fullPath: 'cl/edge', policy: { nameRegex: '[z-a]' } });
  assert.match(invalidPreview.errors?.[0]?.message ?? '', /nameRegex is not a valid RE2 regular expression/);
});

test('permissions: Developers see only whether it is enabled, and may not save, preview or run', async () => {
  const r = await gql(CleanupPolicyDocument, { fullPath: 'cl/example' }, 'dev');
  assert.equal(r.data?.project?.containerTagsExpirationPolicy?.enabled, true);
  assert.equal(r.data?.project?.containerTagsExpirationPolicy?.nameRegex, null);
  assert.equal(r.data?.project?.containerExpirationPolicy, null);
  const save = await gql(UpdateCleanupPolicyDocument, { input: { projectPath: 'cl/example', enabled: false } }, 'dev');
  assert.equal(save.errors?.[0]?.message, NO);
  const run = await gql(RunCleanupPolicyDocument, { input: { projectPath: 'cl/example' } }, 'dev');
  assert.equal(run.errors?.[0]?.message, NO);
  const p = await gql(CleanupPreviewDocument, { fullPath: 'cl/example' }, 'dev');
  assert.equal(p.data?.project?.containerTagsExpirationPolicyPreview, null);
});

test('the scheduler runs due policies on their cadence, and continues a run a crash interrupted', async () => {
  for (let i = 0; i < 4; i++) await pushAt('cl/sched', `build-${i}`, now - (10 + i) * DAY);
  await pushAt('cl/sched/other', 'build-x', now - 10 * DAY);
  await savePolicy('cl/sched', {
    enabled: true,
    cadence: 'EVERY_WEEK',
    nameRegex: 'build-.*',
    keepN: 'ONE_TAG',
    olderThan: 'SEVEN_DAYS',
  });
  assert.deepEqual(await t.app.jobs.runCleanupPolicies(), [], 'not due yet');
  assert.equal((await tags('cl/sched')).length, 4);

  now += 7 * DAY + 1000;
  const projectId = (await t.app.db.em.getKnex()('projects').first('id').where('full_path', 'cl/sched')).id;
  assert.ok((await t.app.jobs.runCleanupPolicies()).includes(projectId));
  assert.deepEqual(await tags('cl/sched'), ['build-0']);
  assert.deepEqual(await tags('cl/sched/other'), ['build-x'], 'keepN counts per repository');
  const policy = (await gql(CleanupPolicyDocument, { fullPath: 'cl/sched' })).data?.project
    ?.containerTagsExpirationPolicy;
  assert.equal(policy?.nextRunAt, new Date(now + 7 * DAY).toISOString(), 'the next run is one cadence later');

  // A crash mid-run leaves the statuses as they were: one repository ONGOING, one SCHEDULED.
  for (let i = 5; i < 8; i++) await pushAt('cl/sched', `build-${i}`, now - 30 * DAY);
  await pushAt('cl/sched/other', 'build-y', now - 30 * DAY);
  const knex = t.app.db.em.getKnex();
  await knex('container_repositories')
    .where('path', 'cl/sched')
    .update({ expiration_policy_cleanup_status: 'cleanup_ongoing' });
  await knex('container_repositories')
    .where('path', 'cl/sched/other')
    .update({ expiration_policy_cleanup_status: 'cleanup_scheduled' });
  assert.ok((await t.app.jobs.runCleanupPolicies()).includes(projectId), 'resumed although not due');
  assert.deepEqual(await tags('cl/sched'), ['build-0']);
  assert.deepEqual(await tags('cl/sched/other'), ['build-x']);
  const repos = (await gql(CleanupPolicyDocument, { fullPath: 'cl/sched' })).data?.project?.containerRepositories
    ?.nodes;
  assert.deepEqual(
    repos?.map((r) => [r?.path, r?.expirationPolicyCleanupStatus, r?.lastCleanupDeletedTagsCount]).sort(),
    [
      ['cl/sched', 'UNSCHEDULED', 3],
      ['cl/sched/other', 'UNSCHEDULED', 1],
    ],
  );
});

test('no per-run cap: a run deletes all 1,000 tags its rules select (GitLab stops at 200)', async () => {
  await t.project('cl/many');
  const saved = now;
  now -= 30 * DAY;
  const img = await c.pushImage('cl/many', 'n-0');
  const names = Array.from({ length: 1000 }, (_, i) => `n-${i}`);
  const queue = names.slice(1);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        assert.equal((await c.pushManifest('cl/many', name, img.bytes, img.manifest.mediaType)).status, 201);
      }
    }),
  );
  now = saved;
  await savePolicy('cl/many', { enabled: true, nameRegex: 'n-.*', keepN: 'ONE_TAG', olderThan: 'SEVEN_DAYS' });
  const run = await gql(RunCleanupPolicyDocument, { input: { projectPath: 'cl/many' } });
  assert.equal(run.data?.runContainerExpirationPolicy?.deletedTagsCount, 999);
  assert.equal((await tags('cl/many')).length, 1);
});

test('one run per project at a time', async () => {
  const projectId = (await t.app.db.em.getKnex()('projects').first('id').where('full_path', 'cl/sched')).id;
  const [a, b] = await Promise.all([t.app.cleanup.run(projectId), t.app.cleanup.run(projectId)]);
  assert.deepEqual([a.ran, b.ran].sort(), [false, true]);
});

test('one run per project across instances: the Redis lock', {
  skip: !process.env.BERTH_TEST_REDIS_URL && 'needs BERTH_TEST_REDIS_URL',
}, async () => {
  const url = process.env.BERTH_TEST_REDIS_URL as string;
  const [one, two] = await Promise.all([
    RedisLocks.connect(url, () => undefined),
    RedisLocks.connect(url, () => undefined),
  ]);
  try {
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inside--;
      return 'done';
    };
    const key = `cleanup:project:test-${Date.now()}`;
    const results = await Promise.all([one.tryRun(key, work), two.tryRun(key, work)]);
    assert.deepEqual(results.map((r) => r.ran).sort(), [false, true]);
    await Promise.all([one.run(key, work), two.run(key, work), one.run(key, work)]);
    assert.equal(most, 1, 'never two holders at once');
  } finally {
    await one.close();
    await two.close();
  }
});

test('bulk delete by rule: dry run, then delete; latest and tags the caller may not delete stay', async () => {
  for (let i = 0; i < 6; i++) await pushAt('cl/bulk', `rc-${i}`, now - (20 - i) * DAY);
  await pushAt('cl/bulk', 'latest', now - 30 * DAY);
  await pushAt('cl/bulk', 'rc-keep', now - 30 * DAY);
  await pushAt('cl/bulk', 'rc-9', now - 2 * 3_600_000);
  await gql(CreateTagRuleDocument, {
    input: {
      projectPath: 'cl/bulk',
      tagNamePattern: '^rc-0$',
      minimumAccessLevelForPush: 'MAINTAINER',
      minimumAccessLevelForDelete: 'OWNER',
    },
  });
  const id = (await gql(CleanupPolicyDocument, { fullPath: 'cl/bulk' })).data?.project?.containerRepositories
    ?.nodes?.[0]?.id as string;
  const input = { id, nameRegexDelete: '.*', nameRegexKeep: '.*-keep', keepN: 2, olderThan: '1d' };
  const dry = await gql(DeleteTagsByRuleDocument, { input: { ...input, dryRun: true, clientMutationId: 'dry' } });
  assert.deepEqual(dry.data?.deleteContainerRepositoryTagsByRule, {
    clientMutationId: 'dry',
    errors: [],
    dryRun: true,
    deletedTagNames: ['rc-1', 'rc-2', 'rc-3', 'rc-4'],
    deletedTagsCount: 4,
  });
  assert.equal((await tags('cl/bulk')).length, 9, 'the dry run deleted nothing');
  const real = await gql(DeleteTagsByRuleDocument, { input });
  // Newest first: rc-9 and rc-5 are the two kept; rc-0 is protected for a Maintainer (delete needs Owner).
  assert.deepEqual(real.data?.deleteContainerRepositoryTagsByRule?.deletedTagNames, ['rc-1', 'rc-2', 'rc-3', 'rc-4']);
  assert.deepEqual(await tags('cl/bulk'), ['latest', 'rc-0', 'rc-5', 'rc-9', 'rc-keep']);

  const invalid = await gql(DeleteTagsByRuleDocument, { input: { ...input, nameRegexDelete: '(' } });
  assert.match(invalid.data?.deleteContainerRepositoryTagsByRule?.errors[0] ?? '', /not a valid RE2/);
  const badAge = await gql(DeleteTagsByRuleDocument, { input: { ...input, olderThan: 'yesterday' } });
  assert.match(badAge.data?.deleteContainerRepositoryTagsByRule?.errors[0] ?? '', /not a duration/);
  const dev = await gql(DeleteTagsByRuleDocument, { input }, 'dev');
  assert.equal(dev.errors?.[0]?.message, NO);
});
