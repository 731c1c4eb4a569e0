/**
 * Protection rules, enforced by berth on every /v2 push and delete at request time: a rule added after a
 * token was issued applies to that token's very next request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProtectionService } from '../../src/domain/protection.service.js';
import { imageManifest, OciClient, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { identity, PASSWORD, seedImage, tokenResponse, user } from './helpers.js';

let t: TestApp;
const rules = () => new ProtectionService(t.app.db.em.fork(), () => t.app.access.changed());

before(async () => {
  t = await startTestApp();
  await t.project('prot/app');
  for (const [name, role] of [
    ['dev', 'developer'],
    ['maint', 'maintainer'],
    ['own', 'owner'],
  ]) {
    await user(t, name as string);
    await identity(t).setMember(name as string, 'prot', role as string);
  }
});
after(() => t.close());

async function token(who: string, scopes: string[]): Promise<{ status: number; token?: string; body: string }> {
  const r = await tokenResponse(t.url, scopes, { username: who, password: PASSWORD });
  return { status: r.status, body: r.body, token: r.status === 200 ? JSON.parse(r.body).token : undefined };
}

/** Pushes a config blob and a manifest tagged `tag` with `tok`; returns the manifest PUT's status. */
async function pushTagged(tok: string, name: string, tag: string): Promise<number> {
  const c = new OciClient(t.url);
  const config = Buffer.from(`{"architecture":"amd64","os":"linux","tag":"${tag}"}`);
  const digest = sha256(config);
  const blob = await c.send('POST', `/v2/${name}/blobs/uploads/?digest=${digest}`, { body: config }, tok);
  if (blob.status !== 201) return blob.status;
  const manifest = imageManifest(
    { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
    [],
  );
  const r = await c.send(
    'PUT',
    `/v2/${name}/manifests/${tag}`,
    { body: JSON.stringify(manifest), headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } },
    tok,
  );
  return r.status;
}

describe('repository rules', () => {
  test('validation: start with the project path, a level, unique', async () => {
    await assert.rejects(
      rules().addRepositoryRule('prot/app', { pattern: 'other/*', push: 'maintainer' }),
      /must start/,
    );
    await assert.rejects(rules().addRepositoryRule('prot/app', { pattern: 'prot/app/*' }), /at least one/);
    await assert.rejects(
      rules().addRepositoryRule('prot/app', { pattern: 'prot/app/x', push: 'developer' }),
      /must be one of maintainer, owner, admin/,
    );
  });

  test('push to a protected path needs the level, at /jwt/auth and on the next /v2 request', async () => {
    const early = await token('dev', ['repository:prot/app/release-1:pull,push']);
    assert.equal(early.status, 200);
    await rules().addRepositoryRule('prot/app', { pattern: 'prot/app/release-*', push: 'maintainer' });
    // A token issued before the rule: refused by /v2 itself.
    const c = new OciClient(t.url);
    const refused = await c.send('POST', '/v2/prot/app/release-1/blobs/uploads/', {}, early.token);
    assert.equal(refused.status, 403);
    assert.equal(refused.json().errors[0].code, 'DENIED');
    assert.match(refused.json().errors[0].message, /protected repository path/);
    // New tokens: /jwt/auth refuses as GitLab does.
    const late = await token('dev', ['repository:prot/app/release-2:pull,push']);
    assert.equal(late.status, 403);
    assert.equal(JSON.parse(late.body).errors[0].code, 'DENIED');
    // Elsewhere, and for a Maintainer, pushing goes on.
    const elsewhere = await token('dev', ['repository:prot/app/dev:pull,push']);
    assert.equal(await pushTagged(elsewhere.token as string, 'prot/app/dev', 'x'), 201);
    const maint = await token('maint', ['repository:prot/app/release-2:pull,push']);
    assert.equal(await pushTagged(maint.token as string, 'prot/app/release-2', 'x'), 201);
  });

  test('delete from a protected path needs its level', async () => {
    await seedImage(t, 'prot/app/keep', 'v1');
    const maint = (await token('maint', ['repository:prot/app/keep:pull,delete'])).token as string;
    const c = new OciClient(t.url);
    assert.equal((await c.send('DELETE', '/v2/prot/app/keep/manifests/absent', {}, maint)).status, 404);
    await rules().addRepositoryRule('prot/app', { pattern: 'prot/app/keep', delete: 'owner' });
    assert.equal((await c.send('DELETE', '/v2/prot/app/keep/manifests/v1', {}, maint)).status, 403);
    const own = (await token('own', ['repository:prot/app/keep:pull,delete'])).token as string;
    assert.equal((await c.send('DELETE', '/v2/prot/app/keep/manifests/v1', {}, own)).status, 202);
  });
});

