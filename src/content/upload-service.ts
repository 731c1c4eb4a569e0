/**
 * Blob uploads (distribution-spec § Pushing blobs). Bytes are staged under `_uploads/<id>/data`, hashed
 * while they stream in, verified against the client's digest, then moved into `blobs/` by rename and only
 * then recorded in the database: a blob is never visible before it is whole and verified.
 *
 * The upload's committed size lives in the database (shared by every instance). The running SHA-256 of a
 * chunked upload is kept in this process between PATCHes; Node cannot serialise a hash state, so when it is
 * missing (another instance took the previous chunk, or a restart) it is rebuilt by re-reading the staged
 * bytes. That is correct everywhere and fast in the common case of one client talking to one instance.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalLocks, type Locks } from '../cache/locks.js';
import type { RegistryStore, RepositoryRow } from '../db/registry-store.js';
import type { Digest, DigestAlgorithm } from '../oci/digest.js';
import type { StorageDriver } from '../storage/driver.js';
import { DigestMismatchError, RangeMismatchError, SizeMismatchError, UploadUnknownError } from './errors.js';
import type { HashPool, StreamHash } from './hasher.js';
import { HashingTransform } from './hashing.js';
import { KeyedMutex } from './keyed-mutex.js';
import { uploadDataPath, uploadDir } from './paths.js';
import { blobLockKey, publishBlob } from './publish.js';

export interface ChunkOptions {
  /** Where the client says the chunk starts (Content-Range); must equal the current size. */
  start?: number;
  /** How many bytes the client says it sends (Content-Length / Content-Range); checked after. */
  length?: number;
}

interface HashState {
  hash: StreamHash;
  size: number;
}

