/**
 * The /v2 entry point: match the route, build the request context, run the handler, and render any error
 * once, from the table in errors.ts. Works on Node's raw request and response, so blob bytes stream
 * straight between the socket and the storage driver.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleProxy, proxyRouteAllowed } from '../proxy/handlers.js';
import { parseProxyName } from '../proxy/names.js';
import { type RegistryDeps, RequestContext } from './context.js';
import { OciError, toOciError } from './errors.js';
import { blobGetOrHead, deleteBlob } from './handlers/blobs.js';
import { catalog, listTags, referrers } from './handlers/listings.js';
import { deleteManifest, getManifest, putManifest } from './handlers/manifests.js';
import { cancelUpload, patchUpload, putUpload, startUpload, uploadStatus } from './handlers/uploads.js';
import { send, sendError, sendJson } from './http.js';
import { matchRoute, type RouteName } from './routes.js';

type Handler = (ctx: RequestContext) => Promise<void>;

const HANDLERS: Record<RouteName, Partial<Record<string, Handler>>> = {
  base: { GET: async (ctx) => sendJson(ctx.res, 200, {}), HEAD: async (ctx) => send(ctx.res, 200, {}) },
  catalog: { GET: catalog },
  tags: { GET: listTags },
  manifest: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest },
  blob: { GET: blobGetOrHead, HEAD: blobGetOrHead, DELETE: deleteBlob },
  uploads: { POST: startUpload },
  upload: { GET: uploadStatus, PATCH: patchUpload, PUT: putUpload, DELETE: cancelUpload },
  referrers: { GET: referrers },
};

export function createRegistryHandler(deps: RegistryDeps) {
  return async function handleRegistry(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url as string;
    const q = url.indexOf('?');
    const path = safeDecode(q === -1 ? url.slice(3) : url.slice(3, q));
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    const method = req.method ?? 'GET';
    try {
      const match = path === undefined ? undefined : matchRoute(method, path);
      if (!match) throw new OciError('ROUTE_UNKNOWN', { path: url.split('?')[0] });
      const proxyName =
        match.name === undefined || !deps.proxy
          ? undefined
          : (parseProxyName(match.name, query.get('ns')) ?? (await deps.guard.mirrored(match.name, query.get('ns'))));
      if (proxyName && deps.proxy) {
        if (!proxyRouteAllowed(match, method)) {
          throw new OciError('UNSUPPORTED', { method }, 'a dependency proxy is read-only: it serves what upstream has');
        }
        const ctx = new RequestContext(req, res, deps, query, match.name ?? '', match.ref ?? '');
        ctx.auth = await deps.guard.check(req, match);
        return await handleProxy(ctx, match, proxyName, deps.proxy);
      }
      const handler = HANDLERS[match.route][method];
      if (!match.action || !handler) {
        throw new OciError('UNSUPPORTED', { method, allowed: match.allowed }, `${method} is not supported here`);
      }
      const ctx = new RequestContext(req, res, deps, query, match.name ?? '', match.ref ?? '');
      ctx.auth = await deps.guard.check(req, match);
      await handler(ctx);
    } catch (err) {
      fail(deps, req, res, err);
    }
  };
}

function fail(deps: RegistryDeps, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const oci = toOciError(err);
  if (oci.status >= 500) deps.log.error({ err, method: req.method, url: req.url }, 'registry request failed');
  else deps.log.debug({ code: oci.code, method: req.method, url: req.url, message: oci.message }, 'registry error');
  if (res.headersSent) {
    // Bytes are already on the wire: cut the connection so the client sees a failed transfer, not bad data.
    res.destroy();
    return;
  }
  if (req.socket.destroyed) return;
  const headers =
    oci.kind === 'UNSUPPORTED' && isAllowed(err) ? { allow: allowedOf(err), ...oci.headers } : oci.headers;
  sendError(res, oci, headers, req.method === 'HEAD');
}

function isAllowed(err: unknown): err is OciError & { detail: { allowed: string[] } } {
  return err instanceof OciError && typeof err.detail === 'object' && err.detail !== null && 'allowed' in err.detail;
}

function allowedOf(err: OciError & { detail: { allowed: string[] } }): string {
  return err.detail.allowed.join(', ');
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
