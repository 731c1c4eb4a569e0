/**
 * The registry through GraphQL, as GitLab's registry pages query it: a project's repositories (count,
 * name filter, sort, pages), one repository's details (size, manifest, tags with digests, revisions and
 * sizes, tag pages forwards and backwards), all with the caller's visibility.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ProtectionService } from '../../src/domain/protection.service.js';
import {
  ProjectRepositoriesDocument,
  RepositoryDetailsDocument,
  TagDetailsDocument,
  TagProtectionDocument,
  TagReferrersDocument,
} from '../__generated__/graphql.js';
import { identity, namespaces, user } from '../auth/helpers.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { OciClient, pushMultiArch, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let token: string;
let readOnly: string;
const pushed = new Map<string, Awaited<ReturnType<OciClient['pushImage']>>>();

before(async () => {
  t = await startTestApp({ BERTH_PUBLIC_URL: 'https://registry.example.com' });
  await t.project('gr/app');
  await t.project('gr/secret');
  await namespaces(t).updateProject('gr/app', { visibility: 'public' });
  const c = new OciClient(t.url, ROOT);
  for (const [repo, tag] of [
    ['gr/app/api', 'v1'],
    ['gr/app/web', 'v1'],
    ['gr/app/web', 'v2'],
    ['gr/app/web', 'latest'],
    ['gr/app/worker', 'main'],
    ['gr/secret/x', 'v1'],
  ] as const) {
    pushed.set(`${repo}:${tag}`, await c.pushImage(repo, tag, { layers: 2, layerSize: 1000 }));
  }
  await user(t, 'dev');
  await identity(t).setMember('dev', 'gr', 'developer');
  token = (await identity(t).createPersonalAccessToken('dev', { name: 'ui', scopes: ['api'] })).secret;
  readOnly = (await identity(t).createPersonalAccessToken('dev', { name: 'ro', scopes: ['read_api'] })).secret;
});
after(() => t.close());

/** Runs `doc` (as the Developer, or anonymously) and returns its data; any error fails the test. */
async function gql<R, V>(doc: TypedDocumentNode<R, V>, variables: V, auth = true): Promise<R> {
  const body = await graphql(t.url, doc, variables, auth ? bearer(token) : {});
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data as R;
}

test("a project's repositories: count, fields, name filter, sort and pages", async () => {
  const all = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', sort: 'NAME_ASC' });
  assert.equal(all.project?.containerRepositoriesCount, 3);
  const conn = all.project?.containerRepositories;
  assert.deepEqual(
    conn?.nodes?.map((n) => n?.name),
    ['api', 'web', 'worker'],
  );
  const web = conn?.nodes?.[1];
  assert.equal(web?.path, 'gr/app/web');
  assert.equal(web?.location, 'registry.example.com/gr/app/web');
  assert.equal(web?.tagsCount, 3);
  assert.match(web?.id ?? '', /^gid:\/\/berth\/ContainerRepository\/\d+$/);
  assert.equal(web?.project.fullPath, 'gr/app');
  assert.equal(web?.status, null);
  assert.equal(web?.migrationState, '');
  assert.equal(web?.expirationPolicyCleanupStatus, 'UNSCHEDULED');
  assert.equal(web?.protectionRuleExists, false);
  assert.equal(web?.userPermissions.destroyContainerRepository, true, 'a Developer may');
  const viaReadApi = await graphql(t.url, ProjectRepositoriesDocument, { fullPath: 'gr/app' }, bearer(readOnly));
  assert.equal(viaReadApi.data?.project?.containerRepositoriesCount, 3, 'read_api reads');
  assert.ok(
    viaReadApi.data?.project?.containerRepositories?.nodes?.every(
      (n) => n?.userPermissions.destroyContainerRepository === false,
    ),
    'but a read_api token cannot delete, and its permissions say so',
  );
  assert.ok(Date.parse(web?.updatedAt ?? '') >= Date.parse(web?.createdAt ?? ''));

  const desc = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', sort: 'NAME_DESC' });
  assert.deepEqual(
    desc.project?.containerRepositories?.nodes?.map((n) => n?.name),
    ['worker', 'web', 'api'],
  );
  const filtered = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', name: 'WE' });
  assert.deepEqual(
    filtered.project?.containerRepositories?.nodes?.map((n) => n?.name),
    ['web'],
  );

  const p1 = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', sort: 'NAME_ASC', first: 2 });
  assert.deepEqual(
    p1.project?.containerRepositories?.nodes?.map((n) => n?.name),
    ['api', 'web'],
  );
  assert.equal(p1.project?.containerRepositories?.pageInfo.hasNextPage, true);
  const p2 = await gql(ProjectRepositoriesDocument, {
    fullPath: 'gr/app',
    sort: 'NAME_ASC',
    first: 2,
    after: p1.project?.containerRepositories?.pageInfo.endCursor,
  });
  assert.deepEqual(
    p2.project?.containerRepositories?.nodes?.map((n) => n?.name),
    ['worker'],
  );
  // Backwards: the last page, then the one before it, by `last` / `before`.
  const b1 = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', sort: 'NAME_ASC', last: 2 });
  assert.deepEqual(
    b1.project?.containerRepositories?.nodes?.map((n) => n?.name),
    ['web', 'worker'],
  );
  assert.equal(b1.project?.containerRepositories?.pageInfo.hasPreviousPage, true);
  assert.equal(b1.project?.containerRepositories?.pageInfo.hasNextPage, false);
  const b2 = await gql(ProjectRepositoriesDocument, {
    fullPath: 'gr/app',
    sort: 'NAME_ASC',
    last: 2,
    before: b1.project?.containerRepositories?.pageInfo.startCursor,
  });
  assert.deepEqual(
    b2.project?.containerRepositories?.nodes?.map((n) => n?.name),
    ['api'],
  );
  assert.equal(b2.project?.containerRepositories?.pageInfo.hasPreviousPage, false);
  const negative = await graphql(t.url, ProjectRepositoriesDocument, { fullPath: 'gr/app', first: -1 }, bearer(token));
  assert.match(negative.errors?.[0]?.message ?? '', /must not be negative/);
  assert.equal(p2.project?.containerRepositories?.pageInfo.hasNextPage, false);
  assert.equal(p2.project?.containerRepositories?.pageInfo.hasPreviousPage, true);

  const anon = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', sort: 'NAME_ASC' }, false);
  assert.equal(anon.project?.containerRepositoriesCount, 3, 'public project, enabled registry');
  assert.equal(anon.project?.containerRepositories?.nodes?.[0]?.userPermissions.destroyContainerRepository, false);
  assert.equal((await gql(ProjectRepositoriesDocument, { fullPath: 'gr/secret' }, false)).project, null);
});

