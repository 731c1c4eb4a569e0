/**
 * Filesystem driver: files under a root directory. `putContent` and `move` use rename(2), which is atomic
 * within one filesystem; `commit` fsyncs the file so a committed blob survives a crash.
 */

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Counter } from '../../observability/metrics.js';
import {
  checkPath,
  type FileInfo,
  type FileWriter,
  InvalidOffsetError,
  PathNotFoundError,
  type ReadOptions,
  type StorageDriver,
  type WriteOptions,
} from '../driver.js';
import { nativeSendRange } from './native-send.js';

export class FilesystemDriver implements StorageDriver {
  readonly name = 'filesystem';

  private readonly nativeSend: boolean;
  /** Ranges sent by sendTo (blob downloads), by the loop that sent them; on /metrics. */
  readonly sends = new Counter<'native' | 'javascript'>(
    'berth_blob_sends_total',
    'Blob downloads (or ranges) sent from the filesystem, by the loop that sent them: native (native/send.c) or javascript.',
    'loop',
  );

  /** `nativeSend` (default true): sendTo an HTTP response through the native send loop when the addon is built. */
  constructor(
    readonly root: string,
    options: { nativeSend?: boolean } = {},
  ) {
    this.nativeSend = options.nativeSend ?? true;
  }

  private full(path: string): string {
    return join(this.root, checkPath(path));
  }

