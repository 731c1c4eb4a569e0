import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const NAME = 'up/proj/img';
let t: TestApp;
let c: OciClient;

before(async () => {
  t = await startTestApp();
  c = new OciClient(t.url, ROOT);
  await t.project('up/proj');
  await t.project('up/other');
});
after(() => t.close());

async function open(name = NAME): Promise<string> {
  const r = await c.req('POST', `/v2/${name}/blobs/uploads/`);
  assert.equal(r.status, 202);
  assert.equal(r.headers.get('range'), '0-0');
  assert.ok(r.headers.get('docker-upload-uuid'));
  return r.headers.get('location')!;
}

describe('blob uploads', () => {
  test('monolithic POST ?digest= stores the blob and answers 201 with Location and digest', async () => {
    const data = randomBytes(5000);
    const digest = sha256(data);
    const r = await c.req('POST', `/v2/${NAME}/blobs/uploads/?digest=${digest}`, { body: data });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), `/v2/${NAME}/blobs/${digest}`);
    assert.equal(r.headers.get('docker-content-digest'), digest);
    const g = await c.req('GET', `/v2/${NAME}/blobs/${digest}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, data);
  });

  test('POST then PUT with the whole body', async () => {
    const data = randomBytes(3000);
    const loc = await open();
    const r = await c.req('PUT', `${loc}?digest=${sha256(data)}`, { body: data });
    assert.equal(r.status, 201);
    assert.deepEqual((await c.req('GET', `/v2/${NAME}/blobs/${sha256(data)}`)).body, data);
  });

  test('chunked PATCHes with Content-Range, status GET, then PUT', async () => {
    const data = randomBytes(3 * 65536 + 17);
    const loc = await open();
    const cuts = [0, 65536, 131072, data.length];
    for (let i = 0; i < 3; i++) {
      const chunk = data.subarray(cuts[i], cuts[i + 1]);
      const r = await c.req('PATCH', loc, {
        body: chunk,
        headers: { 'content-range': `${cuts[i]}-${cuts[i + 1]! - 1}`, 'content-type': 'application/octet-stream' },
      });
      assert.equal(r.status, 202);
      assert.equal(r.headers.get('range'), `0-${cuts[i + 1]! - 1}`);
      assert.equal(r.headers.get('location'), loc);
    }
    const s = await c.req('GET', loc);
    assert.equal(s.status, 204);
    assert.equal(s.headers.get('range'), `0-${data.length - 1}`);
    const put = await c.req('PUT', `${loc}?digest=${sha256(data)}`);
    assert.equal(put.status, 201);
    assert.deepEqual((await c.req('GET', `/v2/${NAME}/blobs/${sha256(data)}`)).body, data);
    assert.equal((await c.req('GET', loc)).status, 404, 'the session ends with the upload');
  });

  test('streamed PATCH without Content-Range (Docker style) and a final chunk on PUT', async () => {
    const data = randomBytes(100_000);
    const loc = await open();
    assert.equal((await c.req('PATCH', loc, { body: data.subarray(0, 60_000) })).status, 202);
    const put = await c.req('PUT', `${loc}?digest=${sha256(data)}`, {
      body: data.subarray(60_000),
      headers: { 'content-range': `60000-${data.length - 1}` },
    });
    assert.equal(put.status, 201);
    assert.deepEqual((await c.req('GET', `/v2/${NAME}/blobs/${sha256(data)}`)).body, data);
  });

  test('sha512 digests work for monolithic and chunked uploads', async () => {
    const data = randomBytes(70_000);
    const d512 = `sha512:${createHash('sha512').update(data).digest('hex')}`;
    const mono = await c.req('POST', `/v2/${NAME}/blobs/uploads/?digest=${d512}`, { body: data });
    assert.equal(mono.status, 201);
    const other = randomBytes(70_000);
    const o512 = `sha512:${createHash('sha512').update(other).digest('hex')}`;
    const loc = await open();
    await c.req('PATCH', loc, { body: other.subarray(0, 30_000) });
    await c.req('PATCH', loc, { body: other.subarray(30_000) });
    assert.equal((await c.req('PUT', `${loc}?digest=${o512}`)).status, 201);
    assert.deepEqual((await c.req('GET', `/v2/${NAME}/blobs/${o512}`)).body, other);
    assert.deepEqual((await c.req('GET', `/v2/${NAME}/blobs/${d512}`)).body, data);
  });

  test('an out-of-order chunk gets 416 and leaves the upload as it was', async () => {
    const loc = await open();
    await c.req('PATCH', loc, { body: Buffer.from('abcd'), headers: { 'content-range': '0-3' } });
    const r = await c.req('PATCH', loc, { body: Buffer.from('efgh'), headers: { 'content-range': '10-13' } });
    assert.equal(r.status, 416);
    assert.equal(r.json().errors[0].code, 'BLOB_UPLOAD_INVALID');
    assert.equal((await c.req('GET', loc)).headers.get('range'), '0-3');
    const bad = await c.req('PATCH', loc, { body: Buffer.from('x'), headers: { 'content-range': 'garbage' } });
    assert.equal(bad.status, 416);
    const ok = await c.req('PATCH', loc, { body: Buffer.from('efgh'), headers: { 'content-range': '4-7' } });
    assert.equal(ok.status, 202);
    assert.equal((await c.req('PUT', `${loc}?digest=${sha256('abcdefgh')}`)).status, 201);
  });

  test('a wrong digest on PUT is DIGEST_INVALID and nothing becomes visible', async () => {
    const data = randomBytes(1000);
    const wrong = sha256('something else');
    const loc = await open();
    await c.req('PATCH', loc, { body: data });
    const r = await c.req('PUT', `${loc}?digest=${wrong}`);
    assert.equal(r.status, 400);
    assert.equal(r.json().errors[0].code, 'DIGEST_INVALID');
    assert.equal((await c.req('HEAD', `/v2/${NAME}/blobs/${wrong}`)).status, 404);
    assert.equal((await c.req('HEAD', `/v2/${NAME}/blobs/${sha256(data)}`)).status, 404);
    const mono = await c.req('POST', `/v2/${NAME}/blobs/uploads/?digest=${wrong}`, { body: data });
    assert.equal(mono.status, 400);
    assert.equal(mono.json().errors[0].code, 'DIGEST_INVALID');
    assert.equal((await c.req('HEAD', `/v2/${NAME}/blobs/${wrong}`)).status, 404);
  });

  test('malformed digests are 400 DIGEST_INVALID, never 500', async () => {
    for (const d of ['sha256:xyz', 'sha256:', 'md5:abc', 'nocolon', `sha256:${'A'.repeat(64)}`]) {
      const r = await c.req('POST', `/v2/${NAME}/blobs/uploads/?digest=${encodeURIComponent(d)}`, { body: 'x' });
      assert.equal(r.status, 400, d);
      assert.equal(r.json().errors[0].code, 'DIGEST_INVALID', d);
    }
    const loc = await open();
    assert.equal((await c.req('PUT', `${loc}?digest=bad`)).status, 400);
    assert.equal((await c.req('PUT', loc)).status, 400);
  });

  test('DELETE cancels a session; unknown sessions are BLOB_UPLOAD_UNKNOWN', async () => {
    const loc = await open();
    await c.req('PATCH', loc, { body: Buffer.from('data') });
    assert.equal((await c.req('DELETE', loc)).status, 204);
    for (const method of ['GET', 'PATCH', 'PUT', 'DELETE']) {
      const r = await c.req(method, `${loc}?digest=${sha256('data')}`, method === 'PATCH' ? { body: 'x' } : {});
      assert.equal(r.status, 404, method);
      assert.equal(r.json().errors[0].code, 'BLOB_UPLOAD_UNKNOWN', method);
    }
    const other = await c.req('GET', `/v2/${NAME}/blobs/uploads/not-a-session`);
    assert.equal(other.json().errors[0].code, 'BLOB_UPLOAD_UNKNOWN');
  });

  test("a session belongs to its repository: another repository's path cannot use it", async () => {
    const loc = await open();
    const id = loc.split('/').pop();
    const r = await c.req('GET', `/v2/up/other/blobs/uploads/${id}`);
    assert.equal(r.status, 404);
  });

  test('cross-repository mount links the blob (201), and falls back to a session (202) when it cannot', async () => {
    const { digest } = await c.pushBlob('up/other', randomBytes(2048));
    // As docker does, the client asks for pull on the source along with push on the target.
    const both = await c.token([`repository:${NAME}/mnt:pull,push`, 'repository:up/other:pull']);
    const m = await c.send('POST', `/v2/${NAME}/mnt/blobs/uploads/?mount=${digest}&from=up/other`, {}, both);
    assert.equal(m.status, 201);
    assert.equal(m.headers.get('location'), `/v2/${NAME}/mnt/blobs/${digest}`);
    assert.equal((await c.req('HEAD', `/v2/${NAME}/mnt/blobs/${digest}`)).status, 200);
    const missing = sha256('never pushed');
    const f = await c.req('POST', `/v2/${NAME}/blobs/uploads/?mount=${missing}&from=up/other`);
    // Without pull on the source, no mount: a plain session instead.
    const pushOnly = await c.token([`repository:${NAME}/mnt2:pull,push`]);
    const denied = await c.send('POST', `/v2/${NAME}/mnt2/blobs/uploads/?mount=${digest}&from=up/other`, {}, pushOnly);
    assert.equal(denied.status, 202);
    assert.equal(f.status, 202);
    assert.ok(f.headers.get('location')?.startsWith(`/v2/${NAME}/blobs/uploads/`));
    const noFrom = await c.req('POST', `/v2/${NAME}/blobs/uploads/?mount=${digest}`);
    assert.equal(noFrom.status, 202);
  });

  test('a blob pushed to many repositories is stored once', async () => {
    const data = randomBytes(4096);
    for (const n of ['up/proj/a', 'up/proj/b', 'up/other']) await c.pushBlob(n, data);
    const hex = sha256(data).slice(7);
    const dir = join(t.dir, 'storage', 'blobs', 'sha256', hex.slice(0, 2));
    // (Other blobs of this file may share the two-character prefix directory: look at this one only.)
    assert.deepEqual(
      readdirSync(dir).filter((n) => n === hex),
      [hex],
    );
    assert.deepEqual(readdirSync(join(dir, hex)), ['data'], 'one copy of the bytes');
    const rows = await t.app.db.em.getKnex()('blobs').where('digest', sha256(data));
    assert.equal(rows.length, 1);
  });

  test('pushing into a path without a project is NAME_UNKNOWN', async () => {
    const r = await c.req('POST', '/v2/nosuch/project/blobs/uploads/');
    assert.equal(r.status, 404);
    assert.equal(r.json().errors[0].code, 'NAME_UNKNOWN');
  });
});
