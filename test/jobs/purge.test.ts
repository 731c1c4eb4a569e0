/**
 * The hourly purge: upload sessions idle past BERTH_UPLOAD_PURGE_AGE go with their bytes; staged files no
 * session owns and dependency proxy fills a crash left behind go once old; everything recent stays.
 */
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { purgeUploads } from '../../src/jobs/purge-uploads.js';
import { OciClient, ROOT } from '../helpers/oci-client.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
  await t.project('pg/app');
});
after(() => t.close());

const DAY = 86_400_000;

function staged(path: string, ageMs: number): string {
  const file = join(t.dir, 'storage', path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, 'partial');
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
  return file;
}

test('stale sessions, orphaned staging and crashed proxy fills are removed; recent ones stay', async () => {
  const c = new OciClient(t.url, ROOT);
  const open = await c.req('POST', '/v2/pg/app/blobs/uploads/');
  assert.equal(open.status, 202);
  const location = open.headers.get('location') as string;
  assert.equal((await c.req('PATCH', location, { body: 'abc' })).status, 202);
  const fresh = await c.req('POST', '/v2/pg/app/blobs/uploads/');
  const freshLocation = fresh.headers.get('location') as string;

  staged('_uploads/mono-orphan/data', 8 * DAY);
  staged('_uploads/mono-recent/data', 1000);
  staged(`_proxy/sha256/${'a'.repeat(64)}/dead/data`, 2 * 3_600_000);
  staged(`_proxy/sha256/${'b'.repeat(64)}/live/data`, 1000);

  const knex = t.app.db.em.getKnex();
  const id = location.split('/').pop()?.split('?')[0] as string;
  const old = t.app.db.dialect === 'sqlite' ? Date.now() - 8 * DAY : new Date(Date.now() - 8 * DAY);
  await knex('uploads').where('id', id).update({ updated_at: old, created_at: old });

  const purged = await purgeUploads({
    store: t.app.store,
    uploads: t.app.uploads,
    driver: t.app.driver,
    log: t.app.log,
    maxAgeMs: 7 * DAY,
  });
  assert.equal(purged, 3, 'the stale session, the orphan, the dead proxy fill');
  assert.equal((await c.req('GET', location)).status, 404, 'the stale session is gone');
  assert.equal((await c.req('GET', freshLocation)).status, 204, 'the fresh one stays');
  const left = await t.app.driver.list('_uploads');
  assert.ok(left.includes('_uploads/mono-recent'));
  assert.ok(!left.includes('_uploads/mono-orphan'));
  assert.deepEqual(await t.app.driver.list('_proxy/sha256'), [`_proxy/sha256/${'b'.repeat(64)}`]);
});
