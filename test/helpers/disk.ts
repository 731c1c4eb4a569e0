/** What a test berth's filesystem driver holds under `blobs/`: files and bytes, read from disk. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function storedBlobs(dir: string): { files: number; bytes: number } {
  const out = { files: 0, bytes: 0 };
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else {
        out.files++;
        out.bytes += s.size;
      }
    }
  };
  walk(join(dir, 'storage', 'blobs'));
  return out;
}
