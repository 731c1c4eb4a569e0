/**
 * Signing in with the clients people use: `skopeo login` + `skopeo copy` and `podman login` + `podman push`
 * + `podman pull`, each with a personal access token, a deploy token and a CI job token
 * (`gitlab-ci-token`), against a private project; and the refusals those clients must show.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../test/helpers/test-app.js';
import { buildImageLayout } from './helpers/oci-layout.js';
import { Podman } from './helpers/podman.js';
import { requireSkopeo, Skopeo } from './helpers/skopeo.js';

const PROJECT = 'ci/app';
let app: TestApp;
let work: string;
let host: string;
let layoutDir: string;
const creds = new Map<string, { username: string; password: string }>();

before(
  async () => {
    await requireSkopeo();
    work = mkdtempSync(join(tmpdir(), 'berth-auth-clients-'));
    app = await startTestApp();
    await app.project(PROJECT);
    host = new URL(app.url).host;
    layoutDir = buildImageLayout(mkdtempSync(join(work, 'layout-')), 'v1', [2048], 'auth').dir;
    const ids = app.app.identity();
    await ids.createUser({ username: 'dev', password: 'dev-password-123' });
    await ids.setMember('dev', 'ci', 'developer');
    await ids.createUser({ username: 'lead', password: 'lead-password-123' });
    await ids.setMember('lead', 'ci', 'maintainer');
    const pat = await ids.createPersonalAccessToken('dev', {
      name: 'laptop',
      scopes: ['read_registry', 'write_registry'],
    });
    creds.set('pat', { username: 'dev', password: pat.secret });
    const deploy = await ids.createDeployToken(PROJECT, {
      name: 'deployer',
      scopes: ['read_registry', 'write_registry'],
    });
    creds.set('deploy', { username: deploy.token.username, password: deploy.secret });
    const ro = await ids.createDeployToken(PROJECT, { name: 'reader', scopes: ['read_registry'] });
    creds.set('read-only deploy', { username: ro.token.username, password: ro.secret });
    const job = await ids.createJobToken('lead', PROJECT, { username: 'dev' });
    creds.set('job', { username: 'gitlab-ci-token', password: job.secret });
  },
  { timeout: 120_000 },
);
after(async () => {
  await app?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function skopeoFor(kind: string): Skopeo {
  return new Skopeo(mkdtempSync(join(work, `skopeo-${kind.replace(/ /g, '-')}-`)));
}

describe('skopeo', () => {
  for (const kind of ['pat', 'deploy', 'job']) {
    test(`${kind}: skopeo login, copy in, inspect, copy out`, { timeout: 300_000 }, async () => {
      const { username, password } = creds.get(kind) as { username: string; password: string };
      const s = skopeoFor(kind);
      const login = await s.ok(['login', '--tls-verify=false', '-u', username, '-p', password, host]);
      assert.match(login.stdout, /Login Succeeded/);
      const ref = `docker://${host}/${PROJECT}/skopeo-${kind}:v1`;
      await s.ok(['copy', '--dest-tls-verify=false', `oci:${layoutDir}:v1`, ref]);
      const inspected = await s.json<{ Name: string; Layers: string[] }>(['inspect', '--tls-verify=false', ref]);
      assert.equal(inspected.Name, `${host}/${PROJECT}/skopeo-${kind}`);
      assert.equal(inspected.Layers.length, 1);
      await s.ok(['copy', '--src-tls-verify=false', ref, `oci:${join(work, `out-${kind}`)}:v1`]);
    });
  }

  test('refusals: a wrong password, a read-only deploy token pushing, nobody pulling a private project', async () => {
    const s = skopeoFor('bad');
    const bad = await s.run(['login', '--tls-verify=false', '-u', 'dev', '-p', 'not-the-password', host]);
    assert.notEqual(bad.code, 0);
    assert.match(
      `${bad.stdout}${bad.stderr}`,
      /unauthorized|401|Access denied|invalid username\/password/i,
      `${bad.stdout}${bad.stderr}`,
    );

    const ro = creds.get('read-only deploy') as { username: string; password: string };
    const r = skopeoFor('ro');
    await r.ok(['login', '--tls-verify=false', '-u', ro.username, '-p', ro.password, host]);
    const push = await r.run([
      'copy',
      '--dest-tls-verify=false',
      `oci:${layoutDir}:v1`,
      `docker://${host}/${PROJECT}/ro:v1`,
    ]);
    assert.notEqual(push.code, 0, 'a read_registry deploy token cannot push');
    assert.match(push.stderr, /denied|unauthorized|authentication required/i);
    const pull = await r.run(['inspect', '--tls-verify=false', `docker://${host}/${PROJECT}/skopeo-pat:v1`]);
    assert.equal(pull.code, 0, 'but it can pull');

    const anon = await skopeoFor('anon').run([
      'inspect',
      '--tls-verify=false',
      `docker://${host}/${PROJECT}/skopeo-pat:v1`,
    ]);
    assert.notEqual(anon.code, 0, 'an anonymous client sees nothing of a private project');
    assert.match(anon.stderr, /unauthorized|authentication required|denied/i);
  });
});

describe('podman', () => {
  for (const kind of ['pat', 'deploy', 'job']) {
    test(`${kind}: podman login, pull, push, pull back`, { timeout: 300_000 }, async () => {
      const { username, password } = creds.get(kind) as { username: string; password: string };
      const p = new Podman(mkdtempSync(join(work, `podman-${kind}-`)));
      const login = await p.ok(['login', '--tls-verify=false', '-u', username, '-p', password, host]);
      assert.match(login.stdout, /Login Succeeded/);
      const source = `${host}/${PROJECT}/skopeo-${kind}:v1`;
      await p.ok(['pull', '--tls-verify=false', source]);
      const target = `${host}/${PROJECT}/podman-${kind}:v2`;
      await p.ok(['tag', source, target]);
      await p.ok(['push', '--tls-verify=false', target]);
      await p.ok(['rmi', '--all', '--force']);
      await p.ok(['pull', '--tls-verify=false', target]);
      const images = await p.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']);
      assert.match(images.stdout, new RegExp(`${PROJECT}/podman-${kind}:v2`));
    });
  }
});

describe('rename', () => {
  test('a project renamed through GraphQL is pulled by skopeo under its new name at once', {
    timeout: 300_000,
  }, async () => {
    const ids = app.app.identity();
    const { secret } = await ids.createPersonalAccessToken('root', { name: 'api', scopes: ['api'] });
    const r = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({
        query: 'mutation($input: ProjectUpdateInput!) { projectUpdate(input: $input) { errors project { fullPath } } }',
        variables: { input: { fullPath: PROJECT, path: 'renamed' } },
      }),
    });
    const body = (await r.json()) as { data?: { projectUpdate: { errors: string[]; project: { fullPath: string } } } };
    assert.deepEqual(body.data?.projectUpdate, { errors: [], project: { fullPath: 'ci/renamed' } });
    const { username, password } = creds.get('pat') as { username: string; password: string };
    const s = skopeoFor('renamed');
    await s.ok(['login', '--tls-verify=false', '-u', username, '-p', password, host]);
    const inspected = await s.json<{ Name: string; Layers: string[] }>([
      'inspect',
      '--tls-verify=false',
      `docker://${host}/ci/renamed/skopeo-pat:v1`,
    ]);
    assert.equal(inspected.Name, `${host}/ci/renamed/skopeo-pat`);
    const old = await s.run(['inspect', '--tls-verify=false', `docker://${host}/${PROJECT}/skopeo-pat:v1`]);
    assert.notEqual(old.code, 0, 'the old name is gone');
  });
});
