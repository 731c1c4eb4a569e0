/**
 * Registry tokens under attack and over time: forged, edited, expired, misdirected tokens are refused;
 * revocation, blocking and demotion apply to the very next request; long uploads survive token expiry
 * for their own identity only; wrong passwords are slowed down without locking the right one out.
 */
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { IdentityService } from '../../src/auth/identity.service.js';
import { SigningKey } from '../../src/db/entities/signing-key.entity.js';
import { OciClient, parseChallenge, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { claims, identity, PASSWORD, random, seedImage, tokenResponse, user } from './helpers.js';

let t: TestApp;
const REPO = 'tok/app';

before(async () => {
  t = await startTestApp();
  await t.project(REPO);
  await t.project('tok/other');
  await seedImage(t, REPO);
  await user(t, 'dev');
  await identity(t).setMember('dev', 'tok', 'developer');
});
after(() => t.close());

async function token(scopes: string[], cred = { username: 'dev', password: PASSWORD }): Promise<string> {
  const r = await tokenResponse(t.url, scopes, cred);
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body).token;
}

/** Claims of a token issued 15 minutes before it expired, `ago` seconds ago. */
function expiredAgo(ago: number): Record<string, number> {
  const exp = Math.floor(Date.now() / 1000) - ago;
  return { exp, iat: exp - 900, nbf: exp - 905 };
}

const pullWith = (tok: string, path = REPO) =>
  new OciClient(t.url).send('GET', `/v2/${path}/manifests/latest`, {}, tok);

/** Signs arbitrary claims with berth's own key, as only berth could. */
async function signed(overrides: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const row = await t.app.db.em.fork().findOneOrFail(SigningKey, { algorithm: 'ES256' });
  const now = Math.floor(Date.now() / 1000);
  const body = {
    iss: 'berth-issuer',
    aud: 'container_registry',
    sub: 'dev',
    act: 'user:2',
    iat: now,
    nbf: now - 5,
    exp: now + 600,
    jti: 'x',
    access: [{ type: 'repository', name: REPO, actions: ['pull', 'push'] }],
    ...overrides,
  };
  return new SignJWT(body)
    .setProtectedHeader({ alg: 'ES256', kid: row.kid, ...header })
    .sign(createPrivateKey(row.privateKeyPem));
}

describe('/jwt/auth', () => {
  test('answers the Docker token response with an ES256 token carrying every claim', async () => {
    const r = await tokenResponse(t.url, [`repository:${REPO}:pull,push`], { username: 'dev', password: PASSWORD });
    const body = JSON.parse(r.body);
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 900);
    const [head] = body.token.split('.');
    const header = JSON.parse(Buffer.from(head, 'base64url').toString());
    assert.equal(header.alg, 'ES256');
    assert.match(header.kid, /^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    const c = claims(body.token);
    for (const k of ['iss', 'aud', 'sub', 'exp', 'nbf', 'iat', 'jti', 'access']) assert.ok(k in c, k);
    assert.equal(c.sub, 'dev');
    assert.equal(c.aud, 'container_registry');
    assert.equal(c.exp - c.iat, 900);
    assert.deepEqual(c.access, [{ type: 'repository', name: REPO, actions: ['pull', 'push'] }]);
  });

  test('repeated and space-separated scopes; unknown services are 404', async () => {
    const r = await tokenResponse(
      t.url,
      [`repository:${REPO}:pull repository:tok/other:pull`, 'registry:catalog:*'],
      ROOT,
    );
    assert.deepEqual(
      claims(JSON.parse(r.body).token).access.map((a: { name: string }) => a.name),
      [REPO, 'tok/other', 'catalog'],
    );
    const bad = await tokenResponse(t.url, [], undefined, { service: 'elsewhere' });
    assert.equal(bad.status, 404);
  });

  test("wrong credentials are 401 with GitLab's body; a blocked user is refused", async () => {
    const r = await tokenResponse(t.url, [], { username: 'dev', password: 'wrong password' });
    assert.equal(r.status, 401);
    assert.equal(JSON.parse(r.body).errors[0].code, 'UNAUTHORIZED');
    assert.match(JSON.parse(r.body).errors[0].message, /^HTTP Basic: Access denied/);
    await user(t, 'soon-blocked');
    await identity(t).setBlocked('soon-blocked', true);
    assert.equal((await tokenResponse(t.url, [], { username: 'soon-blocked', password: PASSWORD })).status, 401);
  });
});

