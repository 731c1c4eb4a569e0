/**
 * Protection rules through GraphQL: Maintainers create, list and delete them; validation failures come back
 * in `errors`; others are refused with GitLab's wording; a rule made here stops the next /v2 push.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  CreateRepositoryRuleDocument,
  CreateTagRuleDocument,
  DeleteRepositoryRuleDocument,
  DeleteTagRuleDocument,
  ProtectionRulesDocument,
  UpdateRepositoryRuleDocument,
  UpdateTagRuleDocument,
} from '../__generated__/graphql.js';
import { identity, PASSWORD, tokenResponse, user } from '../auth/helpers.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { OciClient } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const tokens = new Map<string, string>();
const NO =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

before(async () => {
  t = await startTestApp();
  await t.project('pr/app');
  for (const [name, role] of [
    ['maint', 'maintainer'],
    ['dev', 'developer'],
  ] as const) {
    await user(t, name);
    await identity(t).setMember(name, 'pr', role);
    tokens.set(name, (await identity(t).createPersonalAccessToken(name, { name, scopes: ['api'] })).secret);
  }
});
after(() => t.close());

const gql = <R, V>(doc: TypedDocumentNode<R, V>, variables: V, who: string) =>
  graphql(t.url, doc, variables, bearer(tokens.get(who)));

test('a Maintainer creates a repository rule; the next push to a matching path is refused', async () => {
  const r = await gql(
    CreateRepositoryRuleDocument,
    {
      input: {
        projectPath: 'pr/app',
        repositoryPathPattern: 'pr/app/prod-*',
        minimumAccessLevelForPush: 'MAINTAINER',
        clientMutationId: 'c1',
      },
    },
    'maint',
  );
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const rule = r.data?.createContainerProtectionRepositoryRule;
  assert.deepEqual(rule?.errors, []);
  assert.equal(rule?.clientMutationId, 'c1');
  assert.match(
    rule?.containerProtectionRepositoryRule?.id ?? '',
    /^gid:\/\/berth\/ContainerRegistry::Protection::Rule\/\d+$/,
  );
  assert.equal(rule?.containerProtectionRepositoryRule?.minimumAccessLevelForPush, 'MAINTAINER');
  assert.equal(rule?.containerProtectionRepositoryRule?.minimumAccessLevelForDelete, null);

  const denied = await tokenResponse(t.url, ['repository:pr/app/prod-1:pull,push'], {
    username: 'dev',
    password: PASSWORD,
  });
  assert.equal(denied.status, 403, 'at /jwt/auth, as GitLab');
  const ok = await tokenResponse(t.url, ['repository:pr/app/dev-1:pull,push'], { username: 'dev', password: PASSWORD });
  const push = await new OciClient(t.url).send(
    'POST',
    '/v2/pr/app/dev-1/blobs/uploads/',
    {},
    JSON.parse(ok.body).token,
  );
  assert.equal(push.status, 202);

  const dup = await gql(
    CreateRepositoryRuleDocument,
    { input: { projectPath: 'pr/app', repositoryPathPattern: 'pr/app/prod-*', minimumAccessLevelForDelete: 'OWNER' } },
    'maint',
  );
  assert.match(dup.data?.createContainerProtectionRepositoryRule?.errors[0] ?? '', /exists already/);
  const outside = await gql(
    CreateRepositoryRuleDocument,
    { input: { projectPath: 'pr/app', repositoryPathPattern: 'other/*', minimumAccessLevelForPush: 'OWNER' } },
    'maint',
  );
  assert.match(
    outside.data?.createContainerProtectionRepositoryRule?.errors[0] ?? '',
    /must start with the project's full path/,
  );
});

test('tag rules: RE2 validated, listed, deleted; Developers are refused with GitLab wording', async () => {
  const bad = await gql(
    CreateTagRuleDocument,
    {
      input: {
        projectPath: 'pr/app',
        tagNamePattern: '(?=v)',
        minimumAccessLevelForPush: 'MAINTAINER',
        minimumAccessLevelForDelete: 'MAINTAINER',
      },
    },
    'maint',
  );
  assert.match(bad.data?.createContainerProtectionTagRule?.errors[0] ?? '', /RE2/);
  assert.equal(bad.data?.createContainerProtectionTagRule?.containerProtectionTagRule, null);
  const made = await gql(
    CreateTagRuleDocument,
    {
      input: {
        projectPath: 'pr/app',
        tagNamePattern: '^v\\d+',
        minimumAccessLevelForPush: 'MAINTAINER',
        minimumAccessLevelForDelete: 'OWNER',
      },
    },
    'maint',
  );
  const tagRule = made.data?.createContainerProtectionTagRule?.containerProtectionTagRule;
  assert.equal(tagRule?.minimumAccessLevelForDelete, 'OWNER');

  const listed = await gql(ProtectionRulesDocument, { fullPath: 'pr/app' }, 'maint');
  assert.deepEqual(
    listed.data?.project?.containerProtectionRepositoryRules?.nodes?.map((n) => n?.repositoryPathPattern),
    ['pr/app/prod-*'],
  );
  assert.deepEqual(
    listed.data?.project?.containerProtectionTagRules?.nodes?.map((n) => n?.tagNamePattern),
    ['^v\\d+'],
  );
  const asDev = await gql(ProtectionRulesDocument, { fullPath: 'pr/app' }, 'dev');
  assert.equal(asDev.data?.project?.containerProtectionTagRules, null, 'rules are for Maintainers');

  const devCreate = await gql(
    CreateTagRuleDocument,
    {
      input: {
        projectPath: 'pr/app',
        tagNamePattern: 'x',
        minimumAccessLevelForPush: 'MAINTAINER',
        minimumAccessLevelForDelete: 'MAINTAINER',
      },
    },
    'dev',
  );
  assert.equal(devCreate.errors?.[0]?.message, NO);
  const devDelete = await gql(DeleteTagRuleDocument, { input: { id: tagRule?.id as string } }, 'dev');
  assert.equal(devDelete.errors?.[0]?.message, NO);

  const del = await gql(DeleteTagRuleDocument, { input: { id: tagRule?.id as string } }, 'maint');
  assert.equal(del.data?.deleteContainerProtectionTagRule?.containerProtectionTagRule?.tagNamePattern, '^v\\d+');
  const repoRuleId = listed.data?.project?.containerProtectionRepositoryRules?.nodes?.[0]?.id as string;
  const delRepo = await gql(DeleteRepositoryRuleDocument, { input: { id: repoRuleId } }, 'maint');
  assert.deepEqual(delRepo.data?.deleteContainerProtectionRepositoryRule?.errors, []);
  const after = await gql(ProtectionRulesDocument, { fullPath: 'pr/app' }, 'maint');
  assert.deepEqual(after.data?.project?.containerProtectionTagRules?.nodes, []);
  assert.deepEqual(after.data?.project?.containerProtectionRepositoryRules?.nodes, []);
  const again = await tokenResponse(t.url, ['repository:pr/app/prod-1:pull,push'], {
    username: 'dev',
    password: PASSWORD,
  });
  assert.equal(again.status, 200, 'the rule is gone at once');
});

test('update mutations: change patterns and levels, unset a level, keep the rules valid', async () => {
  const repo = await gql(
    CreateRepositoryRuleDocument,
    {
      input: { projectPath: 'pr/app', repositoryPathPattern: 'pr/app/rel-*', minimumAccessLevelForPush: 'MAINTAINER' },
    },
    'maint',
  );
  const repoId = repo.data?.createContainerProtectionRepositoryRule?.containerProtectionRepositoryRule?.id as string;
  const up = await gql(
    UpdateRepositoryRuleDocument,
    { input: { id: repoId, repositoryPathPattern: 'pr/app/release-*', minimumAccessLevelForDelete: 'OWNER' } },
    'maint',
  );
  assert.deepEqual(up.data?.updateContainerProtectionRepositoryRule, {
    errors: [],
    containerProtectionRepositoryRule: {
      repositoryPathPattern: 'pr/app/release-*',
      minimumAccessLevelForPush: 'MAINTAINER',
      minimumAccessLevelForDelete: 'OWNER',
    },
  });
  const unset = await gql(
    UpdateRepositoryRuleDocument,
    { input: { id: repoId, minimumAccessLevelForPush: null } },
    'maint',
  );
  assert.equal(
    unset.data?.updateContainerProtectionRepositoryRule?.containerProtectionRepositoryRule?.minimumAccessLevelForPush,
    null,
  );
  const none = await gql(
    UpdateRepositoryRuleDocument,
    { input: { id: repoId, minimumAccessLevelForDelete: null } },
    'maint',
  );
  assert.match(none.data?.updateContainerProtectionRepositoryRule?.errors[0] ?? '', /at least one/);
  assert.equal(
    (await gql(UpdateRepositoryRuleDocument, { input: { id: repoId, repositoryPathPattern: 'x' } }, 'dev')).errors?.[0]
      ?.message,
    NO,
  );

  const tag = await gql(
    CreateTagRuleDocument,
    {
      input: {
        projectPath: 'pr/app',
        tagNamePattern: '^rc',
        minimumAccessLevelForPush: 'MAINTAINER',
        minimumAccessLevelForDelete: 'MAINTAINER',
      },
    },
    'maint',
  );
  const tagId = tag.data?.createContainerProtectionTagRule?.containerProtectionTagRule?.id as string;
  const t2 = await gql(
    UpdateTagRuleDocument,
    { input: { id: tagId, tagNamePattern: '^rc-\\d+', minimumAccessLevelForPush: 'OWNER' } },
    'maint',
  );
  assert.deepEqual(t2.data?.updateContainerProtectionTagRule?.containerProtectionTagRule, {
    tagNamePattern: '^rc-\\d+',
    minimumAccessLevelForPush: 'OWNER',
    minimumAccessLevelForDelete: 'MAINTAINER',
  });
  const badRe = await gql(UpdateTagRuleDocument, { input: { id: tagId, tagNamePattern: '(' } }, 'maint');
  assert.match(badRe.data?.updateContainerProtectionTagRule?.errors[0] ?? '', /RE2/);
});
