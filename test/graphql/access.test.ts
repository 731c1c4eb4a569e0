/**
 * /graphql authentication and the first project queries: bearer personal access tokens (and GitLab's
 * PRIVATE-TOKEN header), scope checks, and project visibility decided by the same rules as /v2.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CurrentUserDocument, ProjectByPathDocument, ProjectsDocument } from '../__generated__/graphql.js';
import { identity, namespaces, user } from '../auth/helpers.js';
import { graphql, bearer as tokenHeader } from '../helpers/graphql-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const tokens = new Map<string, string>();

before(async () => {
  t = await startTestApp();
  for (const [path, visibility, registry] of [
    ['gq/public', 'public', 'enabled'],
    ['gq/internal', 'internal', 'enabled'],
    ['gq/private', 'private', 'private'],
    ['gq/off', 'public', 'disabled'],
  ] as const) {
    await t.project(path);
    await namespaces(t).updateProject(path, { visibility, registryAccessLevel: registry });
  }
  await user(t, 'member');
  await identity(t).setMember('member', 'gq/private', 'reporter');
  await user(t, 'stranger');
  for (const [name, who, scopes] of [
    ['member-api', 'member', ['api']],
    ['member-read-api', 'member', ['read_api']],
    ['member-registry', 'member', ['read_registry']],
    ['stranger', 'stranger', ['read_api']],
  ] as const) {
    tokens.set(name, (await identity(t).createPersonalAccessToken(who, { name, scopes: [...scopes] })).secret);
  }
});
after(() => t.close());

const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V | undefined, headers: Record<string, string> = {}) =>
  graphql(t.url, doc, variables, headers);

const bearer = (name: string) => tokenHeader(tokens.get(name));

test('currentUser: null when anonymous; the token owner otherwise; PRIVATE-TOKEN works too', async () => {
  assert.equal((await gql(CurrentUserDocument, undefined)).data?.currentUser, null);
  const me = await gql(CurrentUserDocument, undefined, bearer('member-read-api'));
  assert.equal(me.data?.currentUser?.username, 'member');
  assert.match(me.data?.currentUser?.id ?? '', /^gid:\/\/berth\/User\/\d+$/);
  assert.equal(me.data?.currentUser?.admin, false);
  const viaHeader = await gql(CurrentUserDocument, undefined, { 'private-token': tokens.get('member-api') as string });
  assert.equal(viaHeader.data?.currentUser?.username, 'member');
});

test('a bad token is 401, a token without api/read_api is 403; a revoked one is 401 at once', async () => {
  const bad = await gql(CurrentUserDocument, undefined, { authorization: 'Bearer bpat-not-a-token' });
  assert.equal(bad.status, 401);
  assert.equal(bad.errors?.[0]?.message, 'Invalid token');
  const scoped = await gql(CurrentUserDocument, undefined, bearer('member-registry'));
  assert.equal(scoped.status, 403);
  assert.match(scoped.errors?.[0]?.message ?? '', /insufficient_scope/);
  const { token, secret } = await identity(t).createPersonalAccessToken('member', { name: 'soon', scopes: ['api'] });
  assert.equal((await gql(CurrentUserDocument, undefined, { authorization: `Bearer ${secret}` })).status, 200);
  await identity(t).revoke('pat', token.id);
  assert.equal((await gql(CurrentUserDocument, undefined, { authorization: `Bearer ${secret}` })).status, 401);
});

test('project(fullPath): visible as GitLab shows projects; registry access as /v2 decides it', async () => {
  const see = async (path: string, headers?: Record<string, string>) =>
    (await gql(ProjectByPathDocument, { fullPath: path }, headers)).data?.project;
  const pub = await see('gq/public');
  assert.equal(pub?.fullPath, 'gq/public');
  assert.equal(pub?.path, 'public');
  assert.equal(pub?.visibility, 'public');
  assert.equal(pub?.containerRegistryAccessLevel, 'ENABLED');
  assert.equal(pub?.containerRegistryEnabled, true);
  assert.match(pub?.id ?? '', /^gid:\/\/berth\/Project\/\d+$/);
  assert.ok(!Number.isNaN(Date.parse(pub?.createdAt)));

  assert.equal(await see('gq/internal'), null, 'internal: not for anonymous callers');
  assert.equal((await see('gq/internal', bearer('stranger')))?.fullPath, 'gq/internal');
  assert.equal(await see('gq/private', bearer('stranger')), null, 'private: members only');
  const priv = await see('gq/private', bearer('member-read-api'));
  assert.equal(priv?.containerRegistryAccessLevel, 'PRIVATE');
  assert.equal(priv?.containerRegistryEnabled, true, 'a Reporter sees a private registry');
  const off = await see('gq/off');
  assert.equal(off?.containerRegistryEnabled, false, 'disabled for everyone');
  assert.equal(await see('gq'), null, 'a group path is not a project');
  assert.equal(await see('gq/nope'), null);
});

test('projects(search, membership, sort, first): only what the caller may see', async () => {
  const list = async (vars: Record<string, unknown>, headers?: Record<string, string>) => {
    const r = await gql(ProjectsDocument, vars, headers);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data?.projects?.nodes?.map((n) => n?.fullPath) ?? [];
  };
  assert.deepEqual(await list({ sort: 'path_asc' }), ['gq/off', 'gq/public'], 'anonymous: public only');
  assert.deepEqual(await list({ sort: 'path_asc' }, bearer('stranger')), ['gq/internal', 'gq/off', 'gq/public']);
  assert.deepEqual(await list({ sort: 'path_asc' }, bearer('member-read-api')), [
    'gq/internal',
    'gq/off',
    'gq/private',
    'gq/public',
  ]);
  assert.deepEqual(await list({ membership: true }, bearer('member-read-api')), ['gq/private']);
  assert.deepEqual(await list({ search: 'PUB' }), ['gq/public']);
  const first = await gql(ProjectsDocument, { sort: 'path_asc', first: 1 }, bearer('stranger'));
  assert.equal(first.data?.projects?.count, 3);
  assert.equal(first.data?.projects?.pageInfo.hasNextPage, true);
  const rest = await list(
    { sort: 'path_asc', first: 5, after: first.data?.projects?.pageInfo.endCursor },
    bearer('stranger'),
  );
  assert.deepEqual(rest, ['gq/off', 'gq/public']);
  const bad = await gql(ProjectsDocument, { sort: 'sideways' });
  assert.match(bad.errors?.[0]?.message ?? '', /sort must be one of/);
});
