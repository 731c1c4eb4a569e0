/**
 * Runs the real skopeo binary against berth. Every call is hermetic as far as skopeo allows: an
 * accept-anything signature policy and an empty auth file from a temp dir, so the host's
 * /etc/containers/policy.json and stored credentials do not matter. BERTH_SKOPEO_DEBUG=1 adds --debug,
 * which logs every HTTP request skopeo makes (to stderr, which assertion messages include).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SkopeoResult {
  args: string[];
  /** The exit code; null when skopeo was killed (e.g. by the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const INSTALL_HINT =
  'skopeo is required by the real-client tests but was not found on PATH; install it with `apt-get install skopeo` (CI does)';

/** Resolves to skopeo's version line; rejects with an install hint when skopeo is missing. */
export async function requireSkopeo(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('skopeo', ['--version'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error(INSTALL_HINT));
      else if (err) reject(new Error(`\`skopeo --version\` failed (${err.message}): ${stderr}\n${INSTALL_HINT}`));
      else resolve(stdout.trim());
    });
  });
}

export class Skopeo {
  private readonly policy: string;
  private readonly authFile: string;
  private readonly debug = process.env.BERTH_SKOPEO_DEBUG === '1';

  constructor(
    workDir: string,
    private readonly timeoutMs = 180_000,
  ) {
    this.policy = join(workDir, 'policy.json');
    this.authFile = join(workDir, 'auth.json');
    writeFileSync(this.policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    writeFileSync(this.authFile, JSON.stringify({ auths: {} }));
  }

  /** Runs `skopeo <args>`; never rejects for a non-zero exit (look at `code`), only if skopeo cannot start. */
  run(args: string[]): Promise<SkopeoResult> {
    const full = [...(this.debug ? ['--debug'] : []), '--policy', this.policy, ...args];
    return new Promise((resolve, reject) => {
      execFile(
        'skopeo',
        full,
        {
          timeout: this.timeoutMs,
          maxBuffer: 256 * 1024 * 1024,
          env: { ...process.env, REGISTRY_AUTH_FILE: this.authFile },
        },
        (err, stdout, stderr) => {
          if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(INSTALL_HINT));
          const e = err as
            | (Error & { code?: number | string; signal?: NodeJS.Signals | null; killed?: boolean })
            | null;
          resolve({
            args: full,
            code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
            signal: e?.signal ?? null,
            stdout: String(stdout),
            stderr: String(stderr),
          });
        },
      );
    });
  }

  /** Runs skopeo and throws, with its stderr, unless it exits 0. */
  async ok(args: string[]): Promise<SkopeoResult> {
    const r = await this.run(args);
    if (r.code !== 0) throw new Error(`${describe(r)} failed\n${tail(r.stderr)}`);
    return r;
  }

  /** Runs skopeo and parses its stdout as JSON. */
  async json<T = unknown>(args: string[]): Promise<T> {
    const r = await this.ok(args);
    try {
      return JSON.parse(r.stdout) as T;
    } catch (err) {
      throw new Error(`${describe(r)} printed no JSON (${(err as Error).message}):\n${r.stdout.slice(0, 2000)}`);
    }
  }
}

/** `skopeo a b c (exit 1)`, for messages. */
export function describe(r: SkopeoResult): string {
  const status = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return `\`skopeo ${r.args.join(' ')}\` (${status})`;
}

/** The end of a long stderr (--debug output can be very long); the error is usually last. */
export function tail(text: string, max = 12_000): string {
  return text.length <= max ? text : `…${text.slice(-max)}`;
}
