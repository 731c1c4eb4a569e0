/**
 * Blob uploads (distribution-spec § Pushing blobs): monolithic POST ?digest=, POST then PUT, chunked PATCH
 * with Content-Range, status GET, DELETE cancel, and cross-repository mount (`?mount=&from=`).
 */
import type { RepositoryRow } from '../../db/registry-store.js';
import { parseDigest } from '../../oci/digest.js';
import { parseName } from '../../oci/reference.js';
import type { RequestContext } from '../context.js';
import { OciError } from '../errors.js';
import { contentLength, hasBody, send } from '../http.js';

export async function startUpload(ctx: RequestContext): Promise<void> {
  const repo = await ctx.pushRepository();
  const mount = ctx.query.get('mount');
  if (mount !== null && (await tryMount(ctx, repo, mount))) return;
  const digest = ctx.query.get('digest');
  if (digest !== null) {
    const d = parseDigest(digest);
    await ctx.deps.uploads.putWhole(repo, d, ctx.req, contentLength(ctx.req));
    return created(ctx, d.value);
  }
  const id = await ctx.deps.uploads.start(repo, ctx.auth.ref);
  ctx.req.resume();
  sendProgress(ctx, 202, id, 0);
}

/** Mounts `digest` from `?from=` when that repository holds it; false means "open a session instead". */
async function tryMount(ctx: RequestContext, repo: RepositoryRow, mount: string): Promise<boolean> {
  const digest = parseDigest(mount);
  const from = ctx.query.get('from');
  if (from === null) return false;
  parseName(from);
  // Mounting reads the source: the caller must be allowed to pull it (otherwise, a plain upload session).
  if (!(await ctx.auth.may(from, 'pull'))) return false;
  const source = await ctx.deps.store.findRepository(from);
  if (!source || !(await ctx.deps.uploads.mount(repo, source, digest))) return false;
  ctx.req.resume();
  created(ctx, digest.value);
  return true;
}

export async function uploadStatus(ctx: RequestContext): Promise<void> {
  const repo = await ctx.pushRepository();
  const size = await ctx.deps.uploads.status(repo, ctx.ref);
  sendProgress(ctx, 204, ctx.ref, size);
}

export async function patchUpload(ctx: RequestContext): Promise<void> {
  const repo = await ctx.pushRepository();
  const size = await ctx.deps.uploads.append(repo, ctx.ref, ctx.req, chunkOptions(ctx));
  sendProgress(ctx, 202, ctx.ref, size);
}

export async function putUpload(ctx: RequestContext): Promise<void> {
  const raw = ctx.query.get('digest');
  if (raw === null) throw new OciError('DIGEST_INVALID', undefined, 'PUT needs ?digest=<digest> to complete an upload');
  const digest = parseDigest(raw);
  const repo = await ctx.pushRepository();
  const body = hasBody(ctx.req) ? ctx.req : undefined;
  await ctx.deps.uploads.complete(repo, ctx.ref, digest, body, body ? chunkOptions(ctx) : {});
  created(ctx, digest.value);
}

export async function cancelUpload(ctx: RequestContext): Promise<void> {
  const repo = await ctx.pushRepository();
  await ctx.deps.uploads.cancel(repo, ctx.ref);
  send(ctx.res, 204, {});
}

/** Reads Content-Range ("start-end", or "bytes start-end/total") and Content-Length. */
function chunkOptions(ctx: RequestContext): { start?: number; length?: number } {
  const length = contentLength(ctx.req);
  const header = ctx.req.headers['content-range'];
  if (header === undefined) return { length };
  const m = /^(?:bytes )?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new OciError(
      'RANGE_INVALID',
      { contentRange: header },
      `malformed Content-Range "${header}"; expected <start>-<end>`,
    );
  }
  const start = Number(m[1]);
  const rangeLength = Number(m[2]) - start + 1;
  if (length !== undefined && length !== rangeLength) {
    throw new OciError(
      'RANGE_INVALID',
      { contentRange: header, contentLength: length },
      'Content-Range and Content-Length disagree',
    );
  }
  return { start, length: rangeLength };
}

function sendProgress(ctx: RequestContext, status: number, id: string, size: number): void {
  send(ctx.res, status, {
    location: `${ctx.base}/blobs/uploads/${id}`,
    range: `0-${size > 0 ? size - 1 : 0}`,
    'docker-upload-uuid': id,
  });
}

function created(ctx: RequestContext, digest: string): void {
  send(ctx.res, 201, { location: `${ctx.base}/blobs/${digest}`, 'docker-content-digest': digest });
}
