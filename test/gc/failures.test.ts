/**
 * A review that fails (here: storage refuses one delete, injected in front of the real filesystem driver)
 * is logged and postponed; it does not hold up the rest of the queue, and it succeeds when tried again.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StorageDriver } from '../../src/storage/driver.js';
import { createDriver } from '../../src/storage/factory.js';
import { storedBlobs } from '../helpers/disk.js';
import { OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const HOUR = 3_600_000;
let now = Date.now();
let t: TestApp;
const refuse = new Set<string>();

before(async () => {
  let real: StorageDriver | undefined;
  const driver = new Proxy({} as StorageDriver, {
    get(_target, prop) {
      if (prop === 'delete') {
        return async (path: string) => {
          if ([...refuse].some((hex) => path.includes(hex))) throw new Error(`EIO: injected failure deleting ${path}`);
          return real?.delete(path);
        };
      }
      const value = real?.[prop as keyof StorageDriver];
      return typeof value === 'function' ? value.bind(real) : value;
    },
  });
  t = await startTestApp({ BERTH_GC_INTERVAL: '0' }, { clock: () => now, driver });
  real = createDriver('filesystem', { path: join(t.dir, 'storage') });
  await t.project('fail/app');
});
after(() => t.close());

test('a failed review is postponed and does not block the others', async () => {
  const c = new OciClient(t.url, ROOT);
  const stuck = randomBytes(3000);
  const fine = randomBytes(5000);
  await c.pushBlob('fail/app', stuck);
  await c.pushBlob('fail/app', fine);
  refuse.add(sha256(stuck).slice(7));
  now += 25 * HOUR;
  const first = await t.app.jobs.collectGarbage();
  assert.deepEqual([first.blobs, first.bytes], [1, fine.length], 'the other blob was collected');
  assert.equal(storedBlobs(t.dir).bytes, stuck.length, 'the refused bytes are still there');
  assert.equal((await c.req('GET', `/v2/fail/app/blobs/${sha256(stuck)}`)).status, 404, 'but no longer visible');
  assert.deepEqual(await t.app.jobs.garbage.queued(), { manifests: 0, blobs: 1 }, 'postponed, not dropped');

  refuse.clear();
  assert.equal((await t.app.jobs.collectGarbage()).blobs, 0, 'not due again at once');
  now += 2 * HOUR;
  const retry = await t.app.jobs.collectGarbage();
  assert.deepEqual([retry.blobs, retry.bytes], [1, stuck.length]);
  assert.deepEqual(storedBlobs(t.dir), { files: 0, bytes: 0 });
});
