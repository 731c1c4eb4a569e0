/**
 * /v2 for dependency proxy names (`<group>/dependency_proxy/containers/<image>`): manifest and blob GET and
 * HEAD through the group's cache; referrers answer an empty index (Docker 24+ asks for them); anything that
 * would write is refused as UNSUPPORTED, since a proxy's content is upstream's.
 */
import { BlobUnknownError } from '../content/errors.js';
import { type Digest, parseDigest } from '../oci/digest.js';
import { isValidTag } from '../oci/reference.js';
import type { RequestContext } from '../registry/context.js';
import { OciError } from '../registry/errors.js';
import { sendStoredBlob } from '../registry/handlers/blobs.js';
import { API_VERSION_HEADER, send } from '../registry/http.js';
import type { RouteMatch } from '../registry/routes.js';
import { NotFoundUpstream } from './blob-fetcher.js';
import type { ProxyName } from './names.js';
import { type ProxyService, ProxyUnavailableError } from './proxy.service.js';
import { UpstreamError } from './upstream.js';

/** Routes and methods the proxy answers; the guard is asked only for these. */
export function proxyRouteAllowed(match: RouteMatch, method: string): boolean {
  if (match.route === 'manifest' || match.route === 'blob') return method === 'GET' || method === 'HEAD';
  return match.route === 'referrers' && method === 'GET';
}

export async function handleProxy(ctx: RequestContext, match: RouteMatch, name: ProxyName, proxy: ProxyService) {
  const group = ctx.auth.proxyGroup;
  if (!group) throw new OciError('NAME_UNKNOWN', { name: ctx.name }, `no group "${name.groupPath}"`);
  if (!group.enabled) {
    throw new OciError(
      'NAME_UNKNOWN',
      { name: ctx.name },
      `the dependency proxy of group "${group.fullPath}" is disabled`,
    );
  }
  const ns = ctx.query.get('ns');
  if (ns) ctx.res.setHeader('oci-namespace', ns); // containerd: which upstream answered
  try {
    if (match.route === 'manifest') return await manifest(ctx, name, proxy);
    if (match.route === 'blob') return await blob(ctx, name, proxy);
    send(
      ctx.res,
      200,
      { 'content-type': 'application/vnd.oci.image.index.v1+json' },
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }),
    );
  } catch (err) {
    throw toOci(err, ctx);
  }
}

async function manifest(ctx: RequestContext, name: ProxyName, proxy: ProxyService): Promise<void> {
  const reference = ctx.ref;
  if (reference.includes(':')) parseDigest(reference);
  else if (!isValidTag(reference)) throw new OciError('MANIFEST_UNKNOWN', { reference }, `"${reference}" is not a tag`);
  const m = await proxy.manifest(ctx.auth.proxyGroup!, name, reference);
  if (!m)
    throw new OciError('MANIFEST_UNKNOWN', { name: ctx.name, reference }, `upstream has no ${name.image}:${reference}`);
  const headers: Record<string, string | number> = {
    'content-type': m.contentType,
    'docker-content-digest': m.digest,
    etag: `"${m.digest}"`,
    'content-length': m.body.length,
  };
  if (m.stale) headers.warning = `110 berth "${m.stale}"`;
  if (ctx.head) return send(ctx.res, 200, headers);
  send(ctx.res, 200, headers, m.body);
}

async function blob(ctx: RequestContext, name: ProxyName, proxy: ProxyService): Promise<void> {
  const digest = parseDigest(ctx.ref);
  if (ctx.head) return blobHead(ctx, name, digest, proxy);
  const source = await proxy.blob(ctx.auth.proxyGroup!, name, digest);
  if (!source) throw new BlobUnknownError(digest.value);
  if ('stored' in source) return sendStoredBlob(ctx, digest, source.stored.size);
  const { fetch } = source;
  if (ctx.req.headers.range !== undefined) {
    // A fill streams a blob from its first byte. A ranged GET (a client resuming) that finds one running is
    // answered from the store once the fill has published the blob: 206 as for any stored blob, never the
    // whole body with a 200. Seen in CI: a range asked right after a herd's last byte arrived, while the
    // fill was still making the file durable.
    await fetch.finished;
    if (fetch.state !== 'done') throw fetch.error ?? new BlobUnknownError(digest.value);
    return sendStoredBlob(ctx, digest, fetch.written);
  }
  while (fetch.state === 'starting') await fetch.changed();
  if (fetch.state === 'failed' && fetch.written === 0) throw fetch.error;
  ctx.res.writeHead(200, unstoredBlobHeaders(digest, fetch.size));
  await proxy.stream(fetch, ctx.res);
  ctx.res.end();
}

/** HEAD: answered from the cache or upstream's HEAD; never starts a fill. */
async function blobHead(ctx: RequestContext, name: ProxyName, digest: Digest, proxy: ProxyService): Promise<void> {
  const found = await proxy.blobHead(ctx.auth.proxyGroup!, name, digest);
  if (!found) throw new BlobUnknownError(digest.value);
  if ('stored' in found) return sendStoredBlob(ctx, digest, found.stored.size);
  send(ctx.res, 200, unstoredBlobHeaders(digest, found.size));
}

/** Headers for a blob not (yet) in the content store: a fill in progress, or upstream's answer to HEAD. */
function unstoredBlobHeaders(digest: Digest, size: number | undefined): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    ...API_VERSION_HEADER,
    'docker-content-digest': digest.value,
    etag: `"${digest.value}"`,
    'content-type': 'application/octet-stream',
  };
  if (size !== undefined) headers['content-length'] = size;
  return headers;
}

function toOci(err: unknown, ctx: RequestContext): unknown {
  if (err instanceof NotFoundUpstream) return new BlobUnknownError(ctx.ref);
  if (err instanceof ProxyUnavailableError) return new OciError('UPSTREAM_UNAVAILABLE', undefined, err.message);
  if (err instanceof UpstreamError) {
    if (err.status === 429) {
      const headers: Record<string, string> = err.retryAfter ? { 'retry-after': String(err.retryAfter) } : {};
      return new OciError('TOOMANYREQUESTS', undefined, `upstream: ${err.message}`, headers);
    }
    if (err.status === 404) return new OciError('NAME_UNKNOWN', { name: ctx.name }, err.message);
    if (err.status === 401 || err.status === 403) {
      return new OciError('DENIED', undefined, `upstream refused access: ${err.message}`);
    }
    return new OciError(err.outage ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_INVALID', undefined, err.message);
  }
  return err;
}
