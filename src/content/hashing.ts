/** Streams that hash what flows through them. */
import type { Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged, feeding `hash` and counting them. */
export class HashingTransform extends Transform {
  bytes = 0;

  constructor(private readonly hash: Hash) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}
