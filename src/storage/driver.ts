/**
 * The blob-storage seam. A driver stores opaque byte files under slash-separated relative paths and knows
 * nothing of registries; `content/` builds content-addressed storage and upload staging on top of it.
 *
 * Every driver passes the one conformance suite in `test/storage/driver.suite.ts`.
 */
import type { Readable, Writable } from 'node:stream';

export interface FileInfo {
  path: string;
  size: number;
  modifiedAt: Date;
}

/** An open file being written. Bytes go to `stream`; nothing is final until `commit()`. */
export interface FileWriter {
  /** Where bytes are written (pipe into it). Ends when the source ends, as usual for pipelines. */
  readonly stream: Writable;
  /** Bytes in the file so far: the starting offset plus everything written. */
  size(): number;
  /**
   * Closes the write. With `durable` (the default) everything in the file, including bytes written by
   * earlier writers, is made durable (fsync or equivalent). Call after `stream` finished.
   */
  commit(): Promise<void>;
  /** Abandons the write and removes the file. Safe to call at any time, and more than once. */
  cancel(): Promise<void>;
}

export interface ReadOptions {
  /** First byte to read (default 0). An offset past the end throws {@link InvalidOffsetError}. */
  offset?: number;
  /** Last byte to read, inclusive (default: the end of the file). */
  end?: number;
}

export interface WriteOptions {
  /**
   * Byte offset to resume at: bytes before it are kept, anything after it is discarded (default 0, a new
   * file). Must not exceed the current size.
   */
  offset?: number;
  /**
   * Whether `commit` must make the file durable (default true). An upload chunk skips it: bytes of a
   * session only need to be durable when the blob is published, and the digest check catches a torn file.
   */
  durable?: boolean;
}

/**
 * A file held open for sending ranges again and again: one descriptor and one pair of buffers for all of
 * them. A dependency-proxy reader following a file that grows (a cache fill in progress) sends each new
 * range through one, instead of opening the file for every step. Bytes already sent stay readable even
 * if the file is moved or deleted meanwhile (POSIX keeps an open file alive).
 */
export interface FileSource {
  /** Writes bytes [start, end] of the file as it is now into `destination` (not ended), as sendTo does. */
  send(destination: Writable, start: number, end: number): Promise<void>;
  /** Releases the file. Idempotent. */
  close(): Promise<void>;
}

export interface StorageDriver {
  readonly name: string;
  /** Size and modification time, or undefined when nothing is stored at `path`. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** A stream of the file's bytes; throws {@link PathNotFoundError} when absent. */
  reader(path: string, options?: ReadOptions): Promise<Readable>;
  /**
   * Optional fast path for downloads: writes the file's bytes (the `options` range) into `destination`,
   * waiting for each write to drain, and resolves when all were handed over. A driver offers it when it
   * can do better than `reader()` piped into the destination (the filesystem driver reuses two buffers,
   * so serving a layer allocates nothing per chunk). Does not end `destination`.
   */
  sendTo?(path: string, destination: Writable, options?: ReadOptions): Promise<void>;
  /** Optional, with sendTo: opens `path` for repeated range sends ({@link FileSource}); throws {@link PathNotFoundError}. */
  openSource?(path: string): Promise<FileSource>;
  /** Opens `path` for writing; see {@link WriteOptions} for resuming. */
  writer(path: string, options?: WriteOptions): Promise<FileWriter>;
  /** Reads a small file whole. */
  getContent(path: string): Promise<Buffer>;
  /** Writes a small file whole, atomically: readers see the old or the new content, never a mix. */
  putContent(path: string, content: Uint8Array): Promise<void>;
  /** Moves `from` to `to` atomically, replacing `to` if present; throws {@link PathNotFoundError}. */
  move(from: string, to: string): Promise<void>;
  /** Deletes a file, or a directory and everything under it; returns false when nothing was there. */
  delete(path: string): Promise<boolean>;
  /** The immediate children of a directory, as full paths, sorted; [] when it does not exist. */
  list(path: string): Promise<string[]>;
  /**
   * A URL the client may fetch the file from directly (a presigned object-store URL), or undefined when
   * the driver serves bytes itself. Optional: the filesystem driver has none.
   */
  redirectURL?(path: string, method: 'GET' | 'HEAD'): Promise<string | undefined>;
  /** Releases resources. */
  close?(): Promise<void>;
}

export class PathNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`path not found: ${path}`);
  }
}

export class InvalidPathError extends Error {
  constructor(readonly path: string) {
    super(`invalid storage path: ${JSON.stringify(path)}`);
  }
}

export class InvalidOffsetError extends Error {
  constructor(
    readonly path: string,
    readonly offset: number,
  ) {
    super(`invalid offset ${offset} for ${path}`);
  }
}

const PATH = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/** Throws {@link InvalidPathError} unless `path` is relative, has no empty, "." or ".." segments. */
export function checkPath(path: string): string {
  if (!PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) throw new InvalidPathError(path);
  return path;
}
