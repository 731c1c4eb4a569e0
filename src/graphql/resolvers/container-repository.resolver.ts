/**
 * Container repositories and tags in GraphQL, as GitLab's registry pages query them:
 * `Project.containerRepositories` / `containerRepositoriesCount`, `Query.containerRepository(id)` →
 * `ContainerRepositoryDetails` with `tags`, `size` and `manifest(reference)`.
 */
import { GraphQLError } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Float, Int, Query, Resolver, Root } from 'type-graphql';
import { SMALL_BLOB } from '../../content/blob-store.js';
import { AccessLevel } from '../../db/entities/member.entity.js';
import type { TagRow } from '../../db/registry-read-model.js';
import { parseDigest } from '../../oci/digest.js';
import { type Descriptor, type ParsedManifest, parseManifest } from '../../oci/manifest.js';
import { isValidTag } from '../../oci/reference.js';
import type { GraphQLContext } from '../context.js';
import { fromGlobalId } from '../global-id.js';
import { readModel, registryRights, toRepository, visibleProject } from '../loaders.js';
import { type Connection, ConnectionArgs, paginate } from '../pagination.js';
import { ContainerRepositoryIDScalar } from '../scalars.js';
import {
  ContainerRepository,
  ContainerRepositoryConnection,
  ContainerRepositoryDetails,
  type ContainerRepositoryImagePlatform,
  ContainerRepositorySort,
  type ContainerRepositoryTag,
  ContainerRepositoryTagConnection,
  ContainerRepositoryTagDetails,
  ContainerRepositoryTagSort,
} from '../types/container-repository.type.js';
import { Project } from '../types/project.type.js';
import { TagProtectionLevel } from '../types/protection.type.js';

const EMPTY = { nodes: [], edges: [], count: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false } };
/** GitLab's page size limit for tags. */
const MAX_TAGS_PAGE = 20;

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Orders repositories as `sort` says; ties by id, so pages are stable. */
export function sortRepositories<T extends ContainerRepository>(repos: T[], sort: ContainerRepositorySort): T[] {
  const [field, dir] = sort.split('_') as [string, string];
  const value = (r: T) =>
    field === 'NAME' ? r.name : field === 'CREATED' ? r.createdAt.getTime() : r.updatedAt.getTime();
  const sign = dir === 'ASC' ? 1 : -1;
  return [...repos].sort((a, b) => sign * cmp(value(a), value(b)) || sign * cmp(a.dbId, b.dbId));
}

@Resolver(() => Project)
export class ProjectRegistryResolver {
  private async repositories(project: Project, ctx: GraphQLContext, name?: string | null) {
    const info = await ctx.access.projectFor(project.fullPath);
    if (!info) return undefined;
    const rights = await registryRights(ctx, info);
    if (!rights.read) return undefined;
    const rows = await ctx.loaders.projectRepositories.load(info.id);
    const filtered = name ? rows.filter((r) => r.name.toLowerCase().includes(name.toLowerCase())) : rows;
    return { info, rows: filtered };
  }

  @FieldResolver(() => ContainerRepositoryConnection, {
    nullable: true,
    description: 'Container repositories of the project.',
  })
  async containerRepositories(
    @Root() project: Project,
    @Ctx() ctx: GraphQLContext,
    @Args() page: ConnectionArgs,
    @Arg('name', () => String, { nullable: true, description: 'Filter the container repositories by their name.' })
    name?: string | null,
    @Arg('sort', () => ContainerRepositorySort, {
      nullable: true,
      defaultValue: ContainerRepositorySort.CREATED_DESC,
      description: 'Sort container repositories by the criteria.',
    })
    sort: ContainerRepositorySort = ContainerRepositorySort.CREATED_DESC,
  ): Promise<Connection<ContainerRepository>> {
    const found = await this.repositories(project, ctx, name);
    if (!found) return EMPTY;
    const nodes = await Promise.all(found.rows.map((r) => toRepository(ctx, r, project, found.info)));
    return paginate(sortRepositories(nodes, sort), page, (n) => String(n.dbId));
  }

  @FieldResolver(() => Int, { description: 'Number of container repositories in the project.' })
  async containerRepositoriesCount(@Root() project: Project, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await this.repositories(project, ctx))?.rows.length ?? 0;
  }
}

