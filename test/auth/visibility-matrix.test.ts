/**
 * Every cell of GitLab's registry visibility table and role matrix, through real HTTP: each principal gets
 * its token from /jwt/auth and then pulls (GET manifest), pushes (POST upload) and deletes (DELETE of an
 * absent tag: 404 when allowed, so nothing is destroyed) in each kind of project. The same principal then
 * asks GraphQL (with an `api` personal access token): it lists the repositories exactly where /v2 lets it
 * pull, shows `destroyContainerRepository` / `destroyContainerRepositoryTag` exactly where /v2 lets it
 * delete, and `destroyContainerRepositoryTags` (of an absent tag) is refused exactly there too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  MatrixDestroyTagsDocument,
  MatrixProjectDocument,
  MatrixRepositoryDocument,
} from '../__generated__/graphql.js';
import { bearer, graphql } from '../helpers/graphql-client.js';
import { type Credentials, OciClient } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { claims, identity, namespaces, seedImage, tokenResponse, user } from './helpers.js';

type Cell = 'pull' | 'push' | 'delete';

const PROJECTS = [
  { path: 'vis/public-enabled', visibility: 'public', registry: 'enabled' },
  { path: 'vis/public-private', visibility: 'public', registry: 'private' },
  { path: 'vis/internal-enabled', visibility: 'internal', registry: 'enabled' },
  { path: 'vis/internal-private', visibility: 'internal', registry: 'private' },
  { path: 'vis/private-enabled', visibility: 'private', registry: 'enabled' },
  { path: 'vis/private-private', visibility: 'private', registry: 'private' },
  { path: 'vis/public-disabled', visibility: 'public', registry: 'disabled' },
  { path: 'vis/private-disabled', visibility: 'private', registry: 'disabled' },
] as const;

/** GitLab's table (gitlab-api.md §5) for view/pull; push and delete Developer+; disabled: nothing. */
function expected(who: string, project: (typeof PROJECTS)[number]): Cell[] {
  if (project.registry === 'disabled') return [];
  const roles = ['anonymous', 'outsider', 'guest', 'reporter', 'developer', 'maintainer', 'owner', 'admin'];
  const rank = roles.indexOf(who);
  const cells: Cell[] = [];
  const reporterPlus = rank >= roles.indexOf('reporter');
  const signedIn = who !== 'anonymous';
  const open = project.registry === 'enabled';
  const pull =
    reporterPlus ||
    (open && project.visibility === 'public') ||
    (open && project.visibility === 'internal' && signedIn);
  if (pull) cells.push('pull');
  if (rank >= roles.indexOf('developer')) cells.push('push');
  if (rank >= roles.indexOf('developer')) cells.push('delete');
  return cells;
}

let t: TestApp;
const principals = new Map<string, Credentials | undefined>();
/** Personal access tokens (`api`) of the signed-in principals, for GraphQL. */
const apiTokens = new Map<string, string>();
/** Each project's repository id, as an administrator sees it. */
const repositoryIds = new Map<string, string>();
const NO_PERMISSION =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

before(async () => {
  t = await startTestApp();
  for (const p of PROJECTS) {
    await t.project(p.path);
    await seedImage(t, p.path);
    await namespaces(t).updateProject(p.path, { visibility: p.visibility, registryAccessLevel: p.registry });
  }
  principals.set('anonymous', undefined);
  principals.set('outsider', await user(t, 'outsider'));
  for (const role of ['guest', 'reporter', 'developer', 'maintainer', 'owner']) {
    principals.set(role, await user(t, role));
    // Roles are given on the parent group: the projects inherit them.
    await identity(t).setMember(role, 'vis', role);
  }
  principals.set('admin', await user(t, 'admin', true));
  for (const [who, cred] of principals) {
    if (cred)
      apiTokens.set(who, (await identity(t).createPersonalAccessToken(who, { name: 'ui', scopes: ['api'] })).secret);
  }
  for (const p of PROJECTS) {
    const r = await graphql(t.url, MatrixProjectDocument, { fullPath: p.path }, bearer(apiTokens.get('admin')));
    const id = r.data?.project?.containerRepositories?.nodes?.[0]?.id;
    if (id) repositoryIds.set(p.path, id);
  }
});

