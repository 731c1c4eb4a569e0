/** Test data on disk: random files hashed while written, and OCI image layouts for skopeo. */
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MiB } from './util.js';

export interface FileBlob {
  path: string;
  size: number;
  /** sha256:<hex> */
  digest: string;
}

/** Writes `size` random bytes to `path` in 4 MiB pieces (never the whole file in memory); returns its digest. */
export async function writeRandomFile(path: string, size: number): Promise<FileBlob> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(4 * MiB);
  const fh = await open(path, 'w');
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(buf.length, size - done);
      const piece = buf.subarray(0, n);
      randomFillSync(piece);
      hash.update(piece);
      let written = 0;
      while (written < n) written += (await fh.write(piece, written, n - written)).bytesWritten;
      done += n;
    }
  } finally {
    await fh.close();
  }
  return { path, size, digest: `sha256:${hash.digest('hex')}` };
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Layout {
  dir: string;
  tag: string;
  manifestDigest: string;
  layers: Descriptor[];
  config: Descriptor;
  /** Every blob and the manifest, in bytes. */
  totalBytes: number;
}

const LAYER = 'application/vnd.oci.image.layer.v1.tar';
const CONFIG = 'application/vnd.oci.image.config.v1+json';
const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function putBlob(blobs: string, bytes: Buffer): Promise<Descriptor & { hex: string }> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(blobs, hex), bytes);
  return { mediaType: '', digest: `sha256:${hex}`, size: bytes.length, hex };
}

/**
 * An OCI image layout (oci-layout, index.json, blobs/sha256/…) holding one image tagged `tag` whose layers are
 * random bytes of the given sizes, typed as uncompressed tar (skopeo copies them as they are with
 * --preserve-digests; nothing parses them as tar).
 */
export async function buildLayout(dir: string, tag: string, layerSizes: number[]): Promise<Layout> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layers: Descriptor[] = [];
  for (const [i, size] of layerSizes.entries()) {
    const tmp = join(dir, `layer-${i}.tmp`);
    const f = await writeRandomFile(tmp, size);
    await rename(tmp, join(blobs, f.digest.slice('sha256:'.length)));
    layers.push({ mediaType: LAYER, digest: f.digest, size });
  }
  const configJson = {
    architecture: 'amd64',
    os: 'linux',
    // A nonce so that two layouts never share a config blob.
    config: { Labels: { 'bench.nonce': randomBytes(8).toString('hex') } },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  };
  const cfg = await putBlob(blobs, Buffer.from(JSON.stringify(configJson)));
  const config = { mediaType: CONFIG, digest: cfg.digest, size: cfg.size };
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config, layers }));
  const m = await putBlob(blobs, manifest);
  const index = {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: MANIFEST,
        digest: m.digest,
        size: m.size,
        annotations: { 'org.opencontainers.image.ref.name': tag },
      },
    ],
  };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  const totalBytes = layers.reduce((s, l) => s + l.size, 0) + config.size + m.size;
  return { dir, tag, manifestDigest: m.digest, layers, config, totalBytes };
}
