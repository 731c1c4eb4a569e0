/** `group(fullPath)`: who may see a group, and its container repositories across subgroups. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { print } from 'graphql';
import { GroupRepositoriesDocument } from '../__generated__/graphql.js';
import { identity, namespaces, user } from '../auth/helpers.js';
import { OciClient, ROOT } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
const tokens = new Map<string, string>();

before(async () => {
  t = await startTestApp();
  const ns = namespaces(t);
  await ns.createGroup('org', undefined, 'private');
  await ns.createGroup('org/team', undefined, 'private');
  await ns.createGroup('org_x', undefined, 'private');
  await ns.createGroup('orgax', undefined, 'private');
  await ns.createGroup('pub', undefined, 'public');
  for (const p of ['org/app', 'org/team/svc', 'org/team/hidden', 'orgax/p', 'pub/site']) await ns.createProject(p);
  const c = new OciClient(t.url, ROOT);
  for (const r of ['org/app/api', 'org/team/svc', 'org/team/svc/worker', 'org/team/hidden/x', 'pub/site/web']) {
    await c.pushImage(r, 'v1');
  }
  await ns.updateProject('org/team/hidden', { registryAccessLevel: 'disabled' });
  for (const [name, path, role] of [
    ['lead', 'org', 'reporter'],
    ['svcdev', 'org/team/svc', 'developer'],
    ['axdev', 'orgax/p', 'developer'],
  ] as const) {
    await user(t, name);
    await identity(t).setMember(name, path, role);
    tokens.set(name, (await identity(t).createPersonalAccessToken(name, { name, scopes: ['read_api'] })).secret);
  }
});
after(() => t.close());

async function group(fullPath: string, who?: string, vars: { sort?: 'NAME_ASC'; name?: string } = {}) {
  const r = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${tokens.get(who)}` } : {}) },
    body: JSON.stringify({
      query: print(GroupRepositoriesDocument),
      variables: { fullPath, sort: 'NAME_ASC', ...vars },
    }),
  });
  const body = (await r.json()) as { data?: { group: GroupData | null }; errors?: unknown };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data?.group ?? null;
}

interface GroupData {
  id: string;
  fullPath: string;
  visibility: string;
  containerRepositoriesCount: number;
  containerRepositories: { nodes: { path: string; project: { fullPath: string } }[] };
}

test('who sees a group: public to all; private to members of it, above it or below it, and no one else', async () => {
  assert.equal((await group('pub'))?.visibility, 'public');
  assert.equal(await group('org'), null, 'anonymous');
  assert.equal((await group('org', 'lead'))?.fullPath, 'org', 'a member of the group');
  assert.equal((await group('org/team', 'lead'))?.fullPath, 'org/team', 'inherited from above');
  assert.equal((await group('org', 'svcdev'))?.fullPath, 'org', 'a member of a project below');
  assert.equal(await group('org', 'axdev'), null, 'orgax/… is not below org');
  assert.equal(await group('org_x', 'axdev'), null, 'a LIKE wildcard in a path matches nothing else');
  assert.match((await group('pub'))?.id ?? '', /^gid:\/\/berth\/Group\/\d+$/);
});

test("a group's repositories: every subgroup, only registries the caller may read", async () => {
  const lead = await group('org', 'lead');
  assert.deepEqual(
    lead?.containerRepositories.nodes.map((n) => n.path),
    ['org/team/svc', 'org/app/api', 'org/team/svc/worker'],
    'by name ("" for a project\'s own image, then api, worker); the disabled registry is left out',
  );
  assert.equal(lead?.containerRepositoriesCount, 3);
  const dev = await group('org', 'svcdev');
  assert.deepEqual(
    dev?.containerRepositories.nodes.map((n) => n.path),
    ['org/team/svc', 'org/team/svc/worker'],
  );
  const filtered = await group('org', 'lead', { name: 'work' });
  assert.deepEqual(
    filtered?.containerRepositories.nodes.map((n) => n.project.fullPath),
    ['org/team/svc'],
  );
});
