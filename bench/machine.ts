/** What the bench knows of the machine it runs on: CPU use, the disk's own write speed, versions. */
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { nativeSend } from '../src/storage/filesystem/native-send.js';
import { GiB, run, runOk, sleep } from './util.js';

/** Flushes dirty pages so one measurement's writeback does not slow the next. */
export const sync = () => runOk('sync', [], { timeoutMs: 5 * 60_000 });

/**
 * Touches `bytes` of free memory and gives it back (a file on /dev/shm, written and removed), so that the
 * next process to write that much into the page cache finds it backed by the host. On this VM freed memory
 * goes back to the host within seconds (free page reporting); writing 1 GiB into the page cache then costs
 * 2.0–2.8 s of kernel time instead of 0.3 s, and whether a pull meets such memory depends on how long ago the
 * previous one freed its own: ±1.5 s of noise in a 4 s pull that belongs to neither registry. A no-op where
 * /dev/shm is missing.
 */
export async function prefaultMemory(bytes: number): Promise<void> {
  const path = `/dev/shm/berth-bench-prefault-${process.pid}`;
  const handle = await open(path, 'w').catch(() => undefined);
  if (!handle) return;
  try {
    const block = Buffer.alloc(8 << 20, 1);
    for (let written = 0; written < bytes; written += block.length) await handle.write(block);
  } finally {
    await handle.close();
    await rm(path, { force: true });
  }
}

/** Seconds for dd to write `from` to `to` and fdatasync it, best of `runs`: what the disk itself allows. */
export async function measureDiskFloor(from: string, to: string, runs: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    await sync();
    const r = await runOk('dd', [`if=${from}`, `of=${to}`, 'bs=8M', 'conv=fdatasync'], { timeoutMs: 10 * 60_000 });
    best = Math.min(best, r.ms / 1000);
    await rm(to, { force: true });
  }
  return best;
}

/** User + system CPU seconds a process has used so far (from /proc/<pid>/stat; 100 ticks per second). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The share of all CPUs busy (not idle, not iowait) over `ms`, from /proc/stat. */
export async function cpuBusy(ms: number): Promise<number> {
  const sample = async () => {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] as string;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { idle, total: v.reduce((a, b) => a + b, 0) };
  };
  const a = await sample();
  await sleep(ms);
  const b = await sample();
  return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
}

export async function machine(root: string): Promise<string[]> {
  const nproc = (await run('nproc', [], { timeoutMs: 10_000 })).stdout.trim();
  const dr = (await run('/usr/bin/docker-registry', ['--version'], { timeoutMs: 10_000 })).stdout.trim();
  const sk = (await run('skopeo', ['--version'], { timeoutMs: 10_000 })).stdout.trim();
  const commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, timeoutMs: 10_000 })).stdout.trim();
  const dirty = (
    await run('git', ['status', '--porcelain', '--', 'src'], { cwd: root, timeoutMs: 10_000 })
  ).stdout.trim();
  const damon = await readFile('/sys/kernel/mm/damon/admin/kdamonds/0/state', 'utf8').then(
    (v) => v.trim(),
    () => 'off',
  );
  // A virtio balloon device bound: the VM hands free memory back to its host (free page reporting).
  const balloon = await readdir('/sys/bus/virtio/drivers/virtio_balloon').then(
    (entries) => entries.some((e) => e.startsWith('virtio')),
    () => false,
  );
  return [
    `- Machine: ${nproc} cores (\`nproc\` = ${nproc}), ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / GiB).toFixed(1)} GiB RAM`,
    `- Node ${process.version} (\`node --version\`); ${dr}; ${sk}`,
    `- berth: commit ${commit || 'unknown'}${dirty ? ' with uncommitted changes in src/' : ''}; downloads ${nativeSend() ? 'through the native send loop (native/build/send.node)' : 'through the JavaScript loop (the native addon is not built)'}`,
    `- Date: ${new Date().toISOString()}`,
    ...(damon === 'on'
      ? [
          '- Note: the kernel runs DAMON proactive reclaim here (kdamond pageout), so page cache of files not read for a few seconds may be evicted; the 1 GiB transfer figures vary noticeably from run to run.',
        ]
      : []),
    ...(balloon
      ? [
          '- Note: this VM hands free memory back to its host (virtio-balloon), and the first touch of such a page costs microseconds: writing 1 GiB into the page cache took 1.4–1.7 s of system time with pages idle for a few seconds and 0.2–0.3 s with pages just freed (dd, measured on a machine of this kind). Uploads of 1 GiB swing with it, for both registries, which is why they are the best of several runs.',
        ]
      : []),
  ];
}
