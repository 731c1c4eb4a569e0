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

/** Blob rows whose bytes are missing or of another size on disk (must always be none). */
export async function blobRowsWithoutBytes(
  dir: string,
  rows: { digest: string; size: number | string }[],
): Promise<string[]> {
  const missing: string[] = [];
  for (const { digest, size } of rows) {
    const hex = digest.slice(digest.indexOf(':') + 1);
    const path = join(dir, 'storage', 'blobs', digest.slice(0, digest.indexOf(':')), hex.slice(0, 2), hex, 'data');
    let actual: number | undefined;
    try {
      actual = statSync(path).size;
    } catch {
      actual = undefined;
    }
    if (actual !== Number(size)) missing.push(`${digest} (row says ${size} bytes, disk ${actual ?? 'nothing'})`);
  }
  return missing;
}
