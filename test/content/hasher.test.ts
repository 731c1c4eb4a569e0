import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { defaultHashThreads, HashPool } from '../../src/content/hasher.js';

test('the automatic choice is inline or 1 to 4 threads, and the pool follows it', async () => {
  const n = defaultHashThreads();
  assert.ok(Number.isInteger(n) && n >= 0 && n <= 4, String(n));
  const pool = new HashPool();
  assert.ok(pool.size === 0 || pool.size >= 1);
  await pool.close();
});

// Every test runs on worker threads and inline: both must agree with node:crypto exactly.
for (const [mode, size] of [
  ['on hashing threads', 2],
  ['inline (BERTH_HASH_THREADS=0)', 0],
] as const) {
  describe(`hashes ${mode}`, () => {
    const pool = new HashPool(size);
    after(() => pool.close());

    test('agrees with node:crypto across batch boundaries and odd chunk sizes', async () => {
      const data = randomBytes((5 << 20) + 12_345);
      for (const chunk of [1, 4093, 64 << 10, 1 << 20, 3 << 20]) {
        const local = createHash('sha256');
        const remote = pool.create('sha256');
        // Only the first 200 KiB byte by byte: enough to cross the small first batches.
        const limit = chunk === 1 ? 200 << 10 : data.length;
        for (let i = 0; i < limit; i += chunk) {
          const piece = data.subarray(i, Math.min(i + chunk, limit));
          local.update(piece);
          remote.update(piece);
          await remote.ready();
        }
        assert.equal(await remote.digest(), local.digest('hex'), `chunks of ${chunk}`);
        assert.equal(remote.bytes, limit);
        remote.dispose();
      }
    });

    test('a digest is a snapshot: the hash goes on after it, and sha512 works', async () => {
      const remote = pool.create('sha512');
      remote.update(Buffer.from('hello '));
      assert.equal(await remote.digest(), createHash('sha512').update('hello ').digest('hex'));
      remote.update(Buffer.from('world'));
      assert.equal(await remote.digest(), createHash('sha512').update('hello world').digest('hex'));
      remote.dispose();
      assert.throws(() => remote.update(Buffer.from('x')), /disposed/);
    });

    test('the caller may reuse its buffer as soon as update returns', async () => {
      const remote = pool.create('sha256');
      const buf = Buffer.alloc(100_000, 1);
      remote.update(buf);
      buf.fill(2);
      remote.update(buf);
      const expected = createHash('sha256').update(Buffer.alloc(100_000, 1)).update(Buffer.alloc(100_000, 2));
      assert.equal(await remote.digest(), expected.digest('hex'));
      remote.dispose();
    });
  });
}

test('backpressure: a hash may run 8 MiB ahead of its thread, all hashes on a thread 16 MiB together', {
  timeout: 20_000,
}, async () => {
  const pool = new HashPool(1);
  try {
    const MiB = 1 << 20;
    const chunk = randomBytes(64 << 10);
    const feed = (hash: ReturnType<HashPool['create']>, local: ReturnType<typeof createHash>, bytes: number) => {
      // Synchronously: no acknowledgement can arrive in between, so what is in flight is all that was fed.
      for (let fed = 0; fed < bytes; fed += chunk.length) {
        hash.update(chunk);
        local.update(chunk);
      }
    };
    const [a, b, c] = [pool.create(), pool.create(), pool.create()];
    const [la, lb, lc] = [createHash('sha256'), createHash('sha256'), createHash('sha256')];
    feed(a, la, 8 * MiB);
    assert.equal(a.ready(), undefined, 'a hash 8 MiB ahead may be fed more');
    feed(b, lb, 8 * MiB);
    assert.equal(b.ready(), undefined, 'two hashes 8 MiB ahead each: the thread is at its 16 MiB');
    feed(c, lc, MiB);
    const waiting = c.ready();
    assert.ok(waiting instanceof Promise, 'a third hash only 1 MiB ahead waits: the thread is over its budget');
    feed(a, la, 64 << 10);
    assert.ok(a.ready() instanceof Promise, 'a hash over its own 8 MiB waits');
    // The acks for a's and b's bytes must wake c (a missing wake-up would otherwise hang here).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      waiting,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('the waiting hash was never woken')), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));
    assert.equal(await a.digest(), la.digest('hex'));
    assert.equal(await b.digest(), lb.digest('hex'));
    assert.equal(await c.digest(), lc.digest('hex'));
    for (const h of [a, b, c]) h.dispose();
  } finally {
    await pool.close();
  }
});
