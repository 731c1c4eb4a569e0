/** In-memory driver, for tests and throwaway instances. Files are Buffers in a Map. */
import { Readable, Writable } from 'node:stream';
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

interface Entry {
  data: Buffer;
  modifiedAt: Date;
}

export class InMemoryDriver implements StorageDriver {
  readonly name = 'inmemory';
  private readonly files = new Map<string, Entry>();

  async stat(path: string): Promise<FileInfo | undefined> {
    const e = this.files.get(checkPath(path));
    return e && { path, size: e.data.length, modifiedAt: e.modifiedAt };
  }

  async reader(path: string, options: ReadOptions = {}): Promise<Readable> {
    const e = this.get(path);
    const offset = options.offset ?? 0;
    if (offset < 0 || offset > e.data.length) throw new InvalidOffsetError(path, offset);
    const end = options.end === undefined ? e.data.length : Math.min(options.end + 1, e.data.length);
    return Readable.from([e.data.subarray(offset, end)]);
  }

  async writer(path: string, options: WriteOptions = {}): Promise<FileWriter> {
    checkPath(path);
    const offset = options.offset ?? 0;
    const existing = this.files.get(path);
    if (offset > 0 && !existing) throw new PathNotFoundError(path);
    if (existing && offset > existing.data.length) throw new InvalidOffsetError(path, offset);
    const chunks: Buffer[] = [existing ? existing.data.subarray(0, offset) : Buffer.alloc(0)];
    let size = offset;
    let done = false;
    const flush = () => this.files.set(path, { data: Buffer.concat(chunks), modifiedAt: new Date() });
    flush();
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(Buffer.from(chunk));
        size += chunk.length;
        flush();
        cb();
      },
    });
    return {
      stream,
      size: () => size,
      commit: async () => {
        done = true;
      },
      cancel: async () => {
        if (done) return;
        done = true;
        stream.destroy();
        this.files.delete(path);
      },
    };
  }

  async getContent(path: string): Promise<Buffer> {
    return Buffer.from(this.get(path).data);
  }

  async putContent(path: string, content: Uint8Array): Promise<void> {
    this.files.set(checkPath(path), { data: Buffer.from(content), modifiedAt: new Date() });
  }

  async move(from: string, to: string): Promise<void> {
    const e = this.get(from);
    this.files.set(checkPath(to), e);
    this.files.delete(from);
  }

  async delete(path: string): Promise<boolean> {
    checkPath(path);
    let found = this.files.delete(path);
    for (const key of [...this.files.keys()]) {
      if (key.startsWith(`${path}/`)) found = this.files.delete(key) || found;
    }
    return found;
  }

  async list(path: string): Promise<string[]> {
    checkPath(path);
    const children = new Set<string>();
    for (const key of this.files.keys()) {
      if (!key.startsWith(`${path}/`)) continue;
      children.add(`${path}/${key.slice(path.length + 1).split('/')[0]}`);
    }
    return [...children].sort();
  }

  private get(path: string): Entry {
    const e = this.files.get(checkPath(path));
    if (!e) throw new PathNotFoundError(path);
    return e;
  }
}
