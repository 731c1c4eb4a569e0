/**
 * The native download loop: a file range copied into an HTTP response's socket by native/send.c, on a
 * thread of its own that reads and sends each 512 KiB chunk, as Go's net/http does in one goroutine. The
 * JavaScript loop (`sendRange` in driver.ts) reads on libuv's pool and writes on the event loop, so each
 * chunk crosses threads between its read and its write: ~1.5× the CPU per byte served, and downloads
 * hold pool threads that uploads need. The addon is built at install by scripts/build-native.mjs (Linux,
 * with a C compiler); without it, or where a response cannot take it (TLS, a pipelined response still
 * waiting its turn), the JavaScript loop serves: this is an optimisation, never a requirement.
 */

import { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';

interface NativeSend {
  start(
    socketFd: number,
    fileFd: number,
    offset: number,
    length: number,
    done: (errno: number, sent: number) => void,
  ): object;
  cancel(job: object): void;
}

/** Where scripts/build-native.mjs writes the addon, seen from dist/src/storage/filesystem/ (this file, compiled). */
const ADDON = new URL('../../../../native/build/send.node', import.meta.url);
/** Each native send holds a thread until its client has the bytes: past this many, sends use the JavaScript loop. */
const MAX_IN_FLIGHT = 64;
/** native/send.c: the file ended before the range did. */
const ERR_FILE_ENDED = -1;
const ECANCELED = 125;

let addon: NativeSend | null | undefined;
let inFlight = 0;

/** The addon, loaded once; undefined when it was not built (or cannot load here). */
export function nativeSend(): NativeSend | undefined {
  if (addon === undefined) {
    try {
      addon =
        process.platform === 'linux' ? (createRequire(import.meta.url)(fileURLToPath(ADDON)) as NativeSend) : null;
    } catch {
      addon = null;
    }
  }
  return addon ?? undefined;
}

/**
 * A plain TCP socket whose current message is `destination` (a pipelined response queued behind another
 * must go through Node's queue), and its descriptor; else undefined. Not for a chunked response (no
 * Content-Length): its body must be framed, which only Node's writes do.
 */
function directSocket(destination: Writable): { res: ServerResponse; socket: Socket; fd: number } | undefined {
  if (!(destination instanceof ServerResponse) || destination.chunkedEncoding) return undefined;
  const socket = destination.socket as (Socket & { _httpMessage?: unknown; _handle?: { fd?: number } }) | null;
  if (!socket || socket instanceof TLSSocket || socket.destroyed || socket._httpMessage !== destination)
    return undefined;
  const fd = socket._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? { res: destination, socket, fd } : undefined;
}

/**
 * Sends bytes [start, end] of the open file `fileFd` into `destination`'s socket, after everything already
 * written to the response (its headers). Resolves true once the kernel has taken every byte; false, having
 * written none of the body, when this destination cannot take a native send (the caller uses its own loop). Rejects
 * when the send fails part way: the client went away, or the file is shorter than `end`.
 */
export async function nativeSendRange(
  destination: Writable,
  fileFd: number,
  start: number,
  end: number,
): Promise<boolean> {
  const native = nativeSend();
  if (!native || inFlight >= MAX_IN_FLIGHT) return false;
  const target = directSocket(destination);
  if (!target) return false;
  const { res, socket, fd } = target;
  inFlight++;
  try {
    // The headers must be in the kernel before the first byte of the body: a write's callback says so.
    // (Writing them also settles the framing: a response whose headers were implicit may turn out chunked.)
    await new Promise<void>((resolve, reject) => res.write('', (err) => (err ? reject(err) : resolve())));
    if (socket.destroyed || socket.writableLength > 0) throw new Error('destination closed before the file was sent');
    if (directSocket(destination)?.fd !== fd) return false;
    let job: object | undefined;
    const sending = new Promise<void>((resolve, reject) => {
      const onClose = () => job && native.cancel(job);
      try {
        job = native.start(fd, fileFd, start, end - start + 1, (errno, sent) => {
          socket.removeListener('close', onClose);
          if (errno === 0) resolve();
          else if (errno === ERR_FILE_ENDED) reject(new Error(`file ended at ${start + sent}, before byte ${end}`));
          else if (errno === ECANCELED) reject(new Error('destination closed before the file was sent'));
          else reject(Object.assign(new Error(`native send failed after ${sent} bytes (errno ${errno})`), { errno }));
        });
      } catch {
        // No thread or descriptor to spare (nothing was sent): the caller's own loop serves this one.
        return resolve();
      }
      socket.once('close', onClose);
    });
    await sending;
    return job !== undefined;
  } finally {
    inFlight--;
  }
}
