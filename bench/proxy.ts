/**
 * The dependency proxy, measured: an upstream docker-registry (standing in for Docker Hub) behind a counting
 * relay, berth's proxy and docker-registry's own proxy mode both pointed at that relay, and skopeo pulling
 * a 3-layer image through each:
 * - cold pull through the proxy vs the same pull straight from the upstream, best of three images (target ≤ 1.15×);
 * - warm pull through the proxy vs a pull of the same image pushed to a project of the same berth, the two
 *   alternating in ABBA order and judged on the pairs, as the project pulls are against docker-registry
 *   (target ≤ 1.0×, see `pairedSummary`);
 * - 20 concurrent cold pulls by clients that cost little (curl into /dev/null): wall time vs one such cold
 *   pull (target ≤ 1.3×): what the proxy does when a herd arrives. Where the machine cannot move 20 pulls'
 *   bytes that fast at all (the same 20 served warm, from cache, take longer than one cold pull: on a
 *   2-core VM without fast copies, 1.8 GiB through loopback takes ~1.3 s whatever serves it), the baseline
 *   is that warm herd instead: the target is then what the herd adds over serving it from cache;
 * - 20 concurrent cold pulls by skopeo, vs one cold skopeo pull and vs the same 20 once warm (informative:
 *   20 skopeo processes hashing, writing and fsyncing 90 MiB each take ~4 s of this 2-core machine whatever
 *   serves them, so against one pull they measure the clients);
 * - the most upstream GETs any one blob got in either herd (target 1).
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layout } from './data.js';
import { sync } from './machine.js';
import { RegistryClient } from './ops.js';
import type { Relay } from './relay.js';
import { describePairs, median, pairedRatioText, pairedSummary, pairedVerdict } from './report.js';
import type { RegistryServer } from './servers.js';
import { skopeoPull, skopeoPush } from './skopeo.js';
import { run } from './util.js';

export interface ProxyRow {
  label: string;
  unit: string;
  berth?: number;
  dockerRegistry?: number;
  baselineLabel: string;
  baseline?: number;
  /** berth / baseline must be at most this (none: the row informs, it is not a target). */
  targetMax?: number;
  /** Judged on paired runs, [berth, baseline] each (the figures are then medians). */
  pairs?: [number, number][];
  error?: string;
}

/**
 * A pull whose client costs little: the manifest by tag (node:http), then the config and every layer with
 * one `curl --parallel` into /dev/null, each status and size checked; returns the wall time in seconds.
 * The registry does for it exactly what it does for skopeo; the client skips what skopeo adds on top
 * (hashing, writing and fsyncing every layer), which on two cores is most of a concurrent pull's cost.
 * `headerFile` holds berth's `Authorization` line for this image.
 */
