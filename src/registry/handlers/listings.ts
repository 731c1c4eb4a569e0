/** Tag list, catalog and referrers (distribution-spec § Listing tags, § Listing referrers; catalog is Docker's). */
import { parseDigest } from '../../oci/digest.js';
import { MediaType } from '../../oci/media-types.js';
import type { RequestContext } from '../context.js';
import { OciError } from '../errors.js';
import { sendJson } from '../http.js';

/** Page size when the client gives no `n`, and the most any page holds. */
export const MAX_PAGE = 10_000;

function pageParams(ctx: RequestContext): { n: number; last?: string } {
  const raw = ctx.query.get('n');
  let n = MAX_PAGE;
  if (raw !== null) {
    if (!/^\d+$/.test(raw))
      throw new OciError('PAGINATION_INVALID', { n: raw }, `n must be a non-negative integer, got "${raw}"`);
    n = Math.min(Number(raw), MAX_PAGE);
  }
  return { n, last: ctx.query.get('last') ?? undefined };
}

/** RFC 8288 Link to the next page, when this page is full and more may follow. */
function nextLink(path: string, n: number, items: string[], more: boolean): Record<string, string> {
  if (!more || items.length === 0) return {};
  const last = items[items.length - 1] as string;
  return { link: `<${path}?n=${n}&last=${encodeURIComponent(last)}>; rel="next"` };
}

export async function listTags(ctx: RequestContext): Promise<void> {
  const { n, last } = pageParams(ctx);
  const repo = await ctx.pullRepository();
  if (!repo) throw new OciError('NAME_UNKNOWN', { name: ctx.name }, `repository "${ctx.name}" has no images yet`);
  const tags = n === 0 ? [] : await ctx.deps.store.listTags(repo.id, n + 1, last);
  const more = tags.length > n;
  const page = tags.slice(0, n);
  sendJson(ctx.res, 200, { name: ctx.name, tags: page }, nextLink(`${ctx.base}/tags/list`, n, page, more));
}

/** Repositories the caller may see, in byte order: pages of the table, filtered, until `n + 1` are found. */
export async function catalog(ctx: RequestContext): Promise<void> {
  const { n, last } = pageParams(ctx);
  const repos: string[] = [];
  let cursor = last;
  while (n > 0 && repos.length <= n) {
    const batch = await ctx.deps.store.catalog(Math.max(100, n + 1), cursor);
    for (const r of batch) if (repos.length <= n && (await ctx.auth.canSee(r.projectPath))) repos.push(r.path);
    if (batch.length < Math.max(100, n + 1)) break;
    cursor = batch[batch.length - 1]?.path;
  }
  const more = repos.length > n;
  const page = repos.slice(0, n);
  sendJson(ctx.res, 200, { repositories: page }, nextLink('/v2/_catalog', n, page, more));
}

export async function referrers(ctx: RequestContext): Promise<void> {
  const digest = parseDigest(ctx.ref);
  const artifactType = ctx.query.get('artifactType') ?? undefined;
  const repo = await ctx.pullRepository();
  const manifests = repo ? await ctx.deps.store.referrers(repo.id, digest.value, artifactType) : [];
  const headers: Record<string, string> = { 'content-type': MediaType.OciIndex };
  if (artifactType !== undefined) headers['oci-filters-applied'] = 'artifactType';
  sendJson(ctx.res, 200, { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }, headers);
}
