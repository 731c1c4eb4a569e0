/**
 * The conformance suite every storage driver must pass (as Distribution's storage/driver/testsuites).
 * A driver test file calls `driverSuite(name, factory)`; the factory returns a fresh, empty driver.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import {
  InvalidOffsetError,
  InvalidPathError,
  PathNotFoundError,
  type StorageDriver,
} from '../../src/storage/driver.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function write(driver: StorageDriver, path: string, data: Buffer, offset?: number): Promise<void> {
  const w = await driver.writer(path, { offset });
  await pipeline(Readable.from([data]), w.stream);
  await w.commit();
}

export function driverSuite(name: string, create: () => Promise<StorageDriver>): void {
  describe(`storage driver conformance: ${name}`, () => {
    test('putContent then getContent and stat round-trip the bytes', async () => {
      const d = await create();
      const data = randomBytes(4096);
      await d.putContent('a/b/c', data);
      assert.deepEqual(await d.getContent('a/b/c'), data);
      const info = await d.stat('a/b/c');
      assert.equal(info?.size, 4096);
      assert.ok(info?.modifiedAt instanceof Date);
    });

    test('putContent replaces whole content', async () => {
      const d = await create();
      await d.putContent('f', Buffer.from('a much longer first version'));
      await d.putContent('f', Buffer.from('short'));
      assert.equal((await d.getContent('f')).toString(), 'short');
    });

    test('missing paths: stat undefined, reader/getContent/move throw PathNotFoundError, delete false', async () => {
      const d = await create();
      assert.equal(await d.stat('nope'), undefined);
      await assert.rejects(d.reader('nope'), PathNotFoundError);
      await assert.rejects(d.getContent('nope'), PathNotFoundError);
      await assert.rejects(d.move('nope', 'other'), PathNotFoundError);
      assert.equal(await d.delete('nope'), false);
    });

    test('invalid paths are refused', async () => {
      const d = await create();
      for (const p of ['', '/abs', 'a//b', '../x', 'a/../b', 'a/./b', 'trailing/', 'sp ace']) {
        await assert.rejects(d.putContent(p, Buffer.from('x')), InvalidPathError, p);
      }
    });

    test('reader honours offset and inclusive end', async () => {
      const d = await create();
      const data = randomBytes(10_000);
      await d.putContent('r', data);
      assert.deepEqual(await readAll(await d.reader('r', { offset: 1234 })), data.subarray(1234));
      assert.deepEqual(await readAll(await d.reader('r', { offset: 10, end: 19 })), data.subarray(10, 20));
      assert.deepEqual(await readAll(await d.reader('r', { offset: 10_000 })), Buffer.alloc(0));
      await assert.rejects(d.reader('r', { offset: 10_001 }), InvalidOffsetError);
    });

    test('writer streams a large file; commit makes it readable', async () => {
      const d = await create();
      const parts = Array.from({ length: 8 }, () => randomBytes(1 << 20));
      const w = await d.writer('big/data');
      await pipeline(Readable.from(parts), w.stream);
      assert.equal(w.size(), 8 << 20);
      await w.commit();
      assert.equal((await d.stat('big/data'))?.size, 8 << 20);
      assert.deepEqual(await readAll(await d.reader('big/data')), Buffer.concat(parts));
    });

    test('writer resumes at an offset, discarding bytes after it', async () => {
      const d = await create();
      await write(d, 'u', Buffer.from('0123456789'));
      await write(d, 'u', Buffer.from('abc'), 4);
      assert.equal((await d.getContent('u')).toString(), '0123abc');
      await assert.rejects(d.writer('u', { offset: 100 }), InvalidOffsetError);
      await assert.rejects(d.writer('absent', { offset: 1 }), PathNotFoundError);
    });

    test('cancel removes what was written', async () => {
      const d = await create();
      const w = await d.writer('c/data');
      await new Promise<void>((resolve) => w.stream.write(Buffer.from('partial'), () => resolve()));
      await w.cancel();
      await w.cancel();
      assert.equal(await d.stat('c/data'), undefined);
    });

    test('move is a rename that replaces the target', async () => {
      const d = await create();
      await d.putContent('src/x', Buffer.from('new'));
      await d.putContent('dst/y/x', Buffer.from('old'));
      await d.move('src/x', 'dst/y/x');
      assert.equal(await d.stat('src/x'), undefined);
      assert.equal((await d.getContent('dst/y/x')).toString(), 'new');
    });

    test('list gives sorted immediate children; delete removes a whole tree', async () => {
      const d = await create();
      await d.putContent('t/b/1', Buffer.from('1'));
      await d.putContent('t/a', Buffer.from('2'));
      await d.putContent('t/b/2', Buffer.from('3'));
      assert.deepEqual(await d.list('t'), ['t/a', 't/b']);
      assert.deepEqual(await d.list('t/b'), ['t/b/1', 't/b/2']);
      assert.deepEqual(await d.list('none'), []);
      assert.equal(await d.delete('t/b'), true);
      assert.deepEqual(await d.list('t'), ['t/a']);
      assert.equal(await d.stat('t/b/1'), undefined);
    });

    test('concurrent writers to different paths do not interfere', async () => {
      const d = await create();
      const blobs = Array.from({ length: 10 }, () => randomBytes(64 * 1024));
      await Promise.all(blobs.map((b, i) => write(d, `p/${i}`, b)));
      for (const [i, b] of blobs.entries()) assert.deepEqual(await d.getContent(`p/${i}`), b);
    });

    test('sendTo, when offered, writes exactly the range and waits for the destination', async (t) => {
      const d = await create();
      if (!d.sendTo) return t.skip(`${name} has no sendTo; reader() serves downloads`);
      const data = randomBytes(3 * 1024 * 1024 + 123);
      await d.putContent('s/data', data);
      const collect = async (offset: number, end?: number) => {
        const chunks: Buffer[] = [];
        const sink = new Writable({
          highWaterMark: 1024,
          write(chunk, _e, cb) {
            chunks.push(Buffer.from(chunk));
            setTimeout(cb, 1); // a slow consumer: buffers must not be reused before it took them
          },
        });
        await d.sendTo!('s/data', sink, { offset, end });
        return Buffer.concat(chunks);
      };
      assert.deepEqual(await collect(0), data);
      assert.deepEqual(await collect(1_000_000, 2_500_000), data.subarray(1_000_000, 2_500_001));
      await assert.rejects(d.sendTo('absent', new PassThrough()), PathNotFoundError);
      const dead = new Writable({ write: (_c, _e, cb) => cb() });
      dead.destroy();
      await assert.rejects(d.sendTo('s/data', dead));
    });

    test('openSource, when offered, follows a growing file through one handle, across a move', async (t) => {
      const d = await create();
      if (!d.openSource) return t.skip(`${name} has no openSource`);
      const first = randomBytes(1024 * 1024 + 17);
      const second = randomBytes(2 * 1024 * 1024 + 5);
      await write(d, 'g/data', first);
      const chunks: Buffer[] = [];
      const sink = new Writable({
        highWaterMark: 1024,
        write(chunk, _e, cb) {
          chunks.push(Buffer.from(chunk));
          setTimeout(cb, 1); // slow: the source's buffers must not be reused before the sink took them
        },
      });
      const source = await d.openSource('g/data');
      await source.send(sink, 0, 99);
      await source.send(sink, 100, first.length - 1);
      // The file grows (a cache fill appending), then is published by a move; the open source reads on.
      await write(d, 'g/data', second, first.length);
      await d.move('g/data', 'h/data');
      await source.send(sink, first.length, first.length + second.length - 1);
      await source.close();
      await source.close();
      assert.deepEqual(Buffer.concat(chunks), Buffer.concat([first, second]));
      assert.ok(sink.listenerCount('close') <= 1, 'no close listener left behind per range');
      await assert.rejects(d.openSource('g/data'), PathNotFoundError);
    });

    test('empty files are files', async () => {
      const d = await create();
      await d.putContent('empty', Buffer.alloc(0));
      assert.equal((await d.stat('empty'))?.size, 0);
      assert.deepEqual(await readAll(await d.reader('empty')), Buffer.alloc(0));
    });
  });
}
