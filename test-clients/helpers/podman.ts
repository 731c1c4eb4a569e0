/**
 * Runs the real podman against berth, rootless-style storage in a temp dir (`--storage-driver vfs`, no
 * daemon, no cgroups), with its own auth file, so nothing on the host is read or changed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PodmanResult {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

export class Podman {
  private readonly base: string[];
  private readonly authFile: string;

  constructor(workDir: string) {
    mkdirSync(join(workDir, 'root'), { recursive: true });
    this.authFile = join(workDir, 'auth.json');
    writeFileSync(this.authFile, JSON.stringify({ auths: {} }));
    writeFileSync(join(workDir, 'policy.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    this.base = [
      '--storage-driver',
      'vfs',
      '--root',
      join(workDir, 'root'),
      '--runroot',
      mkdtempSync('/tmp/prr-'), // podman wants a run root shorter than 50 characters
      '--cgroup-manager=cgroupfs',
      '--events-backend=file',
    ];
  }

  run(args: string[]): Promise<PodmanResult> {
    const full = [...this.base, ...args];
    return new Promise((resolve, reject) => {
      execFile(
        'podman',
        full,
        { timeout: 180_000, env: { ...process.env, REGISTRY_AUTH_FILE: this.authFile } },
        (err, stdout, stderr) => {
          if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
            return reject(new Error('podman is required by the real-client tests: apt-get install podman (CI does)'));
          }
          const e = err as (Error & { code?: number | string }) | null;
          resolve({
            args: full,
            code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          });
        },
      );
    });
  }

  async ok(args: string[]): Promise<PodmanResult> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`podman ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
    return r;
  }
}
