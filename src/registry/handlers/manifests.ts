/**
 * Manifests by tag or digest: GET, HEAD, PUT, DELETE (distribution-spec § Pulling manifests, § Pushing
 * manifests, § Deleting tags and manifests). Bytes are stored and served exactly as pushed.
 */
import type { ManifestRow, RepositoryRow } from '../../db/registry-store.js';
import { type Digest, digestOf, parseDigest } from '../../oci/digest.js';
import { parseManifest } from '../../oci/manifest.js';
import { isIndexMediaType, MANIFEST_MEDIA_TYPES } from '../../oci/media-types.js';
import { isValidTag } from '../../oci/reference.js';
import type { RequestContext } from '../context.js';
import { OciError } from '../errors.js';
import { readBody, send } from '../http.js';

/** distribution-spec: registries SHOULD accept manifests of at least 4 MiB. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

type Reference = { tag: string; digest?: undefined } | { digest: Digest; tag?: undefined };

function parseReference(ref: string): Reference {
  if (ref.includes(':')) return { digest: parseDigest(ref) };
  if (!isValidTag(ref))
    throw new OciError(
      'MANIFEST_INVALID',
      { tag: ref },
      `invalid tag "${ref}": tags match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`,
    );
  return { tag: ref };
}

async function find(ctx: RequestContext, repo: RepositoryRow | undefined, ref: Reference): Promise<ManifestRow> {
  const m =
    repo &&
    (ref.digest
      ? await ctx.deps.store.manifestByDigest(repo.id, ref.digest.value)
      : await ctx.deps.store.manifestByTag(repo.id, ref.tag));
  if (!m) throw new OciError('MANIFEST_UNKNOWN', ref.digest ? { digest: ref.digest.value } : { tag: ref.tag });
  return m;
}

export async function getManifest(ctx: RequestContext): Promise<void> {
  const ref = parseReference(ctx.ref);
  const repo = await ctx.pullRepository();
  const found = await find(ctx, repo, ref);
  const m = await negotiate(ctx, found);
  const etag = `"${m.digest}"`;
  const headers = { 'content-type': m.mediaType, 'docker-content-digest': m.digest, etag, 'content-length': m.size };
  if (ctx.req.headers['if-none-match'] === etag) return send(ctx.res, 304, headers);
  send(ctx.res, 200, headers, ctx.head ? undefined : m.payload);
}

/**
 * Content negotiation by Accept. A client that does not accept the stored type gets MANIFEST_UNKNOWN, except
 * that a client accepting image manifests but not indexes gets the linux/amd64 image of an index, as
 * Distribution does for old Docker clients.
 */
async function negotiate(ctx: RequestContext, m: ManifestRow): Promise<ManifestRow> {
  const accepted = parseAccept(ctx.req.headers.accept);
  if (accepted === undefined || accepted.has('*/*') || accepted.has(m.mediaType)) return m;
  if (isIndexMediaType(m.mediaType)) {
    const children = await ctx.deps.store.childManifests(m.id);
    const platform = platformDigest(m.payload, 'linux', 'amd64');
    const child = children.find((c) => c.digest === platform && accepted.has(c.mediaType));
    if (child) return child;
  }
  throw new OciError(
    'MANIFEST_UNKNOWN',
    { digest: m.digest, mediaType: m.mediaType },
    `the manifest is ${m.mediaType}, which the request's Accept header does not list`,
  );
}

/** The set of manifest media types in Accept, or undefined when the header names none (accept anything). */
function parseAccept(header: string | undefined): Set<string> | undefined {
  if (!header) return undefined;
  const types = new Set(header.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase()));
  const relevant = [...types].some((t) => t === '*/*' || MANIFEST_MEDIA_TYPES.includes(t));
  return relevant ? types : undefined;
}

function platformDigest(payload: Buffer, os: string, architecture: string): string | undefined {
  const doc = JSON.parse(payload.toString('utf8')) as {
    manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
  };
  return doc.manifests?.find((d) => d.platform?.os === os && d.platform?.architecture === architecture)?.digest;
}

export async function putManifest(ctx: RequestContext): Promise<void> {
  const ref = parseReference(ctx.ref);
  const declared = Number(ctx.req.headers['content-length'] ?? 0);
  if (declared > MAX_MANIFEST_BYTES) throw tooLarge(declared);
  const repo = await ctx.pushRepository();
  const payload = await readBody(ctx.req, MAX_MANIFEST_BYTES);
  if (!payload) throw tooLarge();
  const digest = digestOf(payload, ref.digest?.algorithm ?? 'sha256');
  if (ref.digest && ref.digest.value !== digest) {
    throw new OciError(
      'DIGEST_INVALID',
      { expected: ref.digest.value, actual: digest },
      `the manifest's digest is ${digest}, not ${ref.digest.value}`,
    );
  }
  const parsed = parseManifest(payload, ctx.req.headers['content-type']);
  if (ref.tag !== undefined) await ctx.auth.checkTags([ref.tag], 'push');
  const problem = await ctx.deps.store.putManifest({ repositoryId: repo.id, digest, parsed, payload, tag: ref.tag });
  if (problem) {
    const missing = [...problem.missingBlobs, ...problem.missingManifests];
    if (missing.length > 0) {
      const what = [
        problem.missingBlobs.length ? `blobs ${problem.missingBlobs.join(', ')}` : '',
        problem.missingManifests.length ? `manifests ${problem.missingManifests.join(', ')}` : '',
      ].filter(Boolean);
      throw new OciError(
        'MANIFEST_BLOB_UNKNOWN',
        { missing },
        `the manifest references ${what.join(' and ')}, unknown to ${ctx.name}`,
      );
    }
    throw new OciError('MANIFEST_INVALID', { problems: problem.sizeMismatches }, problem.sizeMismatches.join('; '));
  }
  const headers: Record<string, string> = {
    location: `${ctx.base}/manifests/${digest}`,
    'docker-content-digest': digest,
  };
  if (parsed.subject) headers['oci-subject'] = parsed.subject.digest;
  send(ctx.res, 201, headers);
}

export async function deleteManifest(ctx: RequestContext): Promise<void> {
  const ref = parseReference(ctx.ref);
  const repo = await ctx.pullRepository();
  if (ref.tag !== undefined) {
    await ctx.auth.checkTags([ref.tag], 'delete');
    if (!repo || !(await ctx.deps.store.deleteTag(repo.id, ref.tag)))
      throw new OciError('MANIFEST_UNKNOWN', { tag: ref.tag });
    return send(ctx.res, 202, {});
  }
  // Deleting by digest removes its tags too: every protected one among them must be deletable by the caller.
  if (repo) await ctx.auth.checkTags(await ctx.deps.store.tagsOf(repo.id, ref.digest.value), 'delete');
  const result = repo ? await ctx.deps.store.deleteManifest(repo.id, ref.digest.value) : 'unknown';
  if (result === 'unknown') throw new OciError('MANIFEST_UNKNOWN', { digest: ref.digest.value });
  if (Array.isArray(result)) {
    throw new OciError(
      'DENIED',
      { digest: ref.digest.value, referencedBy: result },
      `manifest ${ref.digest.value} is listed by index ${result.join(', ')}; delete the index first`,
    );
  }
  send(ctx.res, 202, {});
}

function tooLarge(size?: number): OciError {
  return new OciError(
    'MANIFEST_TOO_LARGE',
    { limit: MAX_MANIFEST_BYTES, size },
    `manifests may be at most ${MAX_MANIFEST_BYTES} bytes`,
  );
}
