/** `group(fullPath)` and the registry over a group and its subgroups (`Group.containerRepositories`). */
import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Visibility } from '../../db/entities/project.entity.js';
import { toDate } from '../../db/sql.js';
import type { GraphQLContext } from '../context.js';
import { toGlobalId } from '../global-id.js';
import { registryRights, toRepository, visibleProject } from '../loaders.js';
import { type Connection, ConnectionArgs, paginate } from '../pagination.js';
import {
  type ContainerRepository,
  ContainerRepositoryConnection,
  ContainerRepositorySort,
} from '../types/container-repository.type.js';
import { Group } from '../types/group.type.js';
import { sortRepositories } from './container-repository.resolver.js';

@Resolver(() => Group)
export class GroupResolver {
  @Query(() => Group, {
    nullable: true,
    description: 'Find a group by its full path; null when it does not exist or the caller may not see it.',
  })
  async group(@Arg('fullPath', () => ID) fullPath: string, @Ctx() ctx: GraphQLContext): Promise<Group | null> {
    const row = await ctx.db.em
      .getKnex()('groups')
      .first('id', 'name', 'path', 'full_path', 'visibility', 'created_at')
      .where('full_path', fullPath);
    if (!row || !(await ctx.access.seesGroup(ctx.caller, { fullPath, visibility: row.visibility as Visibility })))
      return null;
    return {
      dbId: row.id,
      id: toGlobalId('Group', row.id),
      name: row.name,
      path: row.path,
      fullPath: row.full_path,
      visibility: row.visibility,
      createdAt: toDate(row.created_at),
    };
  }

  /** Every repository in the group's projects (and its subgroups') whose registry the caller may read. */
  private repositories(group: Group, ctx: GraphQLContext, name?: string | null): Promise<ContainerRepository[]> {
    return ctx.loaders.once(`group-repositories ${group.fullPath} ${name ?? ''}`, () =>
      this.loadRepositories(group, ctx, name),
    );
  }

  private async loadRepositories(
    group: Group,
    ctx: GraphQLContext,
    name?: string | null,
  ): Promise<ContainerRepository[]> {
    const projects = await ctx.access.projectsBelow(group.fullPath, ctx.caller);
    const matches = (row: { name: string }) => !name || row.name.toLowerCase().includes(name.toLowerCase());
    const perProject = await Promise.all(
      projects.map(async (info) => {
        if (!(await registryRights(ctx, info)).read) return [];
        const project = await visibleProject(ctx, info.fullPath);
        if (!project) return [];
        const rows = await ctx.loaders.projectRepositories.load(info.id);
        return Promise.all(rows.filter(matches).map((row) => toRepository(ctx, row, project, info)));
      }),
    );
    return perProject.flat();
  }

  @FieldResolver(() => ContainerRepositoryConnection, {
    nullable: true,
    description: 'Container repositories of the group and its subgroups.',
  })
  async containerRepositories(
    @Root() group: Group,
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
    return paginate(sortRepositories(await this.repositories(group, ctx, name), sort), page, (n) => String(n.dbId));
  }

  @FieldResolver(() => Int, { description: 'Number of container repositories in the group.' })
  async containerRepositoriesCount(@Root() group: Group, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await this.repositories(group, ctx)).length;
  }
}