test('a repository in detail: size, manifest, tags with their digests, sizes and pages', async () => {
  const list = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', name: 'web' });
  const id = list.project?.containerRepositories?.nodes?.[0]?.id as string;
  const v1 = pushed.get('gr/app/web:v1');
  const d = await gql(RepositoryDetailsDocument, { id, reference: 'v1', first: 2 });
  const repo = d.containerRepository;
  assert.equal(repo?.path, 'gr/app/web');
  assert.equal(repo?.manifest, v1?.bytes, 'the exact manifest bytes');
  assert.ok((repo?.size ?? 0) > 3 * 2000, 'layers of three images, deduplicated by digest');
  assert.equal(repo?.tags?.count, 3);
  assert.deepEqual(
    repo?.tags?.edges?.map((e) => e?.node?.name),
    ['latest', 'v1'],
  );
  assert.equal(repo?.tags?.pageInfo.hasNextPage, true);
  const tag = repo?.tags?.edges?.[1]?.node;
  assert.equal(tag?.digest, v1?.digest);
  assert.equal(tag?.path, 'gr/app/web:v1');
  assert.equal(tag?.location, 'registry.example.com/gr/app/web:v1');
  assert.equal(tag?.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(tag?.revision, v1?.config.digest.slice(7));
  assert.equal(tag?.shortRevision, v1?.config.digest.slice(7, 16));
  const layers = v1?.layers.reduce((sum, l) => sum + l.size, 0) ?? 0;
  assert.equal(tag?.totalSize, String(Buffer.byteLength(v1?.bytes ?? '') + (v1?.config.size ?? 0) + layers));
  assert.equal(tag?.userPermissions.destroyContainerRepositoryTag, true);

  const next = await gql(RepositoryDetailsDocument, {
    id,
    reference: 'v1',
    first: 2,
    after: repo?.tags?.pageInfo.endCursor,
  });
  assert.deepEqual(
    next.containerRepository?.tags?.edges?.map((e) => e?.node?.name),
    ['v2'],
  );
  const back = await gql(RepositoryDetailsDocument, {
    id,
    reference: 'v1',
    last: 1,
    before: next.containerRepository?.tags?.edges?.[0]?.cursor,
  });
  assert.deepEqual(
    back.containerRepository?.tags?.edges?.map((e) => e?.node?.name),
    ['v1'],
  );
  const newest = await gql(RepositoryDetailsDocument, { id, reference: 'v1', sort: 'PUBLISHED_AT_DESC', first: 1 });
  assert.equal(newest.containerRepository?.tags?.edges?.[0]?.node?.name, 'latest');
  const named = await gql(RepositoryDetailsDocument, { id, reference: 'nope', name: 'v' });
  assert.deepEqual(
    named.containerRepository?.tags?.edges?.map((e) => e?.node?.name),
    ['v1', 'v2'],
  );
  assert.equal(named.containerRepository?.manifest, null);

  const secret = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/secret' });
  const secretId = secret.project?.containerRepositories?.nodes?.[0]?.id as string;
  assert.ok(secretId, 'the member sees the private project');
  assert.equal(
    (await gql(RepositoryDetailsDocument, { id: secretId, reference: 'v1' }, false)).containerRepository,
    null,
  );
  assert.equal(
    (await gql(RepositoryDetailsDocument, { id: secretId.replace('berth', 'gitlab'), reference: 'v1' }))
      .containerRepository?.path,
    'gr/secret/x',
    'gid://gitlab/… is accepted too',
  );
});

test('tag pages by keyset: every tag exactly once forwards and backwards, in both sorts', async () => {
  const c = new OciClient(t.url, ROOT);
  const img = await c.pushImage('gr/app/many', 't000');
  const names = ['t000'];
  for (let i = 1; i < 45; i++) {
    const tag = `t${String(i).padStart(3, '0')}`;
    const r = await c.pushManifest('gr/app/many', tag, img.bytes);
    assert.equal(r.status, 201);
    names.push(tag);
  }
  const list = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', name: 'many' });
  const id = list.project?.containerRepositories?.nodes?.[0]?.id as string;
  for (const sort of ['NAME_ASC', 'PUBLISHED_AT_ASC', 'NAME_DESC', 'PUBLISHED_AT_DESC'] as const) {
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const d = await gql(RepositoryDetailsDocument, { id, reference: 'x', sort, first: 20, after });
      const tags = d.containerRepository?.tags;
      assert.equal(tags?.count, 45);
      assert.ok((tags?.edges?.length ?? 0) <= 20, 'at most 20 a page');
      seen.push(...(tags?.edges ?? []).map((e) => e?.node?.name as string));
      if (!tags?.pageInfo.hasNextPage) break;
      after = tags.pageInfo.endCursor;
    }
    assert.equal(seen.length, 45, `${sort}: every tag once`);
    assert.equal(new Set(seen).size, 45);
    if (sort === 'NAME_ASC') assert.deepEqual(seen, names);
    if (sort === 'NAME_DESC') assert.deepEqual(seen, [...names].reverse());
    // Backwards from the end gives the same order, page by page.
    const back: string[] = [];
    let before: string | null | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const d = await gql(RepositoryDetailsDocument, { id, reference: 'x', sort, last: 20, before });
      const tags = d.containerRepository?.tags;
      back.unshift(...(tags?.edges ?? []).map((e) => e?.node?.name as string));
      if (!tags?.pageInfo.hasPreviousPage) break;
      before = tags.pageInfo.startCursor;
    }
    assert.deepEqual(back, seen, `${sort}: backwards matches forwards`);
  }
});