export async function curlPull(
  server: RegistryServer,
  name: string,
  layout: Layout,
  headerFile?: string,
): Promise<number> {
  const t0 = performance.now();
  const base = `http://${server.host}/v2/${name}`;
  const headers: Record<string, string> = { accept: MANIFEST_TYPES };
  if (headerFile) {
    const [k, v] = (await readFile(headerFile, 'utf8')).trim().split(': ');
    headers[(k as string).toLowerCase()] = v as string;
  }
  const res = await fetch(`${base}/manifests/${layout.tag}`, { headers });
  const manifest = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET ${base}/manifests/${layout.tag}: ${res.status} ${manifest}`);
  const blobs = [layout.config, ...layout.layers];
  const listed = JSON.parse(manifest.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  if (listed.config.digest !== layout.config.digest) throw new Error(`${name}: unexpected manifest ${manifest}`);
  const r = await run(
    'curl',
    [
      '--silent',
      '--show-error',
      '--parallel',
      '--write-out',
      '%{http_code} %{size_download}\n',
      ...(headerFile ? ['--header', `@${headerFile}`] : []),
      ...blobs.flatMap((b) => ['--output', '/dev/null', `${base}/blobs/${b.digest}`]),
    ],
    { timeoutMs: 10 * 60_000 },
  );
  const seen = r.stdout.trim().split('\n').sort();
  const expected = blobs.map((b) => `200 ${b.size}`).sort();
  if (r.code !== 0 || seen.join() !== expected.join())
    throw new Error(`curl pull ${server.label} ${name}: exit ${r.code}, got [${seen}] want [${expected}]\n${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

const MANIFEST_TYPES =
  'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';

export interface ProxyBenchInput {
  tmp: string;
  upstream: RegistryServer;
  relay: Relay;
  berthProxy: RegistryServer & { credentials: { username: string; password: string } };
  /** The berth group whose proxy is used. */
  group: string;
  drProxy: RegistryServer;
  /** Images already in the upstream (each pulled cold once through each proxy: the caches are separate). */
  first: Image;
  /** Two more images of the first one's size: the cold pull is the best of three images. */
  moreCold: Image[];
  herd: Image;
  curlOne: Image;
  curlHerd: Image;
  /** A small image pulled once through each proxy before anything is timed (see measureProxy). */
  warmup: Image;
  /** Pairs of warm pulls: through the proxy, and of the same image from a project of the same berth. */
  warmPairs: number;
  /** That project's path (the image is pushed there as `<project>/<image name>`). */
  project: string;
}

interface Image {
  name: string;
  layout: Layout;
}

const HERD = 20;

export async function measureProxy(input: ProxyBenchInput, log: (s: string) => void): Promise<ProxyRow[]> {
  const { tmp, upstream, relay, berthProxy, drProxy, first, moreCold, herd, curlOne, curlHerd, warmup } = input;
  const coldImages = [first, ...moreCold];
  const via = (server: RegistryServer, name: string) =>
    server === berthProxy ? `${input.group}/dependency_proxy/containers/${name}` : name;
  const rows: ProxyRow[] = [];
  const row = (r: ProxyRow) => {
    rows.push(r);
    return r;
  };

  // curl sends berth's token from a file (one token for every proxied image the bench pulls).
  const berthClient = new RegistryClient(berthProxy.base);
  await berthClient.login(
    berthProxy.credentials.username,
    berthProxy.credentials.password,
    [curlOne, curlHerd].map((i) => `repository:${via(berthProxy, i.name)}:pull`),
  );
  const berthHeaders = join(tmp, 'curl-headers-berth-proxy');
  await writeFile(berthHeaders, `authorization: ${berthClient.authHeader.authorization}\n`, { mode: 0o600 });
  berthClient.close();
  const headerFile = (server: RegistryServer) => (server === berthProxy ? berthHeaders : undefined);

  // "Direct" goes through the same paced relay: both paths cross the same link to upstream.
  const viaRelay: RegistryServer = { ...upstream, label: 'upstream', host: new URL(relay.url).host };
  const directRuns: number[] = [];
  for (const image of coldImages) {
    await sync();
    directRuns.push(await skopeoPull(viaRelay, image.layout, image.name, join(tmp, 'p-direct'), { sync: false }));
  }
  const direct = Math.min(...directRuns);
  log(`    direct from upstream: ${directRuns.map((r) => `${r.toFixed(2)} s`).join(', ')}`);
  const cold = row({
    label: 'cold pull through the proxy',
    unit: 's',
    baselineLabel: 'direct from upstream',
    baseline: direct,
    targetMax: 1.15,
  });
  const warm = row({
    label: 'warm pull through the proxy',
    unit: 's',
    baselineLabel: 'pull from a project of the same berth',
    targetMax: 1.0,
  });
  const curlHerdRow = row({
    label: `${HERD} concurrent cold pulls, curl clients (wall)`,
    unit: 's',
    baselineLabel: 'one cold pull, or the same 20 warm if slower',
    targetMax: 1.3,
  });
  const curlVsOne = row({
    label: `${HERD} concurrent cold pulls, curl clients (wall)`,
    unit: 's',
    baselineLabel: 'one cold pull, curl client',
  });
  const skopeoHerd = row({
    label: `${HERD} concurrent cold pulls, skopeo (wall)`,
    unit: 's',
    baselineLabel: 'one cold pull, skopeo',
  });
  const skopeoFloor = row({
    label: `${HERD} concurrent cold pulls, skopeo (wall)`,
    unit: 's',
    baselineLabel: `the same ${HERD} skopeo pulls warm`,
  });
  const gets = row({
    label: `upstream GETs per blob, ${HERD} concurrent`,
    unit: 'max',
    baselineLabel: 'one',
    baseline: 1,
    targetMax: 1,
  });

  const concurrently = async (n: number, pull: (i: number) => Promise<number>) => {
    const start = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => pull(i)));
    return (performance.now() - start) / 1000;
  };
  const mostGets = async (image: Image) => {
    const { blobGets } = await relay.counts();
    return Math.max(...image.layout.layers.map((l) => blobGets.get(l.digest) ?? 0));
  };

  for (const [server, key] of [
    [berthProxy, 'berth'],
    [drProxy, 'dockerRegistry'],
  ] as const) {
    try {
      // "Cold" means not in the cache, not a process that has served nothing yet: one untimed pull of
      // another, small image first (each server loads its HTTP client, opens its upstream connection and
      // compiles its proxy path once, as a running one long has), then the cold pull of image 1.
      await skopeoPull(server, warmup.layout, via(server, warmup.name), join(tmp, `p-warmup-${key}`), { sync: false });
      const coldRuns: number[] = [];
      for (const image of coldImages) {
        await sync();
        coldRuns.push(
          await skopeoPull(server, image.layout, via(server, image.name), join(tmp, `p-cold-${key}`), { sync: false }),
        );
      }
      const c = Math.min(...coldRuns);
      cold[key] = c;
      // Warm: berth's proxy alternates (ABBA) with a pull of the same image from one of its projects; the
      // pairs judge the row. docker-registry's proxy is pulled as often, for its column.
      const warmPull = () =>
        skopeoPull(server, first.layout, via(server, first.name), join(tmp, `p-warm-${key}`), { sync: false });
      const projectImage = `${input.project}/${first.name.replace(/\//g, '-')}`;
      if (key === 'berth') await skopeoPush(server, first.layout, projectImage);
      const projectPull = () =>
        skopeoPull(server, first.layout, projectImage, join(tmp, `p-project-${key}`), { sync: false });
      const warmRuns: number[] = [];
      const projectRuns: number[] = [];
      for (let i = 0; i < input.warmPairs; i++) {
        for (const proxied of i % 2 ? [false, true] : [true, false]) {
          if (!proxied && key !== 'berth') continue;
          await sync();
          (proxied ? warmRuns : projectRuns).push(await (proxied ? warmPull() : projectPull()));
        }
      }
      warm[key] = median(warmRuns);
      if (key === 'berth') {
        // What a warm tag pull must add to a project pull: the manifest HEAD to upstream (through the relay).
        const rtt: number[] = [];
        for (let i = 0; i < 15; i++) {
          const t0 = performance.now();
          const res = await fetch(`${relay.url}/v2/${first.name}/manifests/${first.layout.tag}`, {
            method: 'HEAD',
            headers: { accept: MANIFEST_TYPES },
          });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`HEAD ${first.name}:${first.layout.tag} upstream: ${res.status}`);
          rtt.push(performance.now() - t0);
        }
        warm.baselineLabel = `pull from a project of the same berth (a tag pull through the proxy first HEADs upstream: ${median(rtt).toFixed(1)} ms here)`;
        warm.baseline = median(projectRuns);
        warm.pairs = warmRuns.map((w, i) => [w, projectRuns[i] as number]);
        const p = pairedSummary(warm.pairs);
        if (p)
          log(
            `    warm proxy pulls ${warmRuns.map((r) => r.toFixed(2)).join(', ')} s; project pulls ${projectRuns.map((r) => r.toFixed(2)).join(', ')} s; ${describePairs(p, 'proxy')}`,
          );
      }

      // The herd with clients that cost little: what the proxy itself does with 20 clients at once.
      await sync();
      const one = await curlPull(server, via(server, curlOne.name), curlOne.layout, headerFile(server));
      await relay.resetCounts();
      await sync();
      curlHerdRow[key] = await concurrently(HERD, () =>
        curlPull(server, via(server, curlHerd.name), curlHerd.layout, headerFile(server)),
      );
      curlVsOne[key] = curlHerdRow[key];
      let mostUpstreamGets = await mostGets(curlHerd);
      // The same 20 again, from cache: how long this machine takes to move 20 pulls' bytes at all.
      const warmCurlHerd = await concurrently(HERD, () =>
        curlPull(server, via(server, curlHerd.name), curlHerd.layout, headerFile(server)),
      );
      if (key === 'berth') {
        curlVsOne.baseline = one;
        curlHerdRow.baseline = Math.max(one, warmCurlHerd);
        curlHerdRow.baselineLabel =
          warmCurlHerd > one
            ? `the same ${HERD} warm (slower than one cold pull, ${one.toFixed(2)} s, here)`
            : `one cold pull, curl client (the same ${HERD} warm: ${warmCurlHerd.toFixed(2)} s)`;
      }

      // The herd with skopeo: 20 clients that each hash, write and fsync 90 MiB, on two cores.
      await relay.resetCounts();
      await sync();
      const pulls = (tag: string) => (i: number) =>
        skopeoPull(server, herd.layout, via(server, herd.name), join(tmp, `p-${tag}-${key}-${i}`), { sync: false });
      skopeoHerd[key] = await concurrently(HERD, pulls('herd'));
      skopeoFloor[key] = skopeoHerd[key];
      mostUpstreamGets = Math.max(mostUpstreamGets, await mostGets(herd));
      gets[key] = mostUpstreamGets;
      if (key === 'berth') skopeoHerd.baseline = c;
      // The same 20 pulls again, now from cache: what 20 skopeo clients cost this machine anyway.
      await sync();
      const warmHerd = await concurrently(HERD, pulls('herdw'));
      if (key === 'berth') skopeoFloor.baseline = warmHerd;
      log(
        `    ${server.label}: cold ${coldRuns.map((r) => r.toFixed(2)).join(', ')} s, warm ${warm[key]?.toFixed(2)} s; curl: one cold ${one.toFixed(2)} s, ${HERD} cold ${curlHerdRow[key]?.toFixed(2)} s, ${HERD} warm ${warmCurlHerd.toFixed(2)} s; skopeo: ${HERD} cold ${skopeoHerd[key]?.toFixed(2)} s, ${HERD} warm ${warmHerd.toFixed(2)} s; upstream GETs per blob ≤ ${gets[key]}`,
      );
    } catch (err) {
      for (const r of rows) if (key === 'berth') r.error = (err as Error).message;
      log(`    ${server.label} failed: ${(err as Error).message}`);
    }
  }
  return rows;
}

