import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let c: OciClient;

before(async () => {
  t = await startTestApp();
  c = new OciClient(t.url, ROOT);
  await t.project('list/proj');
});
after(() => t.close());

describe('GET /v2/', () => {
  test('answers 200 {} with the API version header', async () => {
    const r = await c.req('GET', '/v2/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.deepEqual(r.json(), {});
    assert.equal((await c.req('GET', '/v2')).status, 200);
  });
});

describe('blobs', () => {
  const data = randomBytes(10_000);
  const digest = sha256(data);
  before(() => c.pushBlob('list/proj', data));

  test('GET and HEAD carry length, digest, ETag and Accept-Ranges', async () => {
    for (const method of ['GET', 'HEAD']) {
      const r = await c.req(method, `/v2/list/proj/blobs/${digest}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-length'), '10000');
      assert.equal(r.headers.get('docker-content-digest'), digest);
      assert.equal(r.headers.get('etag'), `"${digest}"`);
      assert.equal(r.headers.get('accept-ranges'), 'bytes');
      assert.deepEqual(r.body, method === 'GET' ? data : Buffer.alloc(0));
    }
  });

  test('Range requests give 206 with Content-Range; unsatisfiable ranges 416', async () => {
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=9000-', 9000, 9999],
      ['bytes=-500', 9500, 9999],
      ['bytes=9990-20000', 9990, 9999],
    ];
    for (const [range, start, end] of cases) {
      const r = await c.req('GET', `/v2/list/proj/blobs/${digest}`, { headers: { range } });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/10000`, range);
      assert.deepEqual(r.body, data.subarray(start, end + 1), range);
    }
    const bad = await c.req('GET', `/v2/list/proj/blobs/${digest}`, { headers: { range: 'bytes=10000-' } });
    assert.equal(bad.status, 416);
    assert.equal(bad.json().errors[0].code, 'SIZE_INVALID');
    const ignored = await c.req('GET', `/v2/list/proj/blobs/${digest}`, { headers: { range: 'lines=1-2' } });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.body.length, 10_000);
  });

  test('a large blob streams whole and by range, byte-exact', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 7);
    const { digest: d } = await c.pushBlob('list/proj', big);
    const full = await c.req('GET', `/v2/list/proj/blobs/${d}`);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('content-length'), String(big.length));
    assert.equal(sha256(full.body), d);
    const part = await c.req('GET', `/v2/list/proj/blobs/${d}`, { headers: { range: 'bytes=1048570-2097160' } });
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, big.subarray(1048570, 2097161));
    const head = await c.req('HEAD', `/v2/list/proj/blobs/${d}`);
    assert.equal(head.headers.get('content-length'), String(big.length));
  });

  test('If-None-Match with the ETag gives 304', async () => {
    const r = await c.req('GET', `/v2/list/proj/blobs/${digest}`, { headers: { 'if-none-match': `"${digest}"` } });
    assert.equal(r.status, 304);
  });

  test('unknown and malformed digests', async () => {
    const u = await c.req('GET', `/v2/list/proj/blobs/${sha256('nope')}`);
    assert.equal(u.status, 404);
    assert.equal(u.json().errors[0].code, 'BLOB_UNKNOWN');
    const h = await c.req('HEAD', `/v2/list/proj/blobs/${sha256('nope')}`);
    assert.equal(h.status, 404);
    for (const d of ['sha256:abc', 'notadigest', 'sha256:../../etc/passwd', '%ZZ']) {
      const r = await c.req('GET', `/v2/list/proj/blobs/${d}`);
      assert.ok(r.status === 400 || r.status === 404, `${d}: ${r.status}`);
      assert.ok(r.json().errors[0].code, d);
    }
  });

  test('DELETE unlinks a blob no manifest needs, and refuses one a manifest needs', async () => {
    const loose = await c.pushBlob('list/proj', randomBytes(100));
    assert.equal((await c.req('DELETE', `/v2/list/proj/blobs/${loose.digest}`)).status, 202);
    assert.equal((await c.req('HEAD', `/v2/list/proj/blobs/${loose.digest}`)).status, 404);
    assert.equal((await c.req('DELETE', `/v2/list/proj/blobs/${loose.digest}`)).status, 404);
    const img = await c.pushImage('list/proj', 'uses-layer');
    const used = img.layers[0]!.digest;
    const r = await c.req('DELETE', `/v2/list/proj/blobs/${used}`);
    assert.equal(r.status, 403);
    assert.equal(r.json().errors[0].code, 'DENIED');
    assert.equal((await c.req('GET', `/v2/list/proj/blobs/${used}`)).status, 200);
  });
});