test('tag referrers: signatures and SBOMs of a tag, filtered by artifact type', async () => {
  const c = new OciClient(t.url, ROOT);
  const img = await c.pushImage('gr/app/signed', 'v1');
  const OCI = 'application/vnd.oci.image.manifest.v1+json';
  const subject = { mediaType: OCI, digest: img.digest, size: Buffer.byteLength(img.bytes) };
  const empty = { mediaType: 'application/vnd.oci.empty.v1+json', ...(await c.pushBlob('gr/app/signed', '{}')) };
  const pushed: Record<string, string> = {};
  for (const artifactType of ['application/vnd.dev.cosign.signature', 'application/spdx+json']) {
    const m = { schemaVersion: 2, mediaType: OCI, artifactType, config: empty, layers: [empty], subject };
    const r = await c.pushManifest('gr/app/signed', sha256(JSON.stringify(m)), m);
    assert.equal(r.status, 201);
    pushed[artifactType] = r.headers.get('docker-content-digest') as string;
  }
  const list = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', name: 'signed' });
  const id = list.project?.containerRepositories?.nodes?.[0]?.id as string;
  const plain = await gql(TagReferrersDocument, { id });
  assert.equal(plain.containerRepository?.tags?.nodes?.[0]?.referrers, null, 'only when asked');
  const all = await gql(TagReferrersDocument, { id, referrers: true });
  const refs = all.containerRepository?.tags?.nodes?.[0]?.referrers ?? [];
  assert.deepEqual(
    refs.map((r) => [r.artifactType, r.digest]),
    [
      ['application/vnd.dev.cosign.signature', pushed['application/vnd.dev.cosign.signature']],
      ['application/spdx+json', pushed['application/spdx+json']],
    ],
  );
  assert.equal(refs[0]?.userPermissions.destroyContainerRepositoryTag, true);
  const sboms = await gql(TagReferrersDocument, {
    id,
    referrers: true,
    referrerType: 'application/spdx+json, text/x-none',
  });
  assert.deepEqual(
    sboms.containerRepository?.tags?.nodes?.[0]?.referrers?.map((r) => r.artifactType),
    ['application/spdx+json'],
  );
});

