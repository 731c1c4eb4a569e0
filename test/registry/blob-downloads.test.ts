/**
 * Blob downloads through both send loops: the native one (native/send.c, when `npm install` built it) and
 * the JavaScript one (BERTH_NATIVE_SEND=off). Whole bodies and ranges byte for byte, several downloads on
 * one kept-alive connection followed by another request on it (the response framing holds), concurrent
 * downloads, and clients that go away mid-body (the server goes on serving and leaks no descriptor).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { nativeSend } from '../../src/storage/filesystem/native-send.js';
import { OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const REPO = 'dl/proj';
/** Larger than the 64 KiB read whole, spanning several 512 KiB native chunks and 1 MiB JavaScript ones. */
const data = randomBytes(3 * 1024 * 1024 + 12_345);
const digest = sha256(data);
const path = `/v2/${REPO}/blobs/${digest}`;

async function sends(t: TestApp): Promise<{ native: number; javascript: number }> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const count = (loop: string) =>
    Number(new RegExp(`berth_blob_sends_total\\{loop="${loop}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { native: count('native'), javascript: count('javascript') };
}

/** GET over node:http (one agent, so one connection when it keeps alive); the body and the socket's local port. */
function download(
  t: TestApp,
  token: string,
  agent: Agent,
  target = path,
  range?: string,
): Promise<{ status: number; body: Buffer; port: number; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (range) headers.range = range;
    const req = get(`${t.url}${target}`, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks),
          port: req.socket?.localPort ?? 0,
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Starts a download and closes the connection once `after` bytes of the body have arrived. */
function abandon(t: TestApp, token: string, after: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(`${t.url}${path}`, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let got = 0;
      res.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= after) {
          req.destroy();
          resolve();
        }
      });
      res.on('end', () => reject(new Error('the whole body arrived before the client went away')));
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
  });
}

const openDescriptors = () => readdirSync('/proc/self/fd').length;

for (const mode of ['auto', 'off'] as const) {
  describe(`blob downloads, BERTH_NATIVE_SEND=${mode}`, () => {
    let t: TestApp;
    let token: string;
    const loop = mode === 'auto' && nativeSend() ? 'native' : 'javascript';

    before(async () => {
      t = await startTestApp({ BERTH_NATIVE_SEND: mode });
      await t.project(REPO);
      const c = new OciClient(t.url, ROOT);
      await c.pushBlob(REPO, data);
      token = await c.token([`repository:${REPO}:pull`]);
    });
    after(() => t?.close());

    test(`whole body and ranges arrive byte for byte, sent by the ${loop} loop`, async () => {
      const agent = new Agent();
      const before = await sends(t);
      const whole = await download(t, token, agent);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers['content-length'], String(data.length));
      assert.equal(sha256(whole.body), digest);
      const ranges: [string, number, number][] = [
        ['bytes=0-0', 0, 0],
        ['bytes=524287-524289', 524_287, 524_289],
        ['bytes=1048575-2097152', 1_048_575, 2_097_152],
        ['bytes=-1', data.length - 1, data.length - 1],
        ['bytes=3000000-', 3_000_000, data.length - 1],
      ];
      for (const [range, start, end] of ranges) {
        const r = await download(t, token, agent, path, range);
        assert.equal(r.status, 206, range);
        assert.equal(r.headers['content-range'], `bytes ${start}-${end}/${data.length}`, range);
        assert.ok(r.body.equals(data.subarray(start, end + 1)), range);
      }
      const after = await sends(t);
      assert.equal(after[loop] - before[loop], 1 + ranges.length);
      assert.equal(
        after[loop === 'native' ? 'javascript' : 'native'],
        before[loop === 'native' ? 'javascript' : 'native'],
      );
      agent.destroy();
    });

    test('several downloads on one kept-alive connection, then another request on it', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const results = [
        await download(t, token, agent),
        await download(t, token, agent, path, 'bytes=100000-2999999'),
        await download(t, token, agent),
      ];
      assert.deepEqual(
        results.map((r) => r.status),
        [200, 206, 200],
      );
      assert.equal(sha256(results[0]!.body), digest);
      assert.ok(results[1]!.body.equals(data.subarray(100_000, 3_000_000)));
      assert.equal(sha256(results[2]!.body), digest);
      const head = await download(t, token, agent, `/v2/${REPO}/blobs/${sha256(Buffer.from('absent'))}`);
      assert.equal(head.status, 404);
      assert.equal(JSON.parse(head.body.toString()).errors[0].code, 'BLOB_UNKNOWN');
      assert.equal(new Set([...results, head].map((r) => r.port)).size, 1, 'all on one connection');
      agent.destroy();
    });

    test('8 concurrent downloads all arrive whole', async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const all = await Promise.all(Array.from({ length: 8 }, () => download(t, token, agent)));
      for (const r of all) {
        assert.equal(r.status, 200);
        assert.equal(sha256(r.body), digest);
      }
      agent.destroy();
    });

    test('clients that go away mid-body leave the server serving, with no descriptor left open', {
      skip: process.platform !== 'linux' && 'counts /proc/self/fd',
    }, async () => {
      const agent = new Agent();
      assert.equal(sha256((await download(t, token, agent)).body), digest); // every lazy open done once
      agent.destroy();
      const open = openDescriptors();
      for (let i = 0; i < 5; i++) await abandon(t, token, 256 * 1024);
      // Each abandoned send ends once the server sees the connection gone; wait for that, briefly.
      const deadline = Date.now() + 5000;
      while (openDescriptors() > open && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(openDescriptors() <= open, `descriptors: ${open} before, ${openDescriptors()} after`);
      const again = new Agent();
      assert.equal(sha256((await download(t, token, again)).body), digest);
      again.destroy();
    });
  });
}

test('BERTH_NATIVE_SEND=on refuses to start where the addon is missing, and starts where it is built', async () => {
  if (nativeSend()) {
    const t = await startTestApp({ BERTH_NATIVE_SEND: 'on' });
    await t.close();
  } else {
    await assert.rejects(startTestApp({ BERTH_NATIVE_SEND: 'on' }), /BERTH_NATIVE_SEND=on, but the native addon/);
  }
});

test('the native send loop is built where CI runs (npm ci builds it)', { skip: !process.env.CI && 'CI only' }, () => {
  assert.ok(nativeSend(), 'native/build/send.node is missing or does not load: see scripts/build-native.mjs');
});