describe('/v2 refuses what the token does not prove', () => {
  test('no token: 401 with a Bearer challenge naming realm, service and scope', async () => {
    const r = await new OciClient(t.url).send('GET', `/v2/${REPO}/manifests/latest`);
    assert.equal(r.status, 401);
    assert.equal(r.json().errors[0].code, 'UNAUTHORIZED');
    const ch = parseChallenge(r.headers.get('www-authenticate'));
    assert.deepEqual(ch, {
      realm: `${t.url.replace('127.0.0.1', '127.0.0.1')}/jwt/auth`,
      service: 'container_registry',
      scope: `repository:${REPO}:pull`,
    });
    const base = await new OciClient(t.url).send('GET', '/v2/');
    assert.equal(base.status, 401);
    const push = await new OciClient(t.url).send('POST', `/v2/${REPO}/blobs/uploads/`);
    assert.equal(parseChallenge(push.headers.get('www-authenticate'))?.scope, `repository:${REPO}:pull,push`);
  });

  const forged: [string, () => Promise<string>][] = [
    [
      'a bad signature',
      async () => {
        const tok = await token([`repository:${REPO}:pull`]);
        const [h, p, s] = tok.split('.');
        return `${h}.${p}.${(s as string).slice(0, -4)}AAAA`;
      },
    ],
    [
      'alg: none',
      async () => {
        const tok = await token([`repository:${REPO}:pull`]);
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return `${header}.${tok.split('.')[1]}.`;
      },
    ],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      async () => {
        const row = await t.app.db.em.fork().findOneOrFail(SigningKey, { algorithm: 'ES256' });
        const tok = await token([`repository:${REPO}:pull`]);
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: row.kid })).toString('base64url');
        const input = `${header}.${tok.split('.')[1]}`;
        return `${input}.${createHmac('sha256', row.publicKeyPem).update(input).digest('base64url')}`;
      },
    ],
    ['an expired token', () => signed(expiredAgo(120))],
    ['a token not yet valid', () => signed({ nbf: Math.floor(Date.now() / 1000) + 600 })],
    ['a wrong audience', () => signed({ aud: 'someone-else' })],
    ['a wrong issuer', () => signed({ iss: 'evil-issuer' })],
    [
      'an edited scope',
      async () => {
        const tok = await token(['repository:tok/other:pull']);
        const [h, p, s] = tok.split('.');
        const c = JSON.parse(Buffer.from(p as string, 'base64url').toString());
        c.access[0].name = REPO;
        return `${h}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.${s}`;
      },
    ],
  ];
  for (const [what, make] of forged) {
    test(`${what}: 401 invalid_token`, async () => {
      const r = await pullWith(await make());
      assert.equal(r.status, 401, r.body.toString());
      assert.equal(parseChallenge(r.headers.get('www-authenticate'))?.error, 'invalid_token');
    });
  }

  test('a token for another repository: 401 insufficient_scope (the client may ask for the right one)', async () => {
    const r = await pullWith(await token(['repository:tok/other:pull']));
    assert.equal(r.status, 401);
    assert.equal(parseChallenge(r.headers.get('www-authenticate'))?.error, 'insufficient_scope');
  });

  test('a valid token without the action: 403 DENIED', async () => {
    const tok = await token([`repository:${REPO}:pull`]);
    const r = await new OciClient(t.url).send('DELETE', `/v2/${REPO}/manifests/latest`, {}, tok);
    assert.equal(r.status, 403);
    assert.equal(r.json().errors[0].code, 'DENIED');
  });
});

describe('changes apply to the very next request', () => {
  test('a revoked personal access token, a blocked user, a demotion', async () => {
    await user(t, 'temp');
    await identity(t).setMember('temp', 'tok', 'developer');
    const { token: pat, secret } = await identity(t).createPersonalAccessToken('temp', {
      name: 'x',
      scopes: ['read_registry'],
    });
    const viaPat = await token([`repository:${REPO}:pull`], { username: 'temp', password: secret });
    const viaPassword = await token([`repository:${REPO}:pull,push`], { username: 'temp', password: PASSWORD });
    assert.equal((await pullWith(viaPat)).status, 200);
    await identity(t).revoke('pat', pat.id);
    assert.equal((await pullWith(viaPat)).status, 401, 'revoked');
    assert.equal((await pullWith(viaPassword)).status, 200, 'other credentials of the user still work');

    const push = () => new OciClient(t.url).send('POST', `/v2/${REPO}/blobs/uploads/`, {}, viaPassword);
    assert.equal((await push()).status, 202);
    await identity(t).setMember('temp', 'tok', 'reporter');
    assert.equal((await push()).status, 403, 'demoted to Reporter: no more pushing');
    await identity(t).setBlocked('temp', true);
    assert.equal((await pullWith(viaPassword)).status, 401, 'blocked');
  });

  test('an expired personal access token cannot sign in', async () => {
    const { secret } = await identity(t).createPersonalAccessToken('dev', {
      name: 'old',
      scopes: ['api'],
      expiresAt: new Date(Date.now() - 1000),
    });
    assert.equal((await tokenResponse(t.url, [], { username: 'dev', password: secret })).status, 401);
  });
});

