/**
 * Container repositories and tags in GraphQL, as GitLab's registry pages query them:
 * `Project.containerRepositories` / `containerRepositoriesCount`, `Query.containerRepository(id)` →
 * `ContainerRepositoryDetails` with `tags`, `size` and `manifest(reference)`.
 */
import { GraphQLError } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Float, Int, Query, Resolver, Root } from 'type-graphql';
import type { TagRow } from '../../db/registry-read-model.js';
import { RegistryStore } from '../../db/registry-store.js';
import { isValidTag } from '../../oci/reference.js';
import type { GraphQLContext } from '../context.js';
import { fromGlobalId } from '../global-id.js';
import { readModel, registryRights, toRepository, visibleProject } from '../loaders.js';
import { type Connection, ConnectionArgs, paginate } from '../pagination.js';
import { ContainerRepositoryIDScalar } from '../scalars.js';
import {
  type ContainerRepository,
  ContainerRepositoryConnection,
  ContainerRepositoryDetails,
  ContainerRepositorySort,
  type ContainerRepositoryTag,
  ContainerRepositoryTagConnection,
  ContainerRepositoryTagSort,
} from '../types/container-repository.type.js';
import { Project } from '../types/project.type.js';

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
    const rows = await readModel(ctx).repositoriesOf(info.id);
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

  @FieldResolver(() => Float, { nullable: true, description: 'Deduplicated size of the image repository in bytes.' })
  async size(@Root() repo: ContainerRepositoryDetails, @Ctx() ctx: GraphQLContext): Promise<number> {
    return new RegistryStore(ctx.db.em.getKnex(), ctx.db.dialect).repositorySize(repo.dbId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'An image manifest from the container repository.' })
  async manifest(
    @Root() repo: ContainerRepositoryDetails,
    @Ctx() ctx: GraphQLContext,
    @Arg('reference', { description: 'Tag name or digest of the manifest.' }) reference: string,
  ): Promise<string | null> {
    const store = new RegistryStore(ctx.db.em.getKnex(), ctx.db.dialect);
    const m = reference.includes(':')
      ? await store.manifestByDigest(repo.dbId, reference)
      : isValidTag(reference)
        ? await store.manifestByTag(repo.dbId, reference)
        : undefined;
    return m ? m.payload.toString('utf8') : null;
  }

  @FieldResolver(() => ContainerRepositoryTagConnection, {
    nullable: true,
    description: 'Tags of the container repository.',
  })
  async tags(
    @Root() repo: ContainerRepositoryDetails,
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
    for (const [name, n] of [
      ['first', page.first],
      ['last', page.last],
    ] as const) {
      if (n !== undefined && n !== null && n < 0) throw new GraphQLError(`Argument '${name}' must not be negative`);
    }
    const result = await readModel(ctx).tagsPage(repo.dbId, {
      name,
      sort: sort ?? ContainerRepositoryTagSort.NAME_ASC,
      after: page.after,
      before: page.before,
      first: page.first,
      last: page.last,
      max: MAX_TAGS_PAGE,
    });
    const sizes = await readModel(ctx).totalSizes(result.rows.map((r) => r.manifestId));
    const refs = referrers
      ? await readModel(ctx).referrersOf(
          repo.dbId,
          result.rows.map((r) => r.digest),
          referrerType
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        )
      : undefined;
    const destroy = repo.userPermissions.destroyContainerRepository;
    const host = new URL(ctx.publicUrl).host;
    const toTag = (r: TagRow): ContainerRepositoryTag => {
      const revision = r.configDigest?.split(':')[1];
      return {
        name: r.name,
        path: `${repo.path}:${r.name}`,
        location: `${host}/${repo.path}:${r.name}`,
        digest: r.digest,
        mediaType: r.mediaType,
        revision,
        shortRevision: revision?.slice(0, 9),
        totalSize: String(sizes.get(r.manifestId) ?? r.size),
        createdAt: r.createdAt,
        publishedAt: r.updatedAt,
        userPermissions: { destroyContainerRepositoryTag: destroy },
        referrers:
          refs?.get(r.digest)?.map((x) => ({ ...x, userPermissions: { destroyContainerRepositoryTag: destroy } })) ??
          (refs ? [] : undefined),
      };
    };
    const nodes = result.rows.map(toTag);
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
