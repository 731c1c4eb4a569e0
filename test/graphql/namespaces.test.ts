/**
 * Groups and projects through GraphQL: create them, change visibility and registry access, and rename or
 * move a project that holds images, after which pulls by the new name work at once and the old name is gone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { GroupCreateDocument, ProjectCreateDocument, ProjectUpdateDocument } from '../__generated__/graphql.js';
import { identity, user } from '../auth/helpers.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { OciClient, ROOT } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const tokens = new Map<string, string>();
const NO =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

before(async () => {
  t = await startTestApp();
  for (const name of ['alice', 'bob']) {
    await user(t, name);
    tokens.set(name, (await identity(t).createPersonalAccessToken(name, { name, scopes: ['api'] })).secret);
  }
});
after(() => t.close());

const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V, who: string) =>
  graphql(t.url, doc, variables, bearer(tokens.get(who)));

test('groupCreate makes the caller Owner; projectCreate needs Maintainer of the group; errors for bad input', async () => {
  const g = await gql(GroupCreateDocument, { input: { fullPath: 'acme', visibility: 'internal' } }, 'alice');
  assert.deepEqual(g.data?.groupCreate, { errors: [], group: { fullPath: 'acme', visibility: 'internal' } });
  const sub = await gql(GroupCreateDocument, { input: { fullPath: 'acme/team' } }, 'alice');
  assert.equal(sub.data?.groupCreate?.group?.fullPath, 'acme/team');
  assert.equal((await gql(GroupCreateDocument, { input: { fullPath: 'acme/other' } }, 'bob')).errors?.[0]?.message, NO);
  const bad = await gql(GroupCreateDocument, { input: { fullPath: 'Bad_' } }, 'alice');
  assert.match(bad.data?.groupCreate?.errors[0] ?? '', /uppercase/);

  const p = await gql(
    ProjectCreateDocument,
    { input: { fullPath: 'acme/team/app', visibility: 'public', containerRegistryAccessLevel: 'PRIVATE' } },
    'alice',
  );
  assert.deepEqual(p.data?.projectCreate, {
    errors: [],
    project: { fullPath: 'acme/team/app', visibility: 'public', containerRegistryAccessLevel: 'PRIVATE' },
  });
  assert.equal(
    (await gql(ProjectCreateDocument, { input: { fullPath: 'acme/team/x' } }, 'bob')).errors?.[0]?.message,
    NO,
  );
  const dup = await gql(ProjectCreateDocument, { input: { fullPath: 'acme/team/app' } }, 'alice');
  assert.match(dup.data?.projectCreate?.errors[0] ?? JSON.stringify(dup), /already a project/);
});

test('rename and move a project with images: the new name serves at once, the old one is gone', async () => {
  const c = new OciClient(t.url, ROOT);
  const img = await c.pushImage('acme/team/app/web', 'v1');
  await c.pushImage('acme/team/app', 'root');
  assert.equal((await c.req('GET', '/v2/acme/team/app/web/manifests/v1')).status, 200); // warm the caches
  await gql(GroupCreateDocument, { input: { fullPath: 'acme/platform' } }, 'alice');

  await identity(t).setMember('bob', 'acme', 'maintainer');
  const notOwner = await gql(ProjectUpdateDocument, { input: { fullPath: 'acme/team/app', path: 'site' } }, 'bob');
  assert.equal(notOwner.errors?.[0]?.message, NO, 'renaming needs Owner');
  const visibility = await gql(
    ProjectUpdateDocument,
    { input: { fullPath: 'acme/team/app', visibility: 'internal' } },
    'bob',
  );
  assert.equal(visibility.data?.projectUpdate?.project?.visibility, 'internal', 'a Maintainer changes visibility');

  const moved = await gql(
    ProjectUpdateDocument,
    { input: { fullPath: 'acme/team/app', path: 'site', namespacePath: 'acme/platform', clientMutationId: 'mv' } },
    'alice',
  );
  assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
  assert.deepEqual(moved.data?.projectUpdate?.errors, []);
  assert.equal(moved.data?.projectUpdate?.project?.fullPath, 'acme/platform/site');
  assert.equal(moved.data?.projectUpdate?.project?.containerRepositoriesCount, 2);

  const fresh = new OciClient(t.url, ROOT);
  const pulled = await fresh.req('GET', '/v2/acme/platform/site/web/manifests/v1');
  assert.equal(pulled.status, 200);
  assert.equal(pulled.body.toString(), img.bytes);
  for (const l of img.layers)
    assert.equal((await fresh.req('HEAD', `/v2/acme/platform/site/web/blobs/${l.digest}`)).status, 200);
  assert.equal((await fresh.req('GET', '/v2/acme/platform/site/manifests/root')).status, 200);
  const old = await fresh.req('GET', '/v2/acme/team/app/web/manifests/v1');
  assert.equal(old.status, 404, 'the old name is gone');
  assert.equal(old.json().errors[0].code, 'NAME_UNKNOWN');

  const taken = await gql(
    ProjectUpdateDocument,
    { input: { fullPath: 'acme/platform/site', namespacePath: 'nowhere' } },
    'alice',
  );
  assert.ok(taken.errors || (taken.data?.projectUpdate?.errors.length ?? 0) > 0, 'a group that does not exist');
});