  async stat(path: string): Promise<FileInfo | undefined> {
    try {
      const s = await fs.stat(this.full(path));
      return s.isFile() ? { path, size: s.size, modifiedAt: s.mtime } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async reader(path: string, options: ReadOptions = {}): Promise<Readable> {
    const offset = options.offset ?? 0;
    const handle = await fs.open(this.full(path), 'r').catch((err) => {
      throw isNotFound(err) ? new PathNotFoundError(path) : err;
    });
    const { size } = await handle.stat();
    if (offset < 0 || offset > size) {
      await handle.close();
      throw new InvalidOffsetError(path, offset);
    }
    // 2 MiB reads: layer downloads run ~25 % faster than with 64 KiB, and a slow client still holds
    // at most one such buffer (the pipeline to the socket applies backpressure).
    return createReadStream('', { fd: handle, start: offset, end: options.end, highWaterMark: 2 << 20 });
  }

  async sendTo(path: string, destination: Writable, options: ReadOptions = {}): Promise<void> {
    const source = await this.openSource(path);
    try {
      const { size } = await source.handle.stat();
      const offset = options.offset ?? 0;
      if (offset < 0 || offset > size) throw new InvalidOffsetError(path, offset);
      const end = Math.min(options.end ?? size - 1, size - 1);
      if (this.nativeSend && end >= offset && (await nativeSendRange(destination, source.handle.fd, offset, end))) {
        this.sends.inc('native');
        return;
      }
      await source.send(destination, offset, end);
      this.sends.inc('javascript');
    } finally {
      await source.close();
    }
  }

  async openSource(path: string): Promise<FsFileSource> {
    const handle = await fs.open(this.full(path), 'r').catch((err) => {
      throw isNotFound(err) ? new PathNotFoundError(path) : err;
    });
    return new FsFileSource(handle);
  }

  async writer(path: string, options: WriteOptions = {}): Promise<FileWriter> {
    const file = this.full(path);
    const offset = options.offset ?? 0;
    await fs.mkdir(dirname(file), { recursive: true });
    if (offset > 0) {
      const size = await fs.stat(file).then(
        (s) => s.size,
        (err) => {
          throw isNotFound(err) ? new PathNotFoundError(path) : err;
        },
      );
      if (offset > size) throw new InvalidOffsetError(path, offset);
      await fs.truncate(file, offset);
    }
    return new FsFileWriter(file, offset, options.durable ?? true);
  }

  async getContent(path: string): Promise<Buffer> {
    return fs.readFile(this.full(path)).catch((err) => {
      throw isNotFound(err) ? new PathNotFoundError(path) : err;
    });
  }

  async putContent(path: string, content: Uint8Array): Promise<void> {
    const file = this.full(path);
    await fs.mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, content, { flush: true });
    await fs.rename(tmp, file);
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.full(to);
    await fs.mkdir(dirname(target), { recursive: true });
    await fs.rename(this.full(from), target).catch((err) => {
      throw isNotFound(err) ? new PathNotFoundError(from) : err;
    });
  }

  async delete(path: string): Promise<boolean> {
    const file = this.full(path);
    try {
      await fs.lstat(file);
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    await fs.rm(file, { recursive: true, force: true });
    return true;
  }

  async list(path: string): Promise<string[]> {
    try {
      const names = await fs.readdir(this.full(path));
      return names
        .filter((n) => !n.endsWith('.tmp'))
        .sort()
        .map((n) => `${path}/${n}`);
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw err;
    }
  }
}

/**
 * Bytes written between two early-writeback requests on one file. 8 MiB rather than 32: a 30 MiB layer
 * (typical) then starts going to disk while it is still arriving, and the fsync at its PUT drops from
 * ~15 ms to ~2 ms (measured with skopeo pushes of 3×30 MiB; 1 GiB uploads end no later either).
 */
const WRITEBACK_EVERY = 8 << 20;

/**
 * Early writeback: asks the kernel to start writing `file`'s dirty pages now, in the background, through
 * a descriptor of its own. The final fsync of an upload then has little left to do, so disk writes
 * overlap with receiving the rest instead of all coming after it. Durability still comes only from the
 * fsync in `commit`; this only moves work earlier. At most one request per file runs at a time, and one
 * more is remembered while it does.
 */
const writebacks = new Map<string, { again: boolean }>();

function startWriteback(file: string): void {
  const running = writebacks.get(file);
  if (running) {
    running.again = true;
    return;
  }
  const state = { again: false };
  writebacks.set(file, state);
  void (async () => {
    try {
      do {
        state.again = false;
        const handle = await fs.open(file, 'r');
        try {
          await handle.datasync();
        } finally {
          await handle.close();
        }
      } while (state.again);
    } catch {
      // Only an optimisation: the file may have been moved or removed meanwhile; commit's fsync decides.
    } finally {
      writebacks.delete(file);
    }
  })();
}

class FsFileWriter implements FileWriter {
  readonly stream: WriteStream;
  private readonly closed: Promise<void>;
  private nextWriteback = WRITEBACK_EVERY;

  constructor(
    private readonly file: string,
    private readonly offset: number,
    private readonly durable: boolean,
  ) {
    // flush: fsync before the descriptor closes, so a committed file survives a power loss.
    this.stream = createWriteStream(file, {
      flags: offset === 0 ? 'w' : 'r+',
      start: offset,
      flush: durable,
      highWaterMark: 1 << 20,
    });
    this.closed = new Promise((resolve) => this.stream.once('close', () => resolve()));
    // Every completed write (single or vectored) checks whether another 32 MiB went to the kernel.
    const afterWrite = (callback: (err?: Error | null) => void) => (err?: Error | null) => {
      if (!err && this.stream.bytesWritten >= this.nextWriteback) {
        this.nextWriteback = this.stream.bytesWritten + WRITEBACK_EVERY;
        startWriteback(file);
      }
      callback(err);
    };
    const write = this.stream._write.bind(this.stream);
    this.stream._write = (chunk, encoding, callback) => write(chunk, encoding, afterWrite(callback));
    const writev = this.stream._writev?.bind(this.stream);
    if (writev) this.stream._writev = (chunks, callback) => writev(chunks, afterWrite(callback));
  }

  size(): number {
    return this.offset + this.stream.bytesWritten;
  }

  async commit(): Promise<void> {
    if (!this.stream.writableFinished)
      await new Promise<void>((resolve, reject) =>
        this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    await this.closed;
    // A chunk that is not fsynced now will be at publication: start writing it back meanwhile.
    if (!this.durable && this.stream.bytesWritten > 0) startWriteback(this.file);
  }

  async cancel(): Promise<void> {
    // Writes still queued fail once the stream is destroyed; nobody waits for them any more.
    this.stream.on('error', () => undefined);
    this.stream.destroy();
    await this.closed;
    await fs.rm(this.file, { force: true });
  }
}

const SEND_CHUNK = 1 << 20;

/**
 * An open file and the two buffers its ranges are copied through, sized to the largest range asked for
 * so far (up to 1 MiB): a 4 KiB config costs 8 KiB of buffers, not 2 MiB, and a reader following a
 * growing file reuses the same pair for every step.
 */
class FsFileSource {
  private buffers: [Buffer, Buffer] | undefined;
  private closed = false;

  constructor(readonly handle: fs.FileHandle) {}

  async send(destination: Writable, start: number, end: number): Promise<void> {
    if (end < start) return;
    const want = Math.min(SEND_CHUNK, end - start + 1);
    if (!this.buffers || this.buffers[0].length < want)
      this.buffers = [Buffer.allocUnsafe(want), Buffer.allocUnsafe(want)];
    await sendRange(this.handle, this.buffers, destination, start, end);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffers = undefined;
    await this.handle.close();
  }
}

/**
 * Double-buffered copy from a file into a writable: read into one buffer while the other is being
 * written; a buffer is reused only after its write callback says the destination has taken it.
 */
async function sendRange(
  handle: fs.FileHandle,
  buffers: [Buffer, Buffer],
  destination: Writable,
  start: number,
  end: number,
): Promise<void> {
  const size = buffers[0].length;
  const inFlight: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  let onClose: (() => void) | undefined;
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error('destination closed before the file was sent'));
    if (destination.destroyed) onClose();
    destination.once('close', onClose);
  });
  closed.catch(() => undefined);
  try {
    let position = start;
    let i = 0;
    while (position <= end) {
      await Promise.race([inFlight[i], closed]);
      const buffer = buffers[i] as Buffer;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(size, end - position + 1), position);
      if (bytesRead === 0) throw new Error(`file ended at ${position}, before byte ${end}`);
      const chunk = buffer.subarray(0, bytesRead);
      inFlight[i] = new Promise<void>((resolve, reject) =>
        destination.write(chunk, (err) => (err ? reject(err) : resolve())),
      );
      inFlight[i]!.catch(() => undefined);
      position += bytesRead;
      i ^= 1;
    }
    await Promise.race([Promise.all(inFlight), closed]);
  } finally {
    // A source sends many ranges to one destination: leave no listener behind per range.
    if (onClose) destination.removeListener('close', onClose);
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
