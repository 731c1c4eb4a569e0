import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FilesystemDriver } from '../../src/storage/filesystem/driver.js';
import { nativeSend } from '../../src/storage/filesystem/native-send.js';
import { driverSuite } from './driver.suite.js';

/** Every directory a test made, removed when the file's tests are done. */
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-fs-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

driverSuite('filesystem', async () => new FilesystemDriver(tempDir()));

describe('filesystem sendTo into an HTTP response', () => {
  const data = randomBytes(1024 * 1024 + 7);
  let driver: FilesystemDriver;
  let server: Server;
  let url: string;
  /** How the next response frames its body: with a Content-Length, or chunked (none given). */
  let framing: 'length' | 'chunked' = 'length';

  before(async () => {
    driver = new FilesystemDriver(tempDir());
    await driver.putContent('blob', data);
    server = createServer((req, res) => {
      const [start, end] = (new URL(req.url ?? '/', 'http://x').searchParams.get('range') ?? `0-${data.length - 1}`)
        .split('-')
        .map(Number) as [number, number];
      res.writeHead(200, framing === 'length' ? { 'content-length': end - start + 1 } : {});
      driver.sendTo('blob', res, { offset: start, end }).then(
        () => res.end(),
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a Content-Length response gets the exact bytes, through the native loop where it is built', async () => {
    framing = 'length';
    const before = driver.sends.get('native');
    const r = await fetch(`${url}?range=5-1048580`);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(data.subarray(5, 1_048_581)));
    assert.equal(driver.sends.get('native') - before, nativeSend() ? 1 : 0);
  });

  test('a chunked response (no Content-Length) keeps its framing: the JavaScript loop sends it', async () => {
    framing = 'chunked';
    const before = driver.sends.get('javascript');
    const r = await fetch(url);
    assert.equal(r.headers.get('transfer-encoding'), 'chunked');
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(data));
    assert.equal(driver.sends.get('javascript') - before, 1);
  });
});
