import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { canReadProject } from '../../auth/policy.js';
import type { GraphQLContext } from '../context.js';
import { toGlobalId } from '../global-id.js';
import { type ContainerRegistryAccessLevel, Project } from '../types/project.type.js';

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => Project, {
    nullable: true,
    description: 'Find a project by its full path; null when it does not exist or the caller may not see it.',
  })
  async project(@Arg('fullPath', () => ID) fullPath: string, @Ctx() ctx: GraphQLContext): Promise<Project | null> {
    const info = await ctx.access.projectFor(fullPath);
    if (!info || info.fullPath !== fullPath) return null;
    const actor = await ctx.access.actor(ctx.caller, info);
    if (!canReadProject(info.visibility, ctx.caller.kind !== 'anonymous', actor.role, actor.admin)) return null;
    const row = await ctx.db.em.getKnex()('projects').first('name', 'path', 'created_at').where('id', info.id);
    return {
      dbId: info.id,
      id: toGlobalId('Project', info.id),
      name: row.name,
      path: row.path,
      fullPath: info.fullPath,
      visibility: info.visibility,
      containerRegistryAccessLevel: info.registryAccessLevel as unknown as ContainerRegistryAccessLevel,
      createdAt: new Date(row.created_at),
    };
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