test('tagDetails: the platform of an image, the platform manifests of an index', async () => {
  const c = new OciClient(t.url, ROOT);
  const name = 'gr/app/multi';
  const OCI = 'application/vnd.oci.image.manifest.v1+json';
  const pushed = await pushMultiArch(c, name, 'latest', [
    { architecture: 'amd64', os: 'linux' },
    { architecture: 'arm64', os: 'linux', variant: 'v8' },
  ]);
  const [amd, arm] = pushed.images as [(typeof pushed.images)[0], (typeof pushed.images)[0]];
  const list = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', name: 'multi' });
  const id = list.project?.containerRepositories?.nodes?.[0]?.id as string;

  const image = (await gql(TagDetailsDocument, { id, name: 'latest-arm64' })).containerRepository?.tagDetails;
  assert.equal(image?.digest, arm.digest);
  assert.equal(image?.path, `${name}:latest-arm64`);
  assert.equal(image?.location, `registry.example.com/${name}:latest-arm64`);
  assert.deepEqual(image?.platform, { architecture: 'arm64', os: 'linux', osVersion: null, variant: 'v8' });
  assert.equal(image?.manifests, null, 'an image has no platform manifests');
  const layers = arm.layers.reduce((n, l) => n + l.size, 0);
  assert.equal(Number(image?.totalSize), Buffer.byteLength(arm.bytes) + arm.config.size + layers);

  const multi = (await gql(TagDetailsDocument, { id, name: 'latest' })).containerRepository?.tagDetails;
  assert.equal(multi?.digest, pushed.digest);
  assert.equal(multi?.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.equal(multi?.platform, null, 'an index has no single platform');
  assert.deepEqual(multi?.manifests, [
    {
      digest: amd.digest,
      mediaType: OCI,
      size: String(Buffer.byteLength(amd.bytes)),
      platform: { architecture: 'amd64', os: 'linux', variant: null },
    },
    {
      digest: arm.digest,
      mediaType: OCI,
      size: String(Buffer.byteLength(arm.bytes)),
      platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
    },
  ]);
  assert.equal((await gql(TagDetailsDocument, { id, name: 'nope' })).containerRepository?.tagDetails, null);
  assert.equal((await gql(TagDetailsDocument, { id, name: '../x' })).containerRepository?.tagDetails, null);
});

test("a tag's protection: the highest levels of the matching tag rules, and what it means for deleting", async () => {
  const c = new OciClient(t.url, ROOT);
  for (const tag of ['v1', 'release-1', 'dev']) await c.pushImage('gr/app/guarded', tag);
  const rules = new ProtectionService(t.app.db.em.fork(), () => t.app.access.changed());
  await rules.addTagRule('gr/app', { pattern: 'release-.*', push: 'maintainer', delete: 'maintainer' });
  await rules.addTagRule('gr/app', { pattern: '^release-1$', push: 'maintainer', delete: 'owner' });
  await rules.addTagRule('gr/app', { pattern: '^v', push: 'maintainer', delete: 'maintainer' });
  const list = await gql(ProjectRepositoriesDocument, { fullPath: 'gr/app', name: 'guarded' });
  const id = list.project?.containerRepositories?.nodes?.[0]?.id as string;
  const tags = (await gql(TagProtectionDocument, { id })).containerRepository?.tags?.nodes ?? [];
  assert.deepEqual(
    tags.map((n) => [n?.name, n?.protection, n?.userPermissions.destroyContainerRepositoryTag]),
    [
      ['dev', null, true],
      ['release-1', { minimumAccessLevelForPush: 'MAINTAINER', minimumAccessLevelForDelete: 'OWNER' }, false],
      ['v1', { minimumAccessLevelForPush: 'MAINTAINER', minimumAccessLevelForDelete: 'MAINTAINER' }, false],
    ],
    'the Developer may delete only the unprotected tag',
  );
});
