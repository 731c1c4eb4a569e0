/**
 * The bench's stand-in for the link to Docker Hub: an HTTP relay in front of the upstream docker-registry
 * that counts blob GETs per digest (what "one upstream GET per blob" is measured on) and paces every
 * response body to a fixed rate, as a real link would: without it, loopback makes the upstream infinitely
 * fast, and a pull-through cache could only ever look slower than going direct.
 *
 * It runs in a process of its own (`relay-main.ts`): inside the bench's process its pacing timers shared an
 * event loop with the bench (20 clients' bookkeeping, a 1 GiB test buffer), and the link slowed down exactly
 * when a herd of pulls was being timed. Counts are read and reset over two paths under `/__relay/`.
 */
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Relay {
  url: string;
  /** GETs per blob digest since the last reset, and when the last blob body ended (ms since the epoch). */
  counts(): Promise<{ blobGets: Map<string, number>; lastBlobEnd: number }>;
  resetCounts(): Promise<void>;
  close(): Promise<void>;
}

/** The relay itself, listening on an ephemeral loopback port (run by relay-main.ts). */
export async function serveRelay(target: string, bytesPerSecond: number): Promise<Server> {
  const to = new URL(target);
  const blobGets = new Map<string, number>();
  let lastBlobEnd = 0;
  const server = createServer((req, res) => {
    if (req.url === '/__relay/counts') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ blobGets: Object.fromEntries(blobGets), lastBlobEnd }));
      return;
    }
    if (req.url === '/__relay/reset') {
      blobGets.clear();
      res.writeHead(204).end();
      return;
    }
    const m = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec((req.url ?? '').split('?')[0] as string);
    if (m && req.method === 'GET') blobGets.set(m[1] as string, (blobGets.get(m[1] as string) ?? 0) + 1);
    const up = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        void (async () => {
          const start = performance.now();
          let sent = 0;
          for await (const chunk of r as AsyncIterable<Buffer>) {
            if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
            sent += chunk.length;
            const ahead = (sent / bytesPerSecond) * 1000 - (performance.now() - start);
            if (ahead > 1) await new Promise((resolve) => setTimeout(resolve, ahead));
          }
          res.end();
          if (m) lastBlobEnd = Date.now();
        })().catch(() => res.destroy());
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Starts the relay in its own process; resolves once it listens. */
export async function startRelay(target: string, bytesPerSecond: number): Promise<Relay> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'relay-main.js'), target, String(bytesPerSecond)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the relay exited (${code}) before it listened`)));
  });
  const url = firstLine.trim();
  return {
    url,
    async counts() {
      const body = (await (await fetch(`${url}/__relay/counts`)).json()) as {
        blobGets: Record<string, number>;
        lastBlobEnd: number;
      };
      return { blobGets: new Map(Object.entries(body.blobGets)), lastBlobEnd: body.lastBlobEnd };
    },
    async resetCounts() {
      await fetch(`${url}/__relay/reset`, { method: 'POST' });
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The URL a relay server listens on. */
export function relayUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
