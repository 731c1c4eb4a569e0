import { GraphQLError } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { AccessLevel } from '../../db/entities/member.entity.js';
import type { GraphQLContext } from '../context.js';
import { visibleProject } from '../loaders.js';
import { type Connection, ConnectionArgs, connectionType, paginate } from '../pagination.js';
import { Project } from '../types/project.type.js';

export const ProjectConnection = connectionType('Project', Project);

const PROJECT_SORTS = ['id_desc', 'id_asc', 'name_asc', 'name_desc', 'path_asc', 'path_desc'];

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => Project, {
    nullable: true,
    description: 'Find a project by its full path; null when it does not exist or the caller may not see it.',
  })
  async project(@Arg('fullPath', () => ID) fullPath: string, @Ctx() ctx: GraphQLContext): Promise<Project | null> {
    return visibleProject(ctx, fullPath);
  }

  @Query(() => ProjectConnection, {
    nullable: true,
    description: 'Find projects visible to the current user.',
  })
  async projects(
    @Ctx() ctx: GraphQLContext,
    @Args() page: ConnectionArgs,
    @Arg('search', () => String, {
      nullable: true,
      description: 'Search query, which can be for the project name, a path, or a description.',
    })
    search?: string | null,
    @Arg('membership', () => Boolean, {
      nullable: true,
      description: 'Return only projects that the current user is a member of.',
    })
    membership?: boolean | null,
    @Arg('sort', () => String, {
      nullable: true,
      defaultValue: 'id_desc',
      description: `Sort order of results: ${PROJECT_SORTS.join(', ')}.`,
    })
    sort = 'id_desc',
  ): Promise<Connection<Project>> {
    if (!PROJECT_SORTS.includes(sort)) {
      throw new GraphQLError(`sort must be one of ${PROJECT_SORTS.join(', ')}`, {
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    const infos = await ctx.access.projectsMatching(search ?? undefined, ctx.caller);
    const found = await Promise.all(
      infos.map(async (info) => {
        const project = await visibleProject(ctx, info.fullPath);
        if (!project || !membership) return project;
        if (ctx.caller.userId === undefined) return null;
        const role = await ctx.access.role(ctx.caller.userId, info.fullPath, info.id);
        return role >= AccessLevel.Guest ? project : null;
      }),
    );
    const projects = found.filter((p): p is Project => p !== null);
    const [field, dir] = sort.split('_') as [string, string];
    const key = (p: Project) => (field === 'id' ? p.dbId : field === 'name' ? p.name : p.fullPath);
    const sign = dir === 'asc' ? 1 : -1;
    projects.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return sign * (x < y ? -1 : x > y ? 1 : 0) || sign * (a.dbId - b.dbId);
    });
    return paginate(projects, page, (p) => String(p.dbId));
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: 'Indicates if Container registry is enabled for the current user.',
  })
  async containerRegistryEnabled(@Root() project: Project, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    const info = await ctx.access.projectFor(project.fullPath);
    return info !== undefined && ctx.access.canView(ctx.caller, info);
  }
}