/** berth / baseline: for a paired row, the median of the per-pair ratios. */
function proxyRatio(r: ProxyRow): number | undefined {
  if (r.berth === undefined || r.baseline === undefined || r.baseline === 0) return undefined;
  return r.pairs ? pairedSummary(r.pairs)?.ratio : r.berth / r.baseline;
}

/** As the main table's verdicts; `parity` for a paired row whose interval reaches the target. */
export function proxyVerdict(r: ProxyRow): 'met' | 'parity' | 'missed' | 'error' | 'info' {
  const ratio = proxyRatio(r);
  if (ratio === undefined) return 'error';
  if (r.targetMax === undefined) return 'info';
  const p = r.pairs && pairedSummary(r.pairs);
  if (p) return pairedVerdict(p, r.targetMax);
  return ratio <= r.targetMax ? 'met' : 'missed';
}

function ratioCell(r: ProxyRow): string {
  const ratio = proxyRatio(r);
  if (ratio === undefined) return '—';
  const p = r.pairs && pairedSummary(r.pairs);
  return p ? pairedRatioText(p) : `${ratio.toFixed(2)}×`;
}

export function proxyTable(rows: ProxyRow[]): { text: string; markdown: string } {
  const header = [
    'Dependency proxy',
    'berth',
    'docker-registry proxy',
    'baseline',
    'berth / baseline',
    'target',
    'result',
  ];
  const fmt = (v: number | undefined, unit: string) =>
    v === undefined ? '—' : unit === 's' ? `${v.toFixed(2)} s` : String(v);
  const cells = rows.map((r) => [
    r.label,
    r.error && r.berth === undefined ? 'ERROR' : fmt(r.berth, r.unit),
    fmt(r.dockerRegistry, r.unit),
    `${r.baselineLabel}${r.baseline === undefined ? '' : ` (${fmt(r.baseline, r.unit)})`}`,
    ratioCell(r),
    r.targetMax === undefined ? '—' : `≤ ${r.targetMax.toFixed(2)}×`,
    proxyVerdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i] as number)).join('  ');
  return {
    text: [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n'),
    markdown: [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      ...cells.map((c) => `| ${c.join(' | ')} |`),
    ].join('\n'),
  };
}