describe('tags list and catalog', () => {
  const names = ['a', 'B', 'latest', 'v1.0', 'v1.1', 'v10', 'v2', '_x'];
  before(async () => {
    const img = await c.pushImage('list/proj/tags', names[0]!);
    for (const n of names.slice(1)) await c.pushManifest('list/proj/tags', n, img.bytes);
  });

  test('lists every tag in byte order', async () => {
    const r = await c.req('GET', '/v2/list/proj/tags/tags/list');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { name: 'list/proj/tags', tags: [...names].sort() });
    assert.equal(r.headers.get('link'), null);
  });

  test('paginates with n and last, giving a Link to the next page', async () => {
    const sorted = [...names].sort();
    const seen: string[] = [];
    let path: string | undefined = '/v2/list/proj/tags/tags/list?n=3';
    let pages = 0;
    while (path && pages < 10) {
      const r = await c.req('GET', path);
      assert.equal(r.status, 200);
      const page = r.json().tags as string[];
      assert.ok(page.length <= 3);
      seen.push(...page);
      const link = r.headers.get('link');
      path = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      pages++;
    }
    assert.deepEqual(seen, sorted);
    assert.equal(pages, 3);
    const after = await c.req('GET', '/v2/list/proj/tags/tags/list?last=v1.1');
    assert.deepEqual(after.json().tags, ['v10', 'v2']);
    assert.deepEqual((await c.req('GET', '/v2/list/proj/tags/tags/list?n=0')).json().tags, []);
    assert.equal((await c.req('GET', '/v2/list/proj/tags/tags/list?n=abc')).status, 400);
  });

  test('a repository without images is NAME_UNKNOWN', async () => {
    const r = await c.req('GET', '/v2/list/proj/nothing/tags/list');
    assert.equal(r.status, 404);
    assert.equal(r.json().errors[0].code, 'NAME_UNKNOWN');
  });

  test('catalog lists repositories in order, with pagination', async () => {
    await c.pushBlob('list/proj/zzz', 'z');
    const all = (await c.req('GET', '/v2/_catalog')).json().repositories as string[];
    assert.deepEqual(all, [...all].sort());
    assert.ok(all.includes('list/proj') && all.includes('list/proj/tags') && all.includes('list/proj/zzz'));
    const first = await c.req('GET', '/v2/_catalog?n=1');
    assert.deepEqual(first.json().repositories, [all[0]]);
    assert.equal(first.headers.get('link'), `</v2/_catalog?n=1&last=${encodeURIComponent(all[0]!)}>; rel="next"`);
    const rest = await c.req('GET', `/v2/_catalog?last=${encodeURIComponent(all[0]!)}`);
    assert.deepEqual(rest.json().repositories, all.slice(1));
  });
});

describe('names and routes', () => {
  test('names that break the OCI grammar are NAME_INVALID, saying which rule', async () => {
    const cases: [string, RegExp][] = [
      ['List/proj', /uppercase/],
      ['list/_proj', /starts with a separator/],
      ['list/proj-', /ends with a separator/],
      ['list/a..b', /"\.\."|separator/],
      [`list/${'a'.repeat(260)}`, /at most 255/],
    ];
    for (const [name, rule] of cases) {
      const r = await c.req('GET', `/v2/${name}/tags/list`);
      assert.equal(r.status, 400, name);
      const e = r.json().errors[0];
      assert.equal(e.code, 'NAME_INVALID', name);
      assert.match(e.message, rule, name);
    }
  });

  test('a path naming no project is NAME_UNKNOWN; too deep below a project is NAME_INVALID', async () => {
    const r = await c.req('GET', '/v2/nogroup/noproject/manifests/latest');
    assert.equal(r.status, 404);
    assert.equal(r.json().errors[0].code, 'NAME_UNKNOWN');
    const group = await c.req('GET', '/v2/list/manifests/latest');
    assert.equal(group.json().errors[0].code, 'NAME_UNKNOWN', 'a group is not a project');
    const ok = await c.req('POST', '/v2/list/proj/a/b/c/blobs/uploads/');
    assert.equal(ok.status, 202, 'three levels below the project is allowed');
    const deep = await c.req('POST', '/v2/list/proj/a/b/c/d/blobs/uploads/');
    assert.equal(deep.status, 400);
    assert.equal(deep.json().errors[0].code, 'NAME_INVALID');
    assert.match(deep.json().errors[0].message, /4 levels below project "list\/proj"/);
  });

  test('unknown routes and methods get OCI errors', async () => {
    const r = await c.req('GET', '/v2/list/proj/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.json().errors[0].code, 'UNSUPPORTED');
    const m = await c.req('POST', '/v2/list/proj/manifests/latest');
    assert.equal(m.status, 405);
    assert.equal(m.json().errors[0].code, 'UNSUPPORTED');
    assert.match(m.headers.get('allow') ?? '', /PUT/);
  });
});
