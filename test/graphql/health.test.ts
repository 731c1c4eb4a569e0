import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { renderSchema } from '../../src/graphql/render-schema.js';
import { HealthDocument } from '../__generated__/graphql.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function gql<R, V>(
  doc: TypedDocumentNode<R, V>,
  variables?: V,
): Promise<{ data?: R; errors?: { message: string }[] }> {
  const r = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  assert.equal(r.status, 200);
  return (await r.json()) as { data?: R };
}

test('the typed Health document answers version and database health', async () => {
  const { data, errors } = await gql(HealthDocument);
  assert.equal(errors, undefined);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.equal(data?.version, pkg.version);
  assert.equal(data?.health.status, 'ok');
  assert.equal(data?.health.database, true);
  assert.equal(data?.health.databaseKind, process.env.BERTH_TEST_DATABASE_URL ? 'postgresql' : 'sqlite');
  assert.equal(data?.health.storageDriver, 'filesystem');
});

test('an invalid query gets GraphQL errors, not a crash', async () => {
  const r = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ nope }' }),
  });
  assert.equal(r.status, 400);
  const body = (await r.json()) as { errors: { message: string }[] };
  assert.match(body.errors[0]!.message, /Cannot query field "nope"/);
});

test('the committed schema.graphql is what the code emits', async () => {
  assert.equal(
    readFileSync('schema.graphql', 'utf8'),
    await renderSchema(),
    'run `npm run gen` and commit schema.graphql',
  );
});

test("GitLab's frontend transport: /api/graphql, and a batch of operations answered in order", async () => {
  const r = await fetch(`${t.url}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { operationName: 'Health', query: print(HealthDocument) },
      { query: '{ version }' },
      { query: '{ nope }' },
    ]),
  });
  const body = (await r.json()) as { data?: { health?: { status: string }; version?: string }; errors?: unknown[] }[];
  assert.equal(body.length, 3, JSON.stringify(body));
  assert.equal(body[0]?.data?.health?.status, 'ok');
  assert.equal(body[1]?.data?.version, JSON.parse(readFileSync('package.json', 'utf8')).version);
  assert.equal(body[2]?.data, undefined);
  assert.ok(body[2]?.errors?.length, 'a bad operation fails alone');
});