/** What GraphQL shows and allows `who` in `project`, in /v2's terms. */
async function viaGraphQL(who: string, project: (typeof PROJECTS)[number]): Promise<Cell[]> {
  const auth = bearer(apiTokens.get(who));
  const cells: Cell[] = [];
  const listed = (await graphql(t.url, MatrixProjectDocument, { fullPath: project.path }, auth)).data?.project
    ?.containerRepositories?.nodes;
  const id = repositoryIds.get(project.path);
  if (!id) return cells; // registry disabled: not even an administrator lists it
  const byId = (await graphql(t.url, MatrixRepositoryDocument, { id }, auth)).data?.containerRepository;
  assert.equal(!!byId, (listed?.length ?? 0) > 0, `${who} ${project.path}: listed and found by id agree`);
  if (byId) cells.push('pull');
  const repo = listed?.[0];
  const destroy = repo?.userPermissions.destroyContainerRepository ?? false;
  for (const tag of repo?.tags?.nodes ?? []) {
    assert.equal(tag?.userPermissions.destroyContainerRepositoryTag, destroy, `${who} ${project.path} tag permission`);
  }
  const mutation = await graphql(t.url, MatrixDestroyTagsDocument, { id }, auth);
  const refused = mutation.errors?.[0]?.message === NO_PERMISSION;
  if (!refused) assert.deepEqual(mutation.data?.destroyContainerRepositoryTags, { deletedTagNames: [], errors: [] });
  if (who !== 'anonymous')
    assert.equal(!refused, destroy, `${who} ${project.path}: the mutation agrees with userPermissions`);
  if (!refused) cells.push('delete');
  return cells;
}
after(() => t.close());

async function attempt(token: string, path: string, cell: Cell): Promise<number> {
  const c = new OciClient(t.url);
  if (cell === 'pull') return (await c.send('GET', `/v2/${path}/manifests/latest`, {}, token)).status;
  if (cell === 'push') return (await c.send('POST', `/v2/${path}/blobs/uploads/`, {}, token)).status;
  return (await c.send('DELETE', `/v2/${path}/manifests/no-such-tag`, {}, token)).status;
}

const OK: Record<Cell, number> = { pull: 200, push: 202, delete: 404 };

describe('visibility × registry access × role', () => {
  for (const who of ['anonymous', 'outsider', 'guest', 'reporter', 'developer', 'maintainer', 'owner', 'admin']) {
    test(`${who}: every project`, async () => {
      for (const project of PROJECTS) {
        const r = await tokenResponse(t.url, [`repository:${project.path}:pull,push,delete`], principals.get(who));
        assert.equal(r.status, 200, `${who} token for ${project.path}: ${r.body}`);
        const token = JSON.parse(r.body).token as string;
        const want = expected(who, project);
        const granted = claims(token).access.find((a: { name: string }) => a.name === project.path)?.actions ?? [];
        assert.deepEqual([...granted].sort(), [...want].sort(), `${who} on ${project.path}: granted actions`);
        for (const cell of ['pull', 'push', 'delete'] as Cell[]) {
          const status = await attempt(token, project.path, cell);
          const denied = who === 'anonymous' ? 401 : 403;
          assert.equal(status, want.includes(cell) ? OK[cell] : denied, `${who} ${cell} ${project.path}`);
        }
        assert.deepEqual(
          await viaGraphQL(who, project),
          want.filter((c) => c !== 'push'),
          `${who} on ${project.path}: GraphQL agrees with /v2`,
        );
      }
    });
  }

  test('a project membership counts like a group one, and the higher of the two wins', async () => {
    const pm = await user(t, 'project-member');
    await identity(t).setMember('project-member', 'vis/private-enabled', 'reporter');
    let r = await tokenResponse(t.url, ['repository:vis/private-enabled:pull,push'], pm);
    assert.deepEqual(claims(JSON.parse(r.body).token).access[0].actions, ['pull']);
    await identity(t).setMember('project-member', 'vis', 'developer');
    r = await tokenResponse(t.url, ['repository:vis/private-enabled:pull,push'], pm);
    assert.deepEqual(claims(JSON.parse(r.body).token).access[0].actions, ['pull', 'push']);
  });
});

