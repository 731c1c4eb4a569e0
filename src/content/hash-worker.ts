/**
 * The hashing thread. SHA-256 is the most expensive thing an upload does (about 2.7 s of CPU per GiB on a
 * CPU without SHA extensions), so it runs here, beside the event loop, instead of on it: the main thread
 * receives and writes while this thread hashes the same bytes. Messages are handled in order, so an
 * `update` always lands before the `digest` that follows it. See {@link ./hasher.ts} for the other side.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { HashReply, HashRequest } from './hasher.js';

const port = parentPort;
if (!port) throw new Error('hash-worker.js runs as a worker thread');
const hashes = new Map<number, Hash>();

function reply(message: HashReply): void {
  port?.postMessage(message);
}

port.on('message', (m: HashRequest) => {
  try {
    switch (m.op) {
      case 'open':
        hashes.set(m.id, createHash(m.algorithm));
        break;
      case 'update': {
        const hash = hashes.get(m.id);
        if (!hash) throw new Error(`no hash ${m.id}`);
        hash.update(new Uint8Array(m.data, 0, m.length));
        // The buffer goes back to its sender for the next batch: no garbage piles up on either side.
        port.postMessage({ op: 'ack', id: m.id, bytes: m.length, data: m.data } satisfies HashReply, [m.data]);
        break;
      }
      case 'digest': {
        const hash = hashes.get(m.id);
        if (!hash) throw new Error(`no hash ${m.id}`);
        reply({ op: 'digest', id: m.id, call: m.call, hex: hash.copy().digest('hex') });
        break;
      }
      case 'close':
        hashes.delete(m.id);
        break;
    }
  } catch (err) {
    reply({ op: 'error', id: m.id, message: (err as Error).message });
  }
});
