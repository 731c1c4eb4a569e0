/**
 * Groups and projects through GraphQL: create them, change visibility and registry access, and rename or
 * move a project that holds images, after which pulls by the new name work at once and the old name is gone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  GroupCreateDocument,
  GroupDeleteDocument,
  NamespaceExistsDocument,
  ProjectCreateDocument,
  ProjectDeleteDocument,
  ProjectUpdateDocument,
} from '../__generated__/graphql.js';
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

test('projectDelete and groupDelete (Owner): images, tags and the name go at once; the name is free again', async () => {
  const c = new OciClient(t.url, ROOT);
  await gql(GroupCreateDocument, { input: { fullPath: 'doomed' } }, 'alice');
  await gql(GroupCreateDocument, { input: { fullPath: 'doomed/sub' } }, 'alice');
  for (const p of ['doomed/one', 'doomed/sub/two'])
    await gql(ProjectCreateDocument, { input: { fullPath: p } }, 'alice');
  const img = await c.pushImage('doomed/one/web', 'v1');
  // An index naming the image, so deletion has manifest links to undo.
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: img.digest,
        size: Buffer.byteLength(img.bytes),
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ],
  };
  assert.equal((await c.pushManifest('doomed/one/web', 'multi', index)).status, 201);
  await c.pushImage('doomed/sub/two', 'v1');
  await identity(t).setMember('bob', 'doomed', 'maintainer');

  const byMaintainer = await gql(ProjectDeleteDocument, { input: { fullPath: 'doomed/one' } }, 'bob');
  assert.equal(byMaintainer.errors?.[0]?.message, NO, 'deleting needs Owner');
  assert.equal((await c.req('GET', '/v2/doomed/one/web/manifests/v1')).status, 200, 'still there');

  const del = await gql(ProjectDeleteDocument, { input: { fullPath: 'doomed/one', clientMutationId: 'd1' } }, 'alice');
  assert.deepEqual(del.data?.projectDelete, { clientMutationId: 'd1', errors: [] });
  const gone = await c.req('GET', '/v2/doomed/one/web/manifests/v1');
  assert.equal(gone.status, 404);
  assert.equal(gone.json().errors[0].code, 'NAME_UNKNOWN');
  const exists = await gql(NamespaceExistsDocument, { fullPath: 'doomed/one' }, 'alice');
  assert.equal(exists.data?.project, null);
  const rows = await t.app.db.em.getKnex()('tags').count({ n: '*' }).where('name', 'multi').first();
  assert.equal(Number(rows?.n), 0, 'the tags went with it');

  const again = await gql(ProjectCreateDocument, { input: { fullPath: 'doomed/one' } }, 'alice');
  assert.deepEqual(again.data?.projectCreate?.errors, [], 'the name is free again');
  assert.equal((await c.req('GET', '/v2/doomed/one/web/manifests/v1')).status, 404, 'and holds nothing');

  assert.equal((await gql(GroupDeleteDocument, { input: { fullPath: 'doomed' } }, 'bob')).errors?.[0]?.message, NO);
  const group = await gql(GroupDeleteDocument, { input: { fullPath: 'doomed' } }, 'alice');
  assert.deepEqual(group.data?.groupDelete, { errors: [] });
  for (const path of ['doomed', 'doomed/sub', 'doomed/sub/two', 'doomed/one']) {
    const left = await gql(NamespaceExistsDocument, { fullPath: path }, 'alice');
    assert.deepEqual(left.data, { project: null, group: null }, path);
  }
  assert.equal((await c.req('GET', '/v2/doomed/sub/two/manifests/v1')).status, 404);
  const missing = await gql(ProjectDeleteDocument, { input: { fullPath: 'doomed/one' } }, 'alice');
  assert.equal(missing.errors?.[0]?.message, NO, 'what does not exist is refused as what may not be seen');
});
