import { Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { Health } from '../types/health.type.js';

@Resolver()
export class HealthResolver {
  @Query(() => String, { description: "berth's version." })
  version(@Ctx() ctx: GraphQLContext): string {
    return ctx.info.version;
  }

  @Query(() => Health, { description: 'Checks the database and reports what this instance runs on.' })
  async health(@Ctx() ctx: GraphQLContext): Promise<Health> {
    const database = await ctx.db.em
      .getKnex()
      .raw('select 1')
      .then(() => true)
      .catch(() => false);
    return {
      status: database ? 'ok' : 'degraded',
      database,
      databaseKind: ctx.db.dialect,
      storageDriver: ctx.info.storageDriver,
    };
  }
}