/** Numeric protection levels (auth/policy.ts) as GitLab's enum. */
function levelName(level: number): TagProtectionLevel | undefined {
  if (level >= 1000) return TagProtectionLevel.ADMIN;
  if (level >= AccessLevel.Owner) return TagProtectionLevel.OWNER;
  if (level > 0) return TagProtectionLevel.MAINTAINER;
  return undefined;
}

function platformOf(p: Descriptor['platform'] | Record<string, unknown> | undefined): ContainerRepositoryImagePlatform {
  const v = (p ?? {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  return {
    architecture: str(v.architecture),
    os: str(v.os),
    osVersion: str(v['os.version']),
    variant: str(v.variant),
  };
}

/**
 * Fields every repository has, on lists too (berth adds `tags` and `size` to `ContainerRepository`, so a
 * page can show repositories with their tags in one request); `ContainerRepositoryDetails` inherits them.
 */
@Resolver(() => ContainerRepository)
export class ContainerRepositoryFieldsResolver {
  @FieldResolver(() => Float, { nullable: true, description: 'Deduplicated size of the image repository in bytes.' })
  size(@Root() repo: ContainerRepository, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders.repositorySize.load(repo.dbId);
  }

  @FieldResolver(() => ContainerRepositoryTagConnection, {
    nullable: true,
    description: 'Tags of the container repository (at most 20 a page).',
  })
  async tags(
    @Root() repo: ContainerRepository,
    @Ctx() ctx: GraphQLContext,
    @Args() page: ConnectionArgs,
    @Arg('name', () => String, { nullable: true, description: 'Search by tag name.' }) name?: string | null,
    @Arg('sort', () => ContainerRepositoryTagSort, { nullable: true, description: 'Sort tags by these criteria.' })
    sort?: ContainerRepositoryTagSort | null,
    @Arg('referrers', () => Boolean, { nullable: true, description: 'Include tag referrers.' })
    referrers?: boolean | null,
    @Arg('referrerType', () => String, {
      nullable: true,
      description:
        'Comma-separated list of artifact types used to filter referrers. Applies only when `referrers` is set to `true`.',
    })
    referrerType?: string | null,
  ): Promise<Connection<ContainerRepositoryTag>> {
    for (const [argName, n] of [
      ['first', page.first],
      ['last', page.last],
    ] as const) {
      if (n !== undefined && n !== null && n < 0) throw new GraphQLError(`Argument '${argName}' must not be negative`);
    }
    const result = await ctx.loaders.tagPage.load({
      repositoryId: repo.dbId,
      args: {
        name: name || null,
        sort: sort ?? ContainerRepositoryTagSort.NAME_ASC,
        after: page.after ?? null,
        before: page.before ?? null,
        first: page.first ?? null,
        last: page.last ?? null,
        max: MAX_TAGS_PAGE,
      },
    });
    const types = referrerType
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const info = await ctx.access.projectFor(repo.projectFullPath);
    const actor = info && (await ctx.access.actor(ctx.caller, info));
    const destroy = repo.userPermissions.destroyContainerRepository;
    const host = new URL(ctx.publicUrl).host;
    const nodes = await Promise.all(
      result.rows.map(async (r: TagRow): Promise<ContainerRepositoryTag> => {
        const revision = r.configDigest?.split(':')[1];
        const [size, refs, levels, deleteBlocked] = await Promise.all([
          ctx.loaders.totalSize.load(r.manifestId),
          referrers
            ? ctx.loaders.referrers.load({ repositoryId: repo.dbId, digest: r.digest, artifactTypes: types })
            : undefined,
          info ? ctx.access.tagProtectionLevels(info.id, r.name) : undefined,
          destroy && info && actor ? ctx.access.tagProtection(actor, info, [r.name], 'delete') : undefined,
        ]);
        const tagPermissions = { destroyContainerRepositoryTag: destroy && !deleteBlocked };
        return {
          name: r.name,
          path: `${repo.path}:${r.name}`,
          location: `${host}/${repo.path}:${r.name}`,
          digest: r.digest,
          mediaType: r.mediaType,
          revision,
          shortRevision: revision?.slice(0, 9),
          totalSize: String(size),
          createdAt: r.createdAt,
          publishedAt: r.updatedAt,
          protection: levels && {
            minimumAccessLevelForPush: levelName(levels.push),
            minimumAccessLevelForDelete: levelName(levels.delete),
          },
          userPermissions: tagPermissions,
          referrers: refs?.map((x) => ({ ...x, userPermissions: tagPermissions })),
        };
      }),
    );
    return {
      nodes,
      edges: nodes.map((node, i) => ({ cursor: result.cursors[i] as string, node })),
      count: result.count,
      pageInfo: {
        hasNextPage: result.hasNextPage,
        hasPreviousPage: result.hasPreviousPage,
        startCursor: result.cursors[0],
        endCursor: result.cursors[result.cursors.length - 1],
      },
    };
  }
}

@Resolver(() => ContainerRepositoryDetails)
export class ContainerRepositoryResolver {
  @Query(() => ContainerRepositoryDetails, {
    nullable: true,
    description: 'Find a container repository; null when it does not exist or the caller may not see it.',
  })
  async containerRepository(
    @Arg('id', () => ContainerRepositoryIDScalar, { description: 'Global ID of the container repository.' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContainerRepositoryDetails | null> {
    const dbId = fromGlobalId('ContainerRepository', id);
    if (dbId === undefined) return null;
    const row = await readModel(ctx).repository(dbId);
    if (!row) return null;
    const info = await ctx.access.projectFor(row.path);
    if (!info) return null;
    const project = await visibleProject(ctx, info.fullPath);
    if (!project || !(await registryRights(ctx, info)).read) return null;
    return toRepository(ctx, row, project, info);
  }

  @FieldResolver(() => String, { nullable: true, description: 'An image manifest from the container repository.' })
  async manifest(
    @Root() repo: ContainerRepositoryDetails,
    @Ctx() ctx: GraphQLContext,
    @Arg('reference', { description: 'Tag name or digest of the manifest.' }) reference: string,
  ): Promise<string | null> {
    const m = await this.manifestRow(ctx, repo.dbId, reference);
    return m ? m.payload.toString('utf8') : null;
  }

  private manifestRow(ctx: GraphQLContext, repositoryId: number, reference: string) {
    if (reference.includes(':')) return ctx.store.manifestByDigest(repositoryId, reference);
    return isValidTag(reference) ? ctx.store.manifestByTag(repositoryId, reference) : Promise.resolve(undefined);
  }

  @FieldResolver(() => ContainerRepositoryTagDetails, {
    nullable: true,
    description:
      'Details of one tag: the platform of an image, or the platform manifests of an image index. Null when there is no such tag.',
  })
  async tagDetails(
    @Root() repo: ContainerRepositoryDetails,
    @Ctx() ctx: GraphQLContext,
    @Arg('name', { description: 'Name of the tag.' }) name: string,
  ): Promise<ContainerRepositoryTagDetails | null> {
    if (!isValidTag(name)) return null;
    const page = await ctx.loaders.tagPage.load({
      repositoryId: repo.dbId,
      args: { sort: ContainerRepositoryTagSort.NAME_ASC, first: 1, max: 1, exact: name },
    });
    const tag = page.rows[0];
    if (!tag) return null;
    const manifest = await ctx.store.manifestByDigest(repo.dbId, tag.digest);
    if (!manifest) return null;
    const host = new URL(ctx.publicUrl).host;
    const details: ContainerRepositoryTagDetails = {
      name: tag.name,
      path: `${repo.path}:${tag.name}`,
      location: `${host}/${repo.path}:${tag.name}`,
      digest: tag.digest,
      mediaType: tag.mediaType,
      createdAt: tag.createdAt,
      publishedAt: tag.updatedAt,
      totalSize: String(await ctx.loaders.totalSize.load(tag.manifestId)),
    };
    let parsed: ParsedManifest;
    try {
      parsed = parseManifest(manifest.payload, manifest.mediaType);
    } catch {
      return details; // stored before berth understood its type: digest and size are still right
    }
    if (parsed.kind === 'index') {
      details.manifests = parsed.manifests.map((d) => ({
        digest: d.digest,
        mediaType: d.mediaType,
        size: String(d.size),
        platform: d.platform ? platformOf(d.platform) : undefined,
      }));
    } else {
      details.platform = platformOf(await this.imageConfig(ctx, parsed.config.digest, parsed.config.size));
    }
    return details;
  }

  /** The image configuration (architecture, os, variant), when it is small JSON as configs are. */
  private async imageConfig(ctx: GraphQLContext, digest: string, size: number): Promise<Record<string, unknown>> {
    if (size > SMALL_BLOB) return {};
    try {
      const value = JSON.parse((await ctx.blobs.readSmall(parseDigest(digest), size, 0, size - 1)).toString('utf8'));
      return typeof value === 'object' && value !== null ? value : {};
    } catch {
      return {};
    }
  }
}