describe('tokens are never worth more than their scopes or their owner', () => {
  const cases: { scopes: string[]; want: Cell[] }[] = [
    { scopes: ['read_registry'], want: ['pull'] },
    { scopes: ['read_api'], want: ['pull'] },
    { scopes: ['write_registry'], want: ['push'] },
    { scopes: ['read_registry', 'write_registry'], want: ['pull', 'push'] },
    { scopes: ['api'], want: ['pull', 'push', 'delete'] },
    { scopes: ['read_virtual_registry'], want: [] },
  ];
  for (const { scopes, want } of cases) {
    test(`a maintainer's personal access token with ${scopes.join('+')}`, async () => {
      const { secret } = await identity(t).createPersonalAccessToken('maintainer', { name: scopes.join('-'), scopes });
      const r = await tokenResponse(t.url, ['repository:vis/private-enabled:pull,push,delete'], {
        username: 'maintainer',
        password: secret,
      });
      assert.equal(r.status, 200, r.body);
      const token = JSON.parse(r.body).token;
      assert.deepEqual(claims(token).access[0].actions.sort(), [...want].sort());
      for (const cell of ['pull', 'push', 'delete'] as Cell[]) {
        assert.equal(await attempt(token, 'vis/private-enabled', cell), want.includes(cell) ? OK[cell] : 403, cell);
      }
    });
  }

  test("an api token of a Reporter cannot push: the owner's role caps it", async () => {
    const { secret } = await identity(t).createPersonalAccessToken('reporter', { name: 'api', scopes: ['api'] });
    const r = await tokenResponse(t.url, ['repository:vis/private-enabled:pull,push,delete'], {
      username: 'reporter',
      password: secret,
    });
    assert.deepEqual(claims(JSON.parse(r.body).token).access[0].actions, ['pull']);
  });

  test('deploy tokens: project and group tokens with read_registry and write_registry; never delete', async () => {
    const project = await identity(t).createDeployToken('vis/private-private', {
      name: 'ro',
      scopes: ['read_registry'],
    });
    const group = await identity(t).createDeployToken('vis', {
      name: 'rw',
      scopes: ['read_registry', 'write_registry'],
    });
    const ro = { username: project.token.username, password: project.secret };
    const rw = { username: group.token.username, password: group.secret };
    assert.match(ro.username, /^gitlab\+deploy-token-\d+$/);
    const grant = async (cred: Credentials, path: string) =>
      claims(JSON.parse((await tokenResponse(t.url, [`repository:${path}:pull,push,delete`], cred)).body).token)
        .access[0].actions;
    assert.deepEqual(await grant(ro, 'vis/private-private'), ['pull']);
    assert.deepEqual(await grant(ro, 'vis/private-enabled'), [], 'a project token is for its project only');
    assert.deepEqual(await grant(rw, 'vis/private-private'), ['pull', 'push']);
    assert.deepEqual(
      await grant(rw, 'vis/internal-private'),
      ['pull', 'push'],
      'group tokens cover every project below',
    );
    assert.deepEqual(await grant(rw, 'vis/public-disabled'), [], 'a disabled registry refuses everyone');
    assert.equal((await tokenResponse(t.url, [], { username: 'someone-else', password: group.secret })).status, 401);
  });

  test('CI job tokens: their own project (pull, push, delete), other projects as any signed-in user', async () => {
    const { secret } = await identity(t).createJobToken('maintainer', 'vis/private-enabled', { username: 'developer' });
    const job = { username: 'gitlab-ci-token', password: secret };
    const grant = async (path: string) =>
      claims(JSON.parse((await tokenResponse(t.url, [`repository:${path}:pull,push,delete`], job)).body).token)
        .access[0].actions;
    assert.deepEqual(await grant('vis/private-enabled'), ['pull', 'push', 'delete']);
    assert.deepEqual(await grant('vis/private-private'), []);
    assert.deepEqual(await grant('vis/internal-enabled'), ['pull']);
    await assert.rejects(
      identity(t).createJobToken('developer', 'vis/private-enabled'),
      /only Maintainers issue job tokens/,
    );
  });

  test('_catalog lists only what the caller may see', async () => {
    const list = async (cred?: Credentials) => {
      const c = new OciClient(t.url, cred);
      const r = await c.req('GET', '/v2/_catalog');
      assert.equal(r.status, 200, r.body.toString());
      return r.json().repositories.filter((p: string) => p.startsWith('vis/')) as string[];
    };
    assert.deepEqual(await list(), ['vis/public-enabled']);
    assert.deepEqual(await list(principals.get('outsider')), ['vis/internal-enabled', 'vis/public-enabled']);
    assert.deepEqual(await list(principals.get('reporter')), [
      'vis/internal-enabled',
      'vis/internal-private',
      'vis/private-enabled',
      'vis/private-private',
      'vis/public-enabled',
      'vis/public-private',
    ]);
    assert.equal((await list(principals.get('admin'))).length, 6, 'disabled registries are hidden even from admins');
  });
});
