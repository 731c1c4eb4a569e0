/**
 * No N+1: the number of SQL statements a GraphQL request costs does not grow with what it lists. Counted at
 * `/metrics` (`berth_db_queries_total`, every statement the request's work sent), so the
 * test checks the exported counter as well.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  GroupRegistryPageDocument,
  ProjectRegistryPageDocument,
  ProjectsListDocument,
} from '../__generated__/graphql.js';
import { identity, user } from '../auth/helpers.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { OciClient, ROOT } from '../helpers/oci-client.js';
import { repositoryName, seedProject, tagName } from '../helpers/seed.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let token: string;

before(async () => {
  t = await startTestApp();
  await t.project('np/big');
  await t.project('np/small');
  const c = new OciClient(t.url, ROOT);
  await seedProject(c, 'np/big', 50, 21);
  await seedProject(c, 'np/small', 2, 2);
  // Groups: one with 10 projects in two levels of subgroups (3 repositories × 2 tags each), one with 1 × 1 × 1.
  for (let i = 0; i < 10; i++) {
    const path = `wide/${i < 5 ? 'a' : 'b/c'}/p${i}`;
    await t.project(path);
    await seedProject(c, path, 3, 2);
  }
  await t.project('narrow/p0');
  await seedProject(c, 'narrow/p0', 1, 1);
  await user(t, 'viewer');
  for (const g of ['np', 'wide', 'narrow']) await identity(t).setMember('viewer', g, 'reporter');
  token = (await identity(t).createPersonalAccessToken('viewer', { name: 'ui', scopes: ['read_api'] })).secret;
});
after(() => t.close());

async function graphqlStatements(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const m = /^berth_db_queries_total (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** Runs `doc` with cold caches and returns its data and the statements it cost. */
async function measured<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<{ data: R; statements: number }> {
  t.app.access.changed(); // cold: the access caches are refilled inside the measured request
  const before = await graphqlStatements();
  const body = await graphql(t.url, doc, variables, bearer(token));
  const statements = (await graphqlStatements()) - before;
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return { data: body.data as R, statements };
}

async function page(fullPath: string, repositories: number, tags: number) {
  const { data, statements } = await measured(ProjectRegistryPageDocument, { fullPath, repositories, tags });
  return { project: data.project!, statements };
}

test('a page of 50 repositories × their first 20 tags costs the same statements as 2 × 2', async () => {
  const big = await page('np/big', 50, 20);
  const repos = big.project.containerRepositories!.nodes!;
  assert.equal(repos.length, 50);
  assert.deepEqual(
    repos.map((r) => r!.name),
    Array.from({ length: 50 }, (_, i) => repositoryName(i)),
  );
  for (const r of repos) {
    assert.equal(r!.tagsCount, 21);
    assert.ok(r!.size! > 0);
    assert.equal(r!.tags!.count, 21);
    assert.equal(r!.tags!.pageInfo.hasNextPage, true);
    assert.deepEqual(
      r!.tags!.nodes!.map((n) => n!.name),
      Array.from({ length: 20 }, (_, i) => tagName(i)),
    );
    for (const tag of r!.tags!.nodes!) {
      assert.match(tag!.digest!, /^sha256:/);
      assert.ok(Number(tag!.totalSize) > 0);
      assert.equal(tag!.userPermissions.destroyContainerRepositoryTag, false, 'a Reporter may not delete');
    }
  }

  if (process.env.DEBUG_SQL) t.app.db.em.getKnex().on('query', (q: { sql: string }) => console.log(q.sql));
  const small = await page('np/small', 2, 2);
  assert.equal(small.project.containerRepositories!.nodes!.length, 2);
  assert.equal(small.project.containerRepositories!.nodes![0]!.tags!.nodes!.length, 2);

  console.log(`statements: 50 × 20 page ${big.statements}, 2 × 2 page ${small.statements}`);
  assert.ok(small.statements > 0, 'the counter counts');
  assert.equal(big.statements, small.statements);
});

test("a group's repositories over 10 projects in subgroups cost the same statements as over one", async () => {
  const wide = await measured(GroupRegistryPageDocument, { fullPath: 'wide' });
  const repos = wide.data.group!.containerRepositories!.nodes!;
  assert.equal(wide.data.group!.containerRepositoriesCount, 30);
  assert.equal(repos.length, 30);
  assert.equal(new Set(repos.map((r) => r!.project.fullPath)).size, 10);
  for (const r of repos) {
    assert.equal(r!.tagsCount, 2);
    assert.equal(r!.tags!.nodes!.length, 2);
    assert.ok(r!.size! > 0);
  }
  const narrow = await measured(GroupRegistryPageDocument, { fullPath: 'narrow' });
  assert.equal(narrow.data.group!.containerRepositories!.nodes!.length, 1);
  console.log(`statements: group of 10 projects ${wide.statements}, of 1 project ${narrow.statements}`);
  assert.equal(wide.statements, narrow.statements);
});

test('projects(search) costs the same statements for 13 projects as for 1', async () => {
  const all = await measured(ProjectsListDocument, { search: 'p' });
  assert.ok(all.data.projects!.count >= 12, JSON.stringify(all.data.projects));
  const one = await measured(ProjectsListDocument, { search: 'narrow' });
  assert.equal(one.data.projects!.count, 1);
  console.log(`statements: projects() of ${all.data.projects!.count} ${all.statements}, of 1 ${one.statements}`);
  assert.equal(all.statements, one.statements);
});

test('the counter is exported in the Prometheus text format', async () => {
  const r = await fetch(`${t.url}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await r.text();
  assert.match(text, /^# TYPE berth_db_queries_total counter$/m);
  assert.match(text, /^berth_db_queries_total [1-9]\d*$/m);
  assert.match(text, /^process_resident_memory_bytes \d+$/m);
});