describe('tag rules', () => {
  test('validation: RE2 only, at most 100 characters, both levels, five per project', async () => {
    await assert.rejects(
      rules().addTagRule('prot/app', { pattern: '(?=x)', push: 'maintainer', delete: 'maintainer' }),
      /RE2/,
    );
    await assert.rejects(
      rules().addTagRule('prot/app', { pattern: 'x'.repeat(101), push: 'maintainer', delete: 'maintainer' }),
      /1 to 100/,
    );
    await assert.rejects(rules().addTagRule('prot/app', { pattern: 'x', push: 'maintainer', delete: '' }), /both/);
    await t.project('prot/five');
    for (let i = 0; i < 5; i++) {
      await rules().addTagRule('prot/five', { pattern: `^r${i}`, push: 'maintainer', delete: 'maintainer' });
    }
    await assert.rejects(
      rules().addTagRule('prot/five', { pattern: '^r9', push: 'maintainer', delete: 'maintainer' }),
      /Maximum number of protection rules/,
    );
  });

  test('pushing a protected tag needs the level; other tags are free; applies to the next request', async () => {
    const dev = (await token('dev', ['repository:prot/app/tags:pull,push'])).token as string;
    assert.equal(await pushTagged(dev, 'prot/app/tags', 'v1.0'), 201);
    await rules().addTagRule('prot/app', { pattern: '^v[0-9]', push: 'maintainer', delete: 'owner' });
    assert.equal(await pushTagged(dev, 'prot/app/tags', 'v1.1'), 403);
    assert.equal(await pushTagged(dev, 'prot/app/tags', 'dev-1'), 201);
    const maint = (await token('maint', ['repository:prot/app/tags:pull,push,delete'])).token as string;
    assert.equal(await pushTagged(maint, 'prot/app/tags', 'v1.1'), 201);
  });

  test('deleting a protected tag, or a manifest that carries one, needs the delete level', async () => {
    const c = new OciClient(t.url);
    const maint = (await token('maint', ['repository:prot/app/tags:pull,push,delete'])).token as string;
    assert.equal((await c.send('DELETE', '/v2/prot/app/tags/manifests/v1.1', {}, maint)).status, 403);
    const head = await c.send('HEAD', '/v2/prot/app/tags/manifests/v1.1', {}, maint);
    const digest = head.headers.get('docker-content-digest') as string;
    const byDigest = await c.send('DELETE', `/v2/prot/app/tags/manifests/${digest}`, {}, maint);
    assert.equal(byDigest.status, 403, 'the digest carries v1.1');
    assert.equal((await c.send('DELETE', '/v2/prot/app/tags/manifests/dev-1', {}, maint)).status, 202);
    const own = (await token('own', ['repository:prot/app/tags:pull,delete'])).token as string;
    assert.equal((await c.send('DELETE', '/v2/prot/app/tags/manifests/v1.1', {}, own)).status, 202);
  });
});

test('a second rule with the same pattern is a conflict', async () => {
  await rules().addTagRule('prot/app', { pattern: '^dup', push: 'maintainer', delete: 'maintainer' });
  await assert.rejects(
    rules().addTagRule('prot/app', { pattern: '^dup', push: 'owner', delete: 'owner' }),
    /exists already/,
  );
});