test('a password changed elsewhere (another process: no cache notice) stops working at once', async () => {
  await user(t, 'changer');
  const old = { username: 'changer', password: PASSWORD };
  assert.equal((await tokenResponse(t.url, [], old)).status, 200);
  assert.equal((await tokenResponse(t.url, [], old)).status, 200, 'remembered sign-in');
  // As the CLI would: its own IdentityService, which cannot tell this server's caches.
  await new IdentityService(t.app.db.em.fork()).setPassword('changer', 'a brand new password');
  assert.equal((await tokenResponse(t.url, [], old)).status, 401);
  assert.equal((await tokenResponse(t.url, [], { username: 'changer', password: 'a brand new password' })).status, 200);
});

describe('long pushes outlive their token', () => {
  const devRef = async () => `user:${(await identity(t).requireUser('dev')).id}`;

  test('the identity that opened an upload may finish it after its token expired, within the grace', async () => {
    const act = await devRef();
    const fresh = await token([`repository:${REPO}:pull,push`]);
    const c = new OciClient(t.url);
    const start = await c.send('POST', `/v2/${REPO}/blobs/uploads/`, {}, fresh);
    assert.equal(start.status, 202);
    assert.equal(claims(fresh).act, act);
    const location = start.headers.get('location') as string;
    const data = random();
    const expired = await signed({ act, sub: 'dev', ...expiredAgo(30 * 60) });
    const patch = await c.send(
      'PATCH',
      location,
      { body: data, headers: { 'content-type': 'application/octet-stream' } },
      expired,
    );
    assert.equal(patch.status, 202, patch.body.toString());
    const next = new URL(patch.headers.get('location') as string, t.url);
    next.searchParams.set('digest', sha256(data));
    const put = await c.send('PUT', `${next.pathname}${next.search}`, {}, expired);
    assert.equal(put.status, 201, put.body.toString());
    // Anything that is not that upload session still needs a live token.
    assert.equal((await pullWith(expired)).status, 401);
    const manifest = await c.send('PUT', `/v2/${REPO}/manifests/x`, { body: '{}' }, expired);
    assert.equal(manifest.status, 401);
  });

  test('not for another identity, not beyond the grace, not once the identity is blocked', async () => {
    const act = await devRef();
    const c = new OciClient(t.url);
    const start = await c.send('POST', `/v2/${REPO}/blobs/uploads/`, {}, await token([`repository:${REPO}:pull,push`]));
    const location = start.headers.get('location') as string;
    const rootRef = `user:${(await identity(t).requireUser('root')).id}`;
    const other = await signed({ act: rootRef, sub: 'root', ...expiredAgo(60) });
    assert.equal((await c.send('GET', location, {}, other)).status, 401, 'someone else');
    const tooOld = await signed({ act, ...expiredAgo(2 * 3600) });
    assert.equal((await c.send('GET', location, {}, tooOld)).status, 401, 'beyond one hour');
    const recent = await signed({ act, ...expiredAgo(60) });
    assert.equal((await c.send('GET', location, {}, recent)).status, 204, 'within the grace');
    await user(t, 'grace-blocked');
    await identity(t).setMember('grace-blocked', 'tok', 'developer');
    const gb = await token([`repository:${REPO}:pull,push`], { username: 'grace-blocked', password: PASSWORD });
    const s2 = await c.send('POST', `/v2/${REPO}/blobs/uploads/`, {}, gb);
    await identity(t).setBlocked('grace-blocked', true);
    const gbExpired = await signed({ act: claims(gb).act, ...expiredAgo(60) });
    assert.equal((await c.send('GET', s2.headers.get('location') as string, {}, gbExpired)).status, 401, 'blocked');
  });
});

describe('password guessing is slowed down', () => {
  function fromAddress(localAddress: string, password: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${t.url}/jwt/auth?service=container_registry`);
      const req = request(
        url,
        {
          localAddress,
          headers: { authorization: `Basic ${Buffer.from(`throttled:${password}`).toString('base64')}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  test('after five failures, even the right password waits; after the wait it works; other addresses are unaffected', async () => {
    await user(t, 'throttled');
    for (let i = 0; i < 5; i++) assert.equal(await fromAddress('127.0.0.1', 'nope'), 401);
    assert.equal(await fromAddress('127.0.0.1', PASSWORD), 429, 'slowed down');
    assert.equal(await fromAddress('127.0.0.2', PASSWORD), 200, 'another address');
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal(await fromAddress('127.0.0.1', PASSWORD), 200, 'the right password after the delay');
    assert.equal(await fromAddress('127.0.0.1', 'nope'), 401, 'the count was reset by the success');
  });
});
