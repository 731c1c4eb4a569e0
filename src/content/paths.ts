/**
 * Layout of the storage driver's namespace:
 *
 *   blobs/
 *     sha256/
 *       ab/
 *         abcdef…(64 hex)/
 *           data            the blob's bytes, written once, by rename from an upload
 *   _uploads/
 *     <uuid>/
 *       data                bytes received so far for one upload session
 *
 * Which repository holds which blob, and everything about manifests and tags, lives in the database.
 */
import type { Digest } from '../oci/digest.js';

export function blobDataPath(digest: Digest): string {
  return `blobs/${digest.algorithm}/${digest.hex.slice(0, 2)}/${digest.hex}/data`;
}

export function uploadDir(id: string): string {
  return `_uploads/${id}`;
}

export function uploadDataPath(id: string): string {
  return `${uploadDir(id)}/data`;
}
