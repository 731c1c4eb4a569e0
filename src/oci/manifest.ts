/**
 * Manifest parsing and validation: image manifests (OCI, Docker schema 2) and indexes (OCI index, Docker
 * manifest list), including OCI 1.1 artifacts (`artifactType`, `subject`). Pure: no I/O.
 */
import { parseDigest } from './digest.js';
import { isIndexMediaType, MANIFEST_MEDIA_TYPES, MediaType } from './media-types.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  urls?: string[];
  platform?: { architecture?: string; os?: string; 'os.version'?: string; variant?: string };
}

interface ParsedCommon {
  mediaType: string;
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ParsedImageManifest extends ParsedCommon {
  kind: 'image';
  config: Descriptor;
  layers: Descriptor[];
}

export interface ParsedIndex extends ParsedCommon {
  kind: 'index';
  manifests: Descriptor[];
}

export type ParsedManifest = ParsedImageManifest | ParsedIndex;

/** Thrown for any manifest berth refuses; the message says what is wrong. */
export class InvalidManifestError extends Error {}

type Json = Record<string, unknown>;

const FOREIGN_LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

/** A layer whose bytes live elsewhere (`urls`), so the registry need not hold it. */
export function isForeignLayer(d: Descriptor): boolean {
  return FOREIGN_LAYER_TYPES.has(d.mediaType) && Array.isArray(d.urls) && d.urls.length > 0;
}

/**
 * Parses `bytes` as a manifest. `contentType` is the request's Content-Type; the manifest's own
 * `mediaType` wins when present, and the two must agree when both are manifest types.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (err) {
    throw new InvalidManifestError(`manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new InvalidManifestError('manifest must be a JSON object');
  if (doc.schemaVersion !== 2) {
    throw new InvalidManifestError(`schemaVersion must be 2 (got ${JSON.stringify(doc.schemaVersion)})`);
  }
  const mediaType = resolveMediaType(doc, contentType);
  const common: ParsedCommon = { mediaType };
  if (doc.subject !== undefined) common.subject = descriptor(doc.subject, 'subject');
  if (doc.artifactType !== undefined) common.artifactType = str(doc.artifactType, 'artifactType');
  if (doc.annotations !== undefined) common.annotations = stringMap(doc.annotations, 'annotations');
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw new InvalidManifestError('an index needs a "manifests" array');
    const manifests = doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`));
    return { kind: 'index', ...common, manifests };
  }
  const config = descriptor(doc.config, 'config');
  if (!Array.isArray(doc.layers)) throw new InvalidManifestError('an image manifest needs a "layers" array');
  const layers = doc.layers.map((l, i) => descriptor(l, `layers[${i}]`));
  if (mediaType === MediaType.DockerManifest && layers.length === 0) {
    throw new InvalidManifestError('a Docker image manifest needs at least one layer');
  }
  return { kind: 'image', ...common, config, layers };
}

/** The artifact type the referrers API reports (distribution-spec § Listing Referrers). */
export function artifactTypeOf(m: ParsedManifest): string | undefined {
  if (m.artifactType) return m.artifactType;
  return m.kind === 'image' ? m.config.mediaType : undefined;
}

function resolveMediaType(doc: Json, contentType: string | undefined): string {
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  const headerIsManifest = header !== undefined && MANIFEST_MEDIA_TYPES.includes(header);
  if (declared !== undefined) {
    if (!MANIFEST_MEDIA_TYPES.includes(declared)) {
      throw new InvalidManifestError(`unsupported manifest mediaType "${declared}"`);
    }
    if (headerIsManifest && header !== declared) {
      throw new InvalidManifestError(`Content-Type "${header}" does not match the manifest's mediaType "${declared}"`);
    }
    return declared;
  }
  if (headerIsManifest) return header;
  // OCI manifests may omit mediaType; tell image from index by shape.
  if (Array.isArray(doc.manifests)) return MediaType.OciIndex;
  if (isObject(doc.config)) return MediaType.OciManifest;
  throw new InvalidManifestError('cannot tell the manifest type: no mediaType field and no manifest Content-Type');
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw new InvalidManifestError(`${where} must be a descriptor object`);
  const mediaType = str(value.mediaType, `${where}.mediaType`);
  const digest = str(value.digest, `${where}.digest`);
  try {
    parseDigest(digest);
  } catch (err) {
    throw new InvalidManifestError(`${where}.digest: ${(err as Error).message}`);
  }
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidManifestError(`${where}.size must be a non-negative integer`);
  }
  const d: Descriptor = { mediaType, digest, size };
  if (value.artifactType !== undefined) d.artifactType = str(value.artifactType, `${where}.artifactType`);
  if (value.annotations !== undefined) d.annotations = stringMap(value.annotations, `${where}.annotations`);
  if (Array.isArray(value.urls)) d.urls = value.urls.filter((u): u is string => typeof u === 'string');
  if (isObject(value.platform)) d.platform = value.platform as Descriptor['platform'];
  return d;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidManifestError(`${where} must be a non-empty string`);
  return value;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new InvalidManifestError(`${where} must be an object of strings`);
  }
  return value as Record<string, string>;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
