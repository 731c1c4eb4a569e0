/**
 * Crash safety: berth is killed with SIGKILL in the middle of chunked and monolithic uploads, then
 * restarted on the same database and storage. Nothing partial may be served, every committed blob must be
 * intact, and an interrupted session resumes from its last completed chunk (or is BLOB_UPLOAD_UNKNOWN).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OciClient, ROOT, sha256 } from '../helpers/oci-client.js';
import { resetPostgres, testEnv } from '../helpers/test-app.js';

const NAME = 'crash/proj/img';
let dir: string;
let env: Record<string, string>;
let child: ChildProcess | undefined;

function startBerth(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['dist/src/main.js'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`berth did not start:\n${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d));
    proc.once('exit', (code) => reject(new Error(`berth exited (${code}):\n${out}`)));
  });
}

/** Sends the head of a body and never finishes it; resolves once the server has received `sent` bytes. */
function hangingUpload(url: string, method: string, head: Buffer, total: number, headers: Record<string, string> = {}) {
  return new Promise<void>((resolve) => {
    const req = request(url, { method, headers: { 'content-length': String(total), ...headers } });
    req.on('error', () => undefined); // the server dies under us: expected
    req.write(head, () => setTimeout(resolve, 300));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-crash-'));
  env = testEnv(dir);
  if (env.BERTH_DATABASE_URL!.startsWith('postgres')) await resetPostgres(env.BERTH_DATABASE_URL!);
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['dist/src/cli/main.js', ...args], { env: { ...process.env, ...env } });
  cli('group', 'create', 'crash');
  cli('project', 'create', 'crash/proj');
});

after(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('SIGKILL mid-upload: committed blobs intact, nothing partial visible, sessions resume', async () => {
  let { proc, url } = await startBerth();
  let c = new OciClient(url, ROOT);

  // Committed before the crash: one monolithic, one chunked.
  const committed = [randomBytes(300_000), randomBytes(1_500_000)];
  await c.pushBlob(NAME, committed[0]!);
  const loc0 = (await c.req('POST', `/v2/${NAME}/blobs/uploads/`)).headers.get('location')!;
  await c.req('PATCH', loc0, { body: committed[1]!.subarray(0, 700_000), headers: { 'content-range': '0-699999' } });
  await c.req('PATCH', loc0, {
    body: committed[1]!.subarray(700_000),
    headers: { 'content-range': `700000-${committed[1]!.length - 1}` },
  });
  assert.equal((await c.req('PUT', `${loc0}?digest=${sha256(committed[1]!)}`)).status, 201);

  // In flight at the crash: a chunked session with two chunks done and a third half-sent, a monolithic
  // upload half-sent, and a final PUT half-sent.
  const resumable = randomBytes(3_000_000);
  const loc1 = (await c.req('POST', `/v2/${NAME}/blobs/uploads/`)).headers.get('location')!;
  await c.req('PATCH', loc1, { body: resumable.subarray(0, 1_000_000), headers: { 'content-range': '0-999999' } });
  await c.req('PATCH', loc1, {
    body: resumable.subarray(1_000_000, 2_000_000),
    headers: { 'content-range': '1000000-1999999' },
  });
  await hangingUpload(`${url}${loc1}`, 'PATCH', resumable.subarray(2_000_000, 2_600_000), 1_000_000, {
    'content-range': '2000000-2999999',
  });
  const mono = randomBytes(2_000_000);
  await hangingUpload(
    `${url}/v2/${NAME}/blobs/uploads/?digest=${sha256(mono)}`,
    'POST',
    mono.subarray(0, 1_000_000),
    mono.length,
  );
  const last = randomBytes(1_200_000);
  const loc2 = (await c.req('POST', `/v2/${NAME}/blobs/uploads/`)).headers.get('location')!;
  await hangingUpload(`${url}${loc2}?digest=${sha256(last)}`, 'PUT', last.subarray(0, 600_000), last.length);

  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
  ({ proc, url } = await startBerth());
  c = new OciClient(url, ROOT);

  for (const data of committed) {
    const r = await c.req('GET', `/v2/${NAME}/blobs/${sha256(data)}`);
    assert.equal(r.status, 200);
    assert.equal(sha256(r.body), sha256(data), 'a committed blob is intact');
  }
  for (const data of [resumable, mono, last]) {
    const r = await c.req('HEAD', `/v2/${NAME}/blobs/${sha256(data)}`);
    assert.equal(r.status, 404, 'an interrupted upload is not visible');
  }

  // The chunked session reports only its completed chunks and resumes from there.
  const status = await c.req('GET', loc1);
  if (status.status === 404) {
    assert.equal(status.json().errors[0].code, 'BLOB_UPLOAD_UNKNOWN');
  } else {
    assert.equal(status.status, 204);
    assert.equal(status.headers.get('range'), '0-1999999');
    const rest = await c.req('PATCH', loc1, {
      body: resumable.subarray(2_000_000),
      headers: { 'content-range': '2000000-2999999' },
    });
    assert.equal(rest.status, 202);
    assert.equal((await c.req('PUT', `${loc1}?digest=${sha256(resumable)}`)).status, 201);
    const got = await c.req('GET', `/v2/${NAME}/blobs/${sha256(resumable)}`);
    assert.equal(sha256(got.body), sha256(resumable), 'the resumed blob is exactly the uploaded bytes');
  }
  const s2 = await c.req('GET', loc2);
  assert.ok(s2.status === 204 || s2.status === 404);
  if (s2.status === 204) assert.equal(s2.headers.get('range'), '0-0', 'the half-sent final PUT added nothing');
  proc.kill('SIGTERM');
});
