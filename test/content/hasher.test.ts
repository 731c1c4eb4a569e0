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
