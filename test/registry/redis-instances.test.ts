/**
 * Two instances on one database, one storage directory and one Redis (BERTH_TEST_REDIS_URL; .ci/run sets
 * it, `npm test` skips this file without it): a change made through one instance reaches the other's
 * caches at once, instead of after their TTLs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { identity, tokenResponse, user } from '../auth/helpers.js';
import { OciClient, ROOT } from '../helpers/oci-client.js';
import { startTestApp, type TestApp, testEnv } from '../helpers/test-app.js';

const REDIS = process.env.BERTH_TEST_REDIS_URL;

describe('instances sharing Redis', { skip: REDIS ? false : 'set BERTH_TEST_REDIS_URL to run' }, () => {
  let a: TestApp;
  let b: App;
  let bUrl: string;

  before(async () => {
    a = await startTestApp({ BERTH_REDIS_URL: REDIS as string });
    await a.project('bus/app');
    b = await buildApp(loadConfig(testEnv(a.dir, { BERTH_REDIS_URL: REDIS as string })));
    bUrl = await b.listen(0, '127.0.0.1');
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  test('a token revoked through A is refused by B on the very next request', async () => {
    await user(a, 'busdev');
    await identity(a).setMember('busdev', 'bus', 'developer');
    const { token: pat, secret } = await identity(a).createPersonalAccessToken('busdev', {
      name: 'x',
      scopes: ['read_registry', 'write_registry'],
    });
    const r = await tokenResponse(bUrl, ['repository:bus/app:pull,push'], { username: 'busdev', password: secret });
    const token = JSON.parse(r.body).token as string;
    const c = new OciClient(bUrl);
    const push = () => c.send('POST', '/v2/bus/app/blobs/uploads/', {}, token);
    assert.equal((await push()).status, 202, 'B has the credential cached now');
    await identity(a).revoke('pat', pat.id);
    // Well within B's one-second cache: only the message can have told B.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await push()).status, 401);
  });

  test('a tag moved through A is served by B at once', async () => {
    const ca = new OciClient(a.url, ROOT);
    const cb = new OciClient(bUrl, ROOT);
    const first = await ca.pushImage('bus/app/img', 'moving');
    assert.equal(
      (await cb.req('GET', '/v2/bus/app/img/manifests/moving')).headers.get('docker-content-digest'),
      first.digest,
    );
    const second = await ca.pushImage('bus/app/img', 'moving');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen = await cb.req('GET', '/v2/bus/app/img/manifests/moving');
    assert.equal(seen.headers.get('docker-content-digest'), second.digest, 'not the cached old manifest');
  });

  test('an unreachable Redis stops the start with a clear message', async () => {
    await assert.rejects(
      buildApp(loadConfig(testEnv(a.dir, { BERTH_REDIS_URL: 'redis://127.0.0.1:1' }))),
      /BERTH_REDIS_URL: cannot connect to Redis/,
    );
  });
});
