/** Registry mutations through GraphQL: destroyContainerRepositoryTags with GitLab's limits, rules and errors. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ProtectionService } from '../../src/domain/protection.service.js';
import {
  DestroyRepositoryDocument,
  DestroyTagsDocument,
  ProjectRepositoriesDocument,
} from '../__generated__/graphql.js';
import { identity, user } from '../auth/helpers.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { OciClient, ROOT } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let repoId: string;
const tokens = new Map<string, string>();
const c = () => new OciClient(t.url, ROOT);

before(async () => {
  t = await startTestApp();
  await t.project('mu/app');
  for (const tag of ['v1', 'v2', 'keep-1', 'dev']) await c().pushImage('mu/app/img', tag);
  for (const [name, role, scopes] of [
    ['dev', 'developer', ['api']],
    ['devread', 'developer', ['read_api']],
    ['rep', 'reporter', ['api']],
  ] as const) {
    await user(t, name);
    await identity(t).setMember(name, 'mu', role);
    tokens.set(name, (await identity(t).createPersonalAccessToken(name, { name, scopes: [...scopes] })).secret);
  }
  await new ProtectionService(t.app.db.em.fork(), () => t.app.access.changed()).addTagRule('mu/app', {
    pattern: '^keep',
    push: 'maintainer',
    delete: 'maintainer',
  });
});
after(() => t.close());

const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V, who: string) =>
  graphql(t.url, doc, variables, bearer(tokens.get(who)));

const tagsOf = async () => (await c().req('GET', '/v2/mu/app/img/tags/list')).json().tags as string[];

test('a Developer deletes tags; protected ones are kept; the registry stops serving them at once', async () => {
  const list = await gql(ProjectRepositoriesDocument, { fullPath: 'mu/app' }, 'dev');
  repoId = list.data?.project?.containerRepositories?.nodes?.[0]?.id as string;
  assert.ok(repoId);
  // Warm the registry's manifest cache, then delete through GraphQL.
  assert.equal((await c().req('GET', '/v2/mu/app/img/manifests/v1')).status, 200);
  const r = await gql(
    DestroyTagsDocument,
    { input: { id: repoId, tagNames: ['v1', 'keep-1', 'absent'], clientMutationId: 'm1' } },
    'dev',
  );
  assert.equal(r.errors, undefined);
  assert.deepEqual(r.data?.destroyContainerRepositoryTags, {
    clientMutationId: 'm1',
    deletedTagNames: ['v1'],
    errors: [],
  });
  assert.deepEqual(await tagsOf(), ['dev', 'keep-1', 'v2']);
  assert.equal((await c().req('GET', '/v2/mu/app/img/manifests/v1')).status, 404);
});

test("only protected tags: GitLab's error in errors; more than 20 names: a top-level error", async () => {
  const r = await gql(DestroyTagsDocument, { input: { id: repoId, tagNames: ['keep-1'] } }, 'dev');
  assert.deepEqual(r.data?.destroyContainerRepositoryTags?.errors, ['cannot delete protected tag(s)']);
  const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
  const big = await gql(DestroyTagsDocument, { input: { id: repoId, tagNames: many } }, 'dev');
  assert.equal(big.errors?.[0]?.message, 'Number of tags is greater than 20');
});

test("refused with GitLab's wording: a Reporter, a read_api token, an unknown id", async () => {
  const NO =
    "The resource that you are attempting to access does not exist or you don't have permission to perform this action";
  for (const [who, id] of [
    ['rep', repoId],
    ['devread', repoId],
    ['dev', 'gid://berth/ContainerRepository/999999'],
  ] as const) {
    const r = await gql(DestroyTagsDocument, { input: { id, tagNames: ['v2'] } }, who);
    assert.equal(r.errors?.[0]?.message, NO, who);
  }
  assert.deepEqual(await tagsOf(), ['dev', 'keep-1', 'v2'], 'nothing was deleted');
});

test('destroyContainerRepository: scheduled, then gone from lists and from /v2; blobs shared elsewhere stay', async () => {
  const shared = await c().pushImage('mu/app/other', 'v1');
  await c().pushImage('mu/app/doomed', 'v1');
  // The same layer pushed into the doomed repository too (a mount): it must survive in `other`.
  const both = await c().token(['repository:mu/app/doomed:pull,push', 'repository:mu/app/other:pull']);
  const mount = await c().send(
    'POST',
    `/v2/mu/app/doomed/blobs/uploads/?mount=${shared.layers[0]?.digest}&from=mu/app/other`,
    {},
    both,
  );
  assert.equal(mount.status, 201);
  const list = await gql(ProjectRepositoriesDocument, { fullPath: 'mu/app', name: 'doomed' }, 'dev');
  const id = list.data?.project?.containerRepositories?.nodes?.[0]?.id as string;
  const refused = await gql(DestroyRepositoryDocument, { input: { id } }, 'rep');
  assert.match(refused.errors?.[0]?.message ?? '', /don't have permission/);
  const r = await gql(DestroyRepositoryDocument, { input: { id } }, 'dev');
  assert.deepEqual(r.data?.destroyContainerRepository, {
    errors: [],
    containerRepository: { id, status: 'DELETE_SCHEDULED' },
  });
  let names: string[] = [];
  for (let i = 0; i < 50; i++) {
    const now = await gql(ProjectRepositoriesDocument, { fullPath: 'mu/app' }, 'dev');
    names = (now.data?.project?.containerRepositories?.nodes ?? []).map((n) => n?.name as string);
    if (!names.includes('doomed')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(!names.includes('doomed'), 'removed in the background');
  assert.ok(names.includes('other'));
  assert.equal((await c().req('GET', '/v2/mu/app/doomed/manifests/v1')).status, 404);
  assert.equal((await c().req('GET', `/v2/mu/app/other/blobs/${shared.layers[0]?.digest}`)).status, 200);
  assert.equal((await c().req('GET', '/v2/mu/app/other/manifests/v1')).status, 200);
});
