/** Streams that hash what flows through them. */
import { Transform, type TransformCallback } from 'node:stream';
import type { StreamHash } from './hasher.js';

/**
 * Passes bytes through unchanged, feeding `hash` (inline or on a hashing thread) and counting them. When
 * a hashing thread falls behind, this stream stops taking input until it catches up.
 */
export class HashingTransform extends Transform {
  bytes = 0;

  constructor(private readonly hash: StreamHash) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.hash.update(chunk);
    } catch (err) {
      callback(err as Error);
      return;
    }
    this.bytes += chunk.length;
    this.push(chunk);
    const wait = this.hash.ready();
    if (wait) wait.then(() => callback(), callback);
    else callback();
  }
}
