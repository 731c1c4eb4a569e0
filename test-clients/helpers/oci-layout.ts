/**
 * Builds OCI image layouts (image-spec § Image Layout) on disk, in code: valid gzip'ed tar layers, image
 * configs with matching diff_ids, image manifests and indexes. The manifest bytes and digests are computed
 * here, so tests can compare what a client pushed and pulled against what was on disk to begin with.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const REF_NAME = 'org.opencontainers.image.ref.name';

export const sha256 = (data: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Platform {
  architecture: string;
  os: string;
}

/** One image manifest written to a layout, with everything a test needs to check it against. */
export interface BuiltImage {
  platform: Platform;
  /** The exact manifest bytes, as stored in blobs/ and as a registry must serve them. */
  manifestBytes: Buffer;
  manifestDigest: string;
  manifestSize: number;
  config: Descriptor;
  layers: Descriptor[];
}

export interface BuiltLayout {
  dir: string;
  tag: string;
  /** The descriptor that index.json names with `org.opencontainers.image.ref.name: <tag>`. */
  top: Descriptor;
  /** Bytes of the top manifest (an image manifest or an index). */
  topBytes: Buffer;
  /** The image manifests: one for a single image, one per platform for an index. */
  images: BuiltImage[];
  /** The index bytes, for a multi-arch layout. */
  indexBytes?: Buffer;
  /** Every blob in the layout (manifests, index, configs, layers): digest → size. */
  blobs: Map<string, number>;
}

// ---- tar ---------------------------------------------------------------------------------------------

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar header for a regular file (512 bytes, checksum filled in). */
function tarHeader(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long: ${name}`);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 8, 'ascii'); // mode
  h.write(octal(0, 8), 108, 8, 'ascii'); // uid
  h.write(octal(0, 8), 116, 8, 'ascii'); // gid
  h.write(octal(size, 12), 124, 12, 'ascii'); // size
  h.write(octal(mtime, 12), 136, 12, 'ascii'); // mtime
  h.write('        ', 148, 8, 'ascii'); // checksum placeholder: eight spaces
  h.write('0', 156, 1, 'ascii'); // typeflag: regular file
  h.write('ustar\0', 257, 6, 'ascii'); // magic
  h.write('00', 263, 2, 'ascii'); // version
  h.write('root', 265, 32, 'ascii'); // uname
  h.write('root', 297, 32, 'ascii'); // gname
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** A tar archive of regular files: header, data padded to 512 bytes, and two zero blocks at the end. */
export function tar(files: { name: string; data: Buffer }[], mtime = 1_700_000_000): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(tarHeader(f.name, f.data.length, mtime), f.data);
    const pad = (512 - (f.data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

// ---- layouts -----------------------------------------------------------------------------------------

class LayoutWriter {
  readonly blobs = new Map<string, number>();

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  blob(data: Buffer, mediaType: string): Descriptor {
    const digest = sha256(data);
    writeFileSync(join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
    this.blobs.set(digest, data.length);
    return { mediaType, digest, size: data.length };
  }

  index(top: Descriptor, tag: string): void {
    const entry: Descriptor = { ...top, annotations: { ...top.annotations, [REF_NAME]: tag } };
    writeFileSync(
      join(this.dir, 'index.json'),
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry] }),
    );
  }

  /** Writes the layers, the config and the image manifest of one image. */
  image(platform: Platform, layerSizes: number[], label: string): BuiltImage {
    const layers: Descriptor[] = [];
    const diffIds: string[] = [];
    layerSizes.forEach((size, i) => {
      const raw = tar([
        { name: `${label}/layer-${i}.bin`, data: randomBytes(size) },
        {
          name: `${label}/layer-${i}.txt`,
          data: Buffer.from(`layer ${i} of ${label} (${platform.os}/${platform.architecture})\n`),
        },
      ]);
      diffIds.push(sha256(raw));
      layers.push(this.blob(gzipSync(raw), OCI_LAYER_GZIP));
    });
    const configBytes = Buffer.from(
      JSON.stringify({
        created: '2024-01-01T00:00:00Z',
        architecture: platform.architecture,
        os: platform.os,
        config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Labels: { 'berth.test.image': label } },
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: diffIds.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `berth test layer ${i}` })),
      }),
    );
    const config = this.blob(configBytes, OCI_CONFIG);
    const manifestBytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config,
        layers,
        annotations: { 'berth.test.image': label },
      }),
    );
    const m = this.blob(manifestBytes, OCI_MANIFEST);
    return { platform, manifestBytes, manifestDigest: m.digest, manifestSize: m.size, config, layers };
  }
}

/** A single-platform image layout: one image manifest tagged `tag` in index.json. */
export function buildImageLayout(dir: string, tag: string, layerSizes: number[], label: string): BuiltLayout {
  const w = new LayoutWriter(dir);
  const img = w.image({ architecture: 'amd64', os: 'linux' }, layerSizes, label);
  const top: Descriptor = { mediaType: OCI_MANIFEST, digest: img.manifestDigest, size: img.manifestSize };
  w.index(top, tag);
  return { dir, tag, top, topBytes: img.manifestBytes, images: [img], blobs: w.blobs };
}

/** A multi-platform layout: an image index listing one image per platform (with `platform` set), tagged `tag`. */
export function buildIndexLayout(
  dir: string,
  tag: string,
  platforms: Platform[],
  layerSizes: number[],
  label: string,
): BuiltLayout {
  const w = new LayoutWriter(dir);
  const images = platforms.map((p) => w.image(p, layerSizes, `${label}-${p.architecture}`));
  const indexBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: images.map((img) => ({
        mediaType: OCI_MANIFEST,
        digest: img.manifestDigest,
        size: img.manifestSize,
        platform: { architecture: img.platform.architecture, os: img.platform.os },
      })),
      annotations: { 'berth.test.image': label },
    }),
  );
  const top = w.blob(indexBytes, OCI_INDEX);
  w.index(top, tag);
  return { dir, tag, top, topBytes: indexBytes, images, indexBytes, blobs: w.blobs };
}

// ---- reading layouts back ----------------------------------------------------------------------------

export interface ReadLayout {
  /** The descriptor index.json names `tag`, if any. */
  top?: Descriptor;
  /** Every file under blobs/sha256: digest named by the file → sha256 of its content and its size. */
  blobs: Map<string, { actual: string; size: number }>;
  blobBytes(digest: string): Buffer;
}

/** Reads a layout a client wrote: the tagged descriptor from index.json and every blob's real digest. */
export function readLayout(dir: string, tag: string): ReadLayout {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
  const top = index.manifests?.find((d) => d.annotations?.[REF_NAME] === tag);
  const blobs = new Map<string, { actual: string; size: number }>();
  const blobDir = join(dir, 'blobs', 'sha256');
  for (const name of readdirSync(blobDir)) {
    const data = readFileSync(join(blobDir, name));
    blobs.set(`sha256:${name}`, { actual: sha256(data), size: data.length });
  }
  return { top, blobs, blobBytes: (digest) => readFileSync(join(blobDir, digest.slice('sha256:'.length))) };
}
