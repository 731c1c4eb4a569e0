/** Members and tokens through GraphQL, each checked by signing in with the result at /jwt/auth. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  DeployTokenCreateDocument,
  JobTokenCreateDocument,
  MemberRemoveDocument,
  MemberSetDocument,
  PatCreateDocument,
  TokenRevokeDocument,
} from '../__generated__/graphql.js';
import { claims, identity, PASSWORD, tokenResponse, user } from '../auth/helpers.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const tokens = new Map<string, string>();
const NO =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

before(async () => {
  t = await startTestApp();
  await t.project('tk/app');
  for (const [name, role] of [
    ['lead', 'maintainer'],
    ['newbie', undefined],
  ] as const) {
    await user(t, name);
    if (role) await identity(t).setMember(name, 'tk', role);
    tokens.set(name, (await identity(t).createPersonalAccessToken(name, { name, scopes: ['api'] })).secret);
  }
});
after(() => t.close());

const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V, who: string) =>
  graphql(t.url, doc, variables, bearer(tokens.get(who)));

const granted = async (cred: { username: string; password: string }, scope = 'repository:tk/app:pull,push') => {
  const r = await tokenResponse(t.url, [scope], cred);
  return r.status === 200 ? (claims(JSON.parse(r.body).token).access[0]?.actions ?? []) : r.status;
};

test('members: a Maintainer adds and removes; only Owners grant Owner; roles apply at once', async () => {
  assert.deepEqual(await granted({ username: 'newbie', password: PASSWORD }), []);
  const set = await gql(
    MemberSetDocument,
    { input: { username: 'newbie', path: 'tk/app', accessLevel: 'DEVELOPER' } },
    'lead',
  );
  assert.deepEqual(set.data?.memberSet?.errors, []);
  assert.deepEqual(await granted({ username: 'newbie', password: PASSWORD }), ['pull', 'push']);
  const owner = await gql(
    MemberSetDocument,
    { input: { username: 'newbie', path: 'tk', accessLevel: 'OWNER' } },
    'lead',
  );
  assert.equal(owner.errors?.[0]?.message, NO);
  const self = await gql(
    MemberSetDocument,
    { input: { username: 'newbie', path: 'tk/app', accessLevel: 'MAINTAINER' } },
    'newbie',
  );
  assert.equal(self.errors?.[0]?.message, NO, 'a Developer cannot promote');
  const removed = await gql(MemberRemoveDocument, { input: { username: 'newbie', path: 'tk/app' } }, 'lead');
  assert.deepEqual(removed.data?.memberRemove?.errors, []);
  assert.deepEqual(await granted({ username: 'newbie', password: PASSWORD }), []);
});

test('tokens: created with the secret shown once, usable at once, revoked at once', async () => {
  const pat = await gql(PatCreateDocument, { input: { name: 'laptop', scopes: ['read_registry'] } }, 'lead');
  const secret = pat.data?.personalAccessTokenCreate?.token as string;
  assert.match(secret, /^bpat-/);
  assert.deepEqual(await granted({ username: 'lead', password: secret }), ['pull']);
  const badScope = await gql(PatCreateDocument, { input: { name: 'x', scopes: ['sudo'] } }, 'lead');
  assert.match(badScope.data?.personalAccessTokenCreate?.errors[0] ?? '', /unknown scope sudo/);

  const dt = await gql(
    DeployTokenCreateDocument,
    { input: { path: 'tk/app', name: 'k8s', scopes: ['read_registry'] } },
    'lead',
  );
  const info = dt.data?.deployTokenCreate?.tokenInfo;
  assert.match(info?.username ?? '', /^gitlab\+deploy-token-\d+$/);
  const deployCred = { username: info?.username as string, password: dt.data?.deployTokenCreate?.token as string };
  assert.deepEqual(await granted(deployCred), ['pull']);
  const notMine = await gql(
    DeployTokenCreateDocument,
    { input: { path: 'tk/app', name: 'x', scopes: ['read_registry'] } },
    'newbie',
  );
  assert.equal(notMine.errors?.[0]?.message, NO);

  const job = await gql(JobTokenCreateDocument, { input: { projectPath: 'tk/app', ttlSeconds: 600 } }, 'lead');
  const jobCred = { username: 'gitlab-ci-token', password: job.data?.ciJobTokenCreate?.token as string };
  assert.deepEqual(await granted(jobCred, 'repository:tk/app:pull,push,delete'), ['pull', 'push', 'delete']);
  assert.ok(Date.parse(job.data?.ciJobTokenCreate?.tokenInfo?.expiresAt ?? '') <= Date.now() + 600_000 + 5000);

  for (const [id, cred] of [
    [pat.data?.personalAccessTokenCreate?.tokenInfo?.id, { username: 'lead', password: secret }],
    [info?.id, deployCred],
    [job.data?.ciJobTokenCreate?.tokenInfo?.id, jobCred],
  ] as const) {
    const othersRevoke = await gql(TokenRevokeDocument, { input: { id: id as string } }, 'newbie');
    assert.equal(othersRevoke.errors?.[0]?.message, NO, `${id}: not newbie's to revoke`);
    const r = await gql(TokenRevokeDocument, { input: { id: id as string } }, 'lead');
    assert.deepEqual(r.data?.tokenRevoke?.errors, []);
    assert.equal(await granted(cred), 401, `${id}: revoked`);
  }
});
