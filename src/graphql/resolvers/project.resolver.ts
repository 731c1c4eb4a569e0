import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { visibleProject } from '../loaders.js';
import { Project } from '../types/project.type.js';

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => Project, {
    nullable: true,
    description: 'Find a project by its full path; null when it does not exist or the caller may not see it.',
  })
  async project(@Arg('fullPath', () => ID) fullPath: string, @Ctx() ctx: GraphQLContext): Promise<Project | null> {
    return visibleProject(ctx, fullPath);
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
