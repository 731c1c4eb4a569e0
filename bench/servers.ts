/** The two registries under test, each a child process on loopback: berth and Distribution (docker-registry). */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, runOk, sleep, Tail, waitFor200 } from './util.js';

export const DOCKER_REGISTRY_BIN = '/usr/bin/docker-registry';

export interface RegistryServer {
  /** Short label for tables: "berth" or "docker-registry". */
  label: string;
  /** http://127.0.0.1:<port> */
  base: string;
  /** host:port, as skopeo wants it. */
  host: string;
  pid: number;
  /** The last lines the process printed (for error reports). */
  output: Tail;
  /** skopeo's credential flags for this registry (`--src-creds`/`--dest-creds`), if it needs any. */
  skopeoCreds(direction: 'src' | 'dest'): string[];
  stop(): Promise<void>;
}

async function commandExists(name: string): Promise<boolean> {
  try {
    await runOk('sh', ['-c', `command -v ${name}`], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Installs docker-registry, skopeo and curl from Debian when any is missing. */
export async function ensurePackages(): Promise<void> {
  const missing: string[] = [];
  if (!(await commandExists(DOCKER_REGISTRY_BIN))) missing.push('docker-registry');
  if (!(await commandExists('skopeo'))) missing.push('skopeo');
  if (!(await commandExists('curl'))) missing.push('curl');
  if (missing.length === 0) return;
  console.log(`installing ${missing.join(', ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runOk('apt-get', ['update'], { env, timeoutMs: 10 * 60_000, inherit: true });
  await runOk('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    env,
    timeoutMs: 20 * 60_000,
    inherit: true,
  });
}

function track(child: ChildProcess, output: Tail): { alive: () => boolean; stop: () => Promise<void> } {
  let exited = child.exitCode !== null || child.signalCode !== null;
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  child.stdout?.on('data', (c: Buffer) => output.push(c));
  child.stderr?.on('data', (c: Buffer) => output.push(c));
  return {
    alive: () => !exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const graceful = await Promise.race([done.then(() => true), sleep(10_000).then(() => false)]);
      if (!graceful && !exited) {
        child.kill('SIGKILL');
        await Promise.race([done, sleep(5_000)]);
      }
    },
  };
}

/**
 * Creates user `bench` (an administrator) with a personal access token, group `bench` and project
 * `bench/app` with berth's CLI, then starts `node dist/src/main.js`. Clients sign in with the token, as CI
 * jobs do; a password sign-in would add one scrypt (32 MiB, ~100 ms) per credential and minute.
 */
export async function startBerth(
  root: string,
  dir: string,
  extraEnv: Record<string, string> = {},
  /** A berth already set up in `dir` (restarted): its credentials, and no set-up again. */
  existing?: { username: string; password: string },
): Promise<RegistryServer & { credentials: { username: string; password: string } }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BERTH_PORT: String(port),
    BERTH_HOST: '127.0.0.1',
    BERTH_DATABASE_URL: `sqlite:${join(dir, 'berth.sqlite')}`,
    BERTH_STORAGE_PATH: join(dir, 'storage'),
    BERTH_LOG_LEVEL: 'warn',
    // One sign-in lasts the whole run.
    BERTH_REGISTRY_TOKEN_TTL: '2h',
    ...extraEnv,
  };
  const cli = join(root, 'dist/src/cli/main.js');
  const credentials = existing ?? (await setUp(cli, env, root));
  // berth runs as `npm start` runs it: the node flags of the start script, plus any extra for profiling.
  const extra = (process.env.BENCH_BERTH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...startNodeFlags(root), ...extra, join(root, 'dist/src/main.js')], {
    env,
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { ...(await serving('berth', child, port, credentials)), credentials };
}

/** The bench's group, project and admin user, and a personal access token as its password. */
async function setUp(cli: string, env: NodeJS.ProcessEnv, root: string) {
  await runOk(process.execPath, [cli, 'group', 'create', 'bench'], { env, cwd: root, timeoutMs: 60_000 });
  await runOk(process.execPath, [cli, 'project', 'create', 'bench/app'], { env, cwd: root, timeoutMs: 60_000 });
  await runOk(process.execPath, [cli, 'user', 'create', 'bench', '--admin'], { env, cwd: root, timeoutMs: 60_000 });
  const pat = await runOk(
    process.execPath,
    [cli, 'token', 'create', 'pat', 'bench', '--name', 'bench', '--scopes', 'api'],
    { env, cwd: root, timeoutMs: 60_000 },
  );
  return { username: 'bench', password: pat.stdout.trim().split('\n').pop() as string };
}

/** A docker-registry config.yml: filesystem storage under `dataDir`, deletes on, quiet logs, and `extra` lines. */
export function dockerRegistryConfig(dataDir: string, port: number, extra: string[] = []): string {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${dataDir}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...extra,
    '',
  ].join('\n');
}

/**
 * Starts Distribution (`docker-registry serve`) on the filesystem driver under `dir`; with `proxyOf`, as a
 * pull-through cache of that registry (Distribution's own proxy mode).
 */
export async function startDockerRegistry(
  dir: string,
  proxyOf?: string,
  label = 'docker-registry',
): Promise<RegistryServer> {
  const port = await freePort();
  await mkdir(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    dockerRegistryConfig(join(dir, 'data'), port, proxyOf ? ['proxy:', `  remoteurl: ${proxyOf}`] : []),
  );
  const child = spawn(DOCKER_REGISTRY_BIN, ['serve', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return serving(label, child, port);
}

/** Peak resident set size (VmHWM) of a live process, in MiB; undefined if it cannot be read. */
export async function peakRssMiB(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The node flags `npm start` passes (e.g. --max-semi-space-size), read from package.json's start script. */
function startNodeFlags(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const m = /node ((?:--\S+ )*)dist\/src\/main\.js/.exec(pkg.scripts.start);
  return (m?.[1] ?? '').split(' ').filter(Boolean);
}

/** Tracks a started registry process and waits until its /v2/ answers 200 (stopping it if it never does). */
async function serving(
  label: string,
  child: ChildProcess,
  port: number,
  creds?: { username: string; password: string },
): Promise<RegistryServer> {
  const output = new Tail();
  const t = track(child, output);
  const base = `http://127.0.0.1:${port}`;
  try {
    // berth answers /v2/ with 401 until signed in; its health endpoint says when it serves.
    await waitFor200(`${base}${creds ? '/healthz' : '/v2/'}`, 60_000, t.alive);
  } catch (err) {
    await t.stop();
    throw new Error(`${label} did not start: ${(err as Error).message}\n${output}`);
  }
  return {
    label,
    base,
    host: `127.0.0.1:${port}`,
    pid: child.pid as number,
    output,
    stop: t.stop,
    skopeoCreds: (direction) => (creds ? [`--${direction}-creds`, `${creds.username}:${creds.password}`] : []),
  };
}
