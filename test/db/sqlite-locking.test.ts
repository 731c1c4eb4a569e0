/**
 * SQLite with two writing processes (the admin CLI next to a running server): a transaction that reads and
 * then writes must wait for the other writer, not fail with "database is locked" (SQLITE_BUSY_SNAPSHOT),
 * which is what knex's plain BEGIN gives. The other writer is a real second process (libsql's waits block
 * its thread, so two connections in one process cannot stand for two processes).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { initOrm } from '../../src/db/orm.js';

const ORM = pathToFileURL(join(import.meta.dirname, '../../src/db/orm.js')).href;

/**
 * Another process, ready once connected: on a line on stdin it runs a transaction that reads, then renames
 * the group; `done` resolves with its exit.
 */
async function anotherProcess(path: string) {
  const script = `
    const { initOrm } = await import(${JSON.stringify(ORM)});
    const h = await initOrm({ kind: 'sqlite', path: ${JSON.stringify(path)} }, { migrate: false });
    const k = h.em.getKnex();
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    await k.transaction(async (t) => { await t('groups').select('id'); await t('groups').update({ name: 'by-cli' }); });
    await h.orm.close();
    process.exit(0);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('close', () => reject(new Error(`the other process ended: ${stderr}`)));
  });
  return { go: () => child.stdin.write('go\n'), done };
}

test('a read-then-write transaction waits for another process writing meanwhile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sqlite-'));
  const path = join(dir, 'berth.sqlite');
  const server = await initOrm({ kind: 'sqlite', path });
  try {
    const ks = server.em.getKnex();
    await ks('groups').insert({ name: 'g', path: 'g', full_path: 'g', visibility: 'private', created_at: Date.now() });
    const other = await anotherProcess(path);
    await ks.transaction(async (trx) => {
      await trx('groups').select('id'); // a read first
      other.go(); // the other process writes now…
      await new Promise((resolve) => setTimeout(resolve, 300));
      await trx('groups').update({ name: 'by-server' }); // …and this read-then-write transaction must not fail
    });
    const result = await other.done;
    assert.equal(result?.code, 0, result?.stderr);
    assert.equal((await ks('groups').first('name')).name, 'by-cli', 'both committed, the second after the first');
    await ks.transaction(async (outer) => {
      await outer.transaction(async (inner) => inner('groups').update({ name: 'nested' }));
    });
    assert.equal((await ks('groups').first('name')).name, 'nested', 'savepoints still work');
  } finally {
    await server.orm.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