export class UploadService {
  private readonly hashes = new Map<string, HashState>();
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly driver: StorageDriver,
    private readonly store: RegistryStore,
    private readonly hashPool: HashPool,
    private readonly locks: Locks = new LocalLocks(),
  ) {}

  /** Opens a session; returns its id. */
  async start(repo: RepositoryRow, owner?: string): Promise<string> {
    const id = randomUUID();
    await this.store.uploads.create(id, repo.id, owner);
    return id;
  }

  /** Bytes received so far; throws {@link UploadUnknownError}. */
  async status(repo: RepositoryRow, id: string): Promise<number> {
    return (await this.session(repo, id)).size;
  }

  /** Appends one chunk (PATCH). Returns the new size. */
  append(repo: RepositoryRow, id: string, body: Readable, options: ChunkOptions = {}): Promise<number> {
    return this.mutex.run(id, async () => {
      const { size } = await this.session(repo, id);
      return (await this.write(id, size, body, options, false)).size;
    });
  }

  /** Finishes a session (PUT), with an optional last chunk; verifies and publishes the blob. */
  complete(repo: RepositoryRow, id: string, digest: Digest, body?: Readable, options: ChunkOptions = {}) {
    return this.mutex.run(id, async () => {
      let state = await this.stateFor(id, (await this.session(repo, id)).size);
      if (body) state = await this.write(id, state.size, body, options, true);
      else if (state.size > 0) await this.makeDurable(id, state.size);
      const actual = `${digest.algorithm}:${
        digest.algorithm === 'sha256'
          ? await state.hash.digest()
          : await this.rehashDigest(id, state.size, digest.algorithm)
      }`;
      if (actual !== digest.value) {
        await this.discard(id);
        throw new DigestMismatchError(digest.value, actual);
      }
      await publishBlob(this.locks, this.driver, uploadDataPath(id), digest, state.size, () =>
        this.store.commitBlob(repo.id, digest.value, state.size, id),
      );
      this.dropHash(id);
      await this.driver.delete(uploadDir(id));
      return state.size;
    });
  }

  /** Monolithic upload (POST ?digest= or single PUT): stream, verify, publish, link. */
  async putWhole(repo: RepositoryRow, digest: Digest, body: Readable, length?: number): Promise<number> {
    const id = `mono-${randomUUID()}`;
    const hash = this.hashPool.create(digest.algorithm);
    const hashing = new HashingTransform(hash);
    const writer = await this.driver.writer(uploadDataPath(id));
    try {
      await pipeline(body, hashing, writer.stream);
      if (length !== undefined && hashing.bytes !== length) {
        throw new SizeMismatchError(`received ${hashing.bytes} bytes, Content-Length said ${length}`);
      }
      const actual = `${digest.algorithm}:${await hash.digest()}`;
      if (actual !== digest.value) throw new DigestMismatchError(digest.value, actual);
      await writer.commit();
      await publishBlob(this.locks, this.driver, uploadDataPath(id), digest, hashing.bytes, () =>
        this.store.commitBlob(repo.id, digest.value, hashing.bytes),
      );
      return hashing.bytes;
    } catch (err) {
      await writer.cancel();
      throw err;
    } finally {
      hash.dispose();
      await this.driver.delete(uploadDir(id)).catch(() => undefined);
    }
  }

  /**
   * Cross-repository mount: links the blob `from` holds into `repo`; false when `from` does not hold it
   * (or garbage collection took it meanwhile), and the client then uploads it.
   */
  async mount(repo: RepositoryRow, from: RepositoryRow, digest: Digest): Promise<boolean> {
    return this.locks.run(blobLockKey(digest.value), async () => {
      const blob = await this.store.blobInRepository(from.id, digest.value);
      return blob !== undefined && (await this.store.linkBlob(repo.id, blob.id));
    });
  }

  /** Cancels a session (DELETE); throws {@link UploadUnknownError}. */
  cancel(repo: RepositoryRow, id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      await this.session(repo, id);
      await this.discard(id);
    });
  }

  /** Removes a session and its staged bytes (also used by the purge job). */
  async discard(id: string): Promise<void> {
    this.dropHash(id);
    await this.store.uploads.delete(id);
    await this.driver.delete(uploadDir(id));
  }

  private async session(repo: RepositoryRow, id: string): Promise<{ size: number }> {
    const upload = await this.store.uploads.get(id, repo.id);
    if (!upload) throw new UploadUnknownError(id);
    return upload;
  }

  /**
   * Writes a chunk at `size`; on any failure the committed size stays and the hash state is dropped.
   * Chunks are not fsynced one by one (`durable` false): the staged file is made durable once, when the
   * upload completes, before it is published.
   */
  private async write(
    id: string,
    size: number,
    body: Readable,
    options: ChunkOptions,
    durable: boolean,
  ): Promise<HashState> {
    if (options.start !== undefined && options.start !== size) throw new RangeMismatchError(size, options.start);
    const state = await this.stateFor(id, size);
    this.hashes.delete(id);
    try {
      const hashing = new HashingTransform(state.hash);
      const writer = await this.driver.writer(uploadDataPath(id), { offset: size, durable });
      await pipeline(body, hashing, writer.stream);
      if (options.length !== undefined && hashing.bytes !== options.length) {
        throw new SizeMismatchError(`received ${hashing.bytes} bytes, the request said ${options.length}`);
      }
      await writer.commit();
      const next = { hash: state.hash, size: size + hashing.bytes };
      await this.store.uploads.setSize(id, next.size);
      this.hashes.set(id, next);
      return next;
    } catch (err) {
      state.hash.dispose();
      throw err;
    }
  }

  /** fsyncs the staged bytes (a durable commit flushes the whole file, whoever wrote it). */
  private async makeDurable(id: string, size: number): Promise<void> {
    const writer = await this.driver.writer(uploadDataPath(id), { offset: size, durable: true });
    writer.stream.end();
    await writer.commit();
  }

  private async stateFor(id: string, size: number): Promise<HashState> {
    const cached = this.hashes.get(id);
    if (cached && cached.size === size) return cached;
    this.dropHash(id);
    const state = { hash: await this.rehash(id, size, 'sha256'), size };
    this.hashes.set(id, state);
    return state;
  }

  private dropHash(id: string): void {
    this.hashes.get(id)?.hash.dispose();
    this.hashes.delete(id);
  }

  /** Hashes the first `size` staged bytes from storage. */
  private async rehash(id: string, size: number, algorithm: DigestAlgorithm): Promise<StreamHash> {
    const hash = this.hashPool.create(algorithm);
    try {
      if (size > 0) {
        const reader = await this.driver.reader(uploadDataPath(id), { offset: 0, end: size - 1 });
        for await (const chunk of reader) {
          hash.update(chunk as Buffer);
          await hash.ready();
        }
      }
      return hash;
    } catch (err) {
      hash.dispose();
      throw err;
    }
  }

  private async rehashDigest(id: string, size: number, algorithm: DigestAlgorithm): Promise<string> {
    const hash = await this.rehash(id, size, algorithm);
    try {
      return await hash.digest();
    } finally {
      hash.dispose();
    }
  }
}
