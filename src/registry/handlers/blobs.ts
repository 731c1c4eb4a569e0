/** Blob GET, HEAD and DELETE (distribution-spec § Pulling blobs, § Deleting blobs). */

import { SMALL_BLOB } from '../../content/blob-store.js';
import { BlobUnknownError } from '../../content/errors.js';
import { type Digest, parseDigest } from '../../oci/digest.js';
import type { RequestContext } from '../context.js';
import { OciError } from '../errors.js';
import { API_VERSION_HEADER, parseRange, send } from '../http.js';

export async function blobGetOrHead(ctx: RequestContext): Promise<void> {
  const digest = parseDigest(ctx.ref);
  const repo = await ctx.pullRepository();
  if (!repo) throw new BlobUnknownError(digest.value);
  const { size } = await ctx.deps.blobs.stat(repo.id, digest);
  await sendStoredBlob(ctx, digest, size);
}

/** Answers GET/HEAD (ranges, ETag, redirects) for a blob whose bytes are in the content store. */
export async function sendStoredBlob(ctx: RequestContext, digest: Digest, size: number): Promise<void> {
  const headers = {
    'docker-content-digest': digest.value,
    etag: `"${digest.value}"`,
    'accept-ranges': 'bytes',
    'cache-control': 'max-age=31536000',
    'content-type': 'application/octet-stream',
  };
  if (ctx.req.headers['if-none-match'] === headers.etag) return send(ctx.res, 304, headers);
  const redirect = await ctx.deps.blobs.redirectURL(digest, ctx.head ? 'HEAD' : 'GET');
  if (redirect) return send(ctx.res, 307, { ...headers, location: redirect });
  const range = parseRange(ctx.req.headers.range, size);
  if (range === 'unsatisfiable') {
    throw new OciError(
      'BLOB_RANGE_INVALID',
      { size },
      `range ${ctx.req.headers.range} is outside the blob's ${size} bytes`,
    );
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const status = range ? 206 : 200;
  const partial = range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {};
  if (ctx.head || size === 0)
    return send(ctx.res, status, { ...headers, ...partial, 'content-length': end - start + 1 });
  const length = end - start + 1;
  const all = { ...headers, ...partial, 'content-length': length };
  if (size <= SMALL_BLOB) {
    const bytes = await ctx.deps.blobs.readSmall(digest, size, start, end);
    return send(ctx.res, status, all, bytes);
  }
  ctx.res.writeHead(status, { ...API_VERSION_HEADER, ...all });
  await ctx.deps.blobs.send(digest, start, end, ctx.res);
  ctx.res.end();
}

export async function deleteBlob(ctx: RequestContext): Promise<void> {
  const digest = parseDigest(ctx.ref);
  const repo = await ctx.pullRepository();
  const result = repo ? await ctx.deps.store.unlinkBlob(repo.id, digest.value) : 'unknown';
  if (result === 'unknown') throw new BlobUnknownError(digest.value);
  if (Array.isArray(result)) {
    throw new OciError(
      'DENIED',
      { digest: digest.value, referencedBy: result },
      `blob ${digest.value} is still referenced by manifest ${result.join(', ')}; delete those manifests first`,
    );
  }
  send(ctx.res, 202, {});
}
