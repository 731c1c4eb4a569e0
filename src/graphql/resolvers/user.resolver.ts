import { Ctx, Query, Resolver } from 'type-graphql';
import { User } from '../../db/entities/user.entity.js';
import type { GraphQLContext } from '../context.js';
import { toGlobalId } from '../global-id.js';
import { CurrentUser } from '../types/user.type.js';

@Resolver()
export class UserResolver {
  @Query(() => CurrentUser, { nullable: true, description: 'The user making the request; null when anonymous.' })
  async currentUser(@Ctx() ctx: GraphQLContext): Promise<CurrentUser | null> {
    if (ctx.caller.kind !== 'user' || ctx.caller.userId === undefined) return null;
    const user = await ctx.db.em.fork().findOne(User, { id: ctx.caller.userId });
    if (!user) return null;
    return {
      id: toGlobalId('User', user.id),
      username: user.username,
      name: user.name,
      state: user.state,
      admin: user.admin,
    };
  }
}
