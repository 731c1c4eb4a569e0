/** skopeo as the benchmark runs it: copies between an OCI layout on disk and a registry, timed. */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layout } from './data.js';
import { prefaultMemory, sync } from './machine.js';
import type { RegistryServer } from './servers.js';
import { run } from './util.js';

const SKOPEO_TIMEOUT = 20 * 60_000;
const sec = (ms: number) => ms / 1000;

export async function skopeo(args: string[]): Promise<number> {
  const r = await run('skopeo', args, { timeoutMs: SKOPEO_TIMEOUT });
  if (r.code !== 0) {
    throw new Error(
      `skopeo ${args.join(' ')}: ${r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`}\n${r.stderr.slice(-4000)}`,
    );
  }
  return r.ms;
}

export async function skopeoPush(server: RegistryServer, layout: Layout, name: string): Promise<number> {
  await sync();
  return sec(
    await skopeo([
      'copy',
      '-q',
      '--preserve-digests',
      '--dest-tls-verify=false',
      ...server.skopeoCreds('dest'),
      `oci:${layout.dir}:${layout.tag}`,
      `docker://${server.host}/${name}:${layout.tag}`,
    ]),
  );
}

/**
 * Pulls `name` into an empty OCI layout at `into`, checks every layer arrived whole, removes it; seconds.
 * `sync` and `prefaultMemory` first unless told not to (concurrent pulls do that once, before all of them).
 */
export async function skopeoPull(
  server: RegistryServer,
  layout: Layout,
  name: string,
  into: string,
  options: { sync?: boolean } = {},
): Promise<number> {
  await rm(into, { recursive: true, force: true });
  if (options.sync ?? true) {
    await sync();
    // The pull writes the image into the page cache: let it find warm memory (see prefaultMemory).
    await prefaultMemory(layout.layers.reduce((sum, l) => sum + l.size, 0) * 1.25 + (64 << 20));
  }
  try {
    const ms = await skopeo([
      'copy',
      '-q',
      '--preserve-digests',
      '--src-tls-verify=false',
      ...server.skopeoCreds('src'),
      `docker://${server.host}/${name}:${layout.tag}`,
      `oci:${into}:${layout.tag}`,
    ]);
    for (const l of layout.layers) {
      const s = await stat(join(into, 'blobs', 'sha256', l.digest.slice('sha256:'.length))).catch(() => undefined);
      if (s?.size !== l.size)
        throw new Error(`skopeo pull from ${server.label}: layer ${l.digest} missing or wrong size in ${into}`);
    }
    return sec(ms);
  } finally {
    await rm(into, { recursive: true, force: true });
  }
}
