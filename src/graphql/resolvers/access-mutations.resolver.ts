/**
 * Members and tokens in GraphQL (berth's, in GitLab's mutation style; GitLab keeps most of these in REST).
 * Token secrets are returned once, in the create payload's `token`, and stored only as digests.
 */
import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver, registerEnumType } from 'type-graphql';
import { CiJobToken } from '../../db/entities/ci-job-token.entity.js';
import { DeployToken } from '../../db/entities/deploy-token.entity.js';
import { AccessLevel } from '../../db/entities/member.entity.js';
import { PersonalAccessToken } from '../../db/entities/personal-access-token.entity.js';
import { type GraphQLContext, requireApiScope } from '../context.js';
import { fromGlobalId, toGlobalId } from '../global-id.js';
import { attempt, denied, roleIn } from '../mutation-helpers.js';
import { TimeScalar } from '../scalars.js';

export enum AccessLevelEnum {
  GUEST = 10,
  REPORTER = 20,
  DEVELOPER = 30,
  MAINTAINER = 40,
  OWNER = 50,
}
registerEnumType(AccessLevelEnum, { name: 'AccessLevelEnum', description: 'Access level to a resource' });

@ObjectType({ description: 'A token (personal, deploy or CI job), without its secret.' })
class TokenInfo {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  name?: string;

  @Field({
    nullable: true,
    description: 'The user name to sign in with (deploy tokens; `gitlab-ci-token` for job tokens).',
  })
  username?: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => TimeScalar, { nullable: true })
  expiresAt?: Date;
}

@ObjectType('TokenCreatePayload', { description: 'A created token: `token` holds the secret, shown this once.' })
class TokenCreatePayload {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field(() => [String])
  errors!: string[];

  @Field({ nullable: true, description: 'The secret. It cannot be read again.' })
  token?: string;

  @Field(() => TokenInfo, { nullable: true })
  tokenInfo?: TokenInfo;
}

@ObjectType('TokenRevokePayload')
class TokenRevokePayload {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field(() => [String])
  errors!: string[];
}

@InputType('PersonalAccessTokenCreateInput')
class PatCreateInput {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field()
  name!: string;

  @Field(() => [String], {
    description: 'api, read_api, read_registry, write_registry, read_virtual_registry, write_virtual_registry',
  })
  scopes!: string[];

  @Field(() => TimeScalar, { nullable: true })
  expiresAt?: string;
}

@InputType('DeployTokenCreateInput')
class DeployTokenCreateInput {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field(() => ID, { description: 'Full path of the group or project.' })
  path!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'read_registry and/or write_registry' })
  scopes!: string[];

  @Field({ nullable: true, description: 'Default gitlab+deploy-token-<id>.' })
  username?: string;

  @Field(() => TimeScalar, { nullable: true })
  expiresAt?: string;
}

@InputType('CiJobTokenCreateInput')
class JobTokenCreateInput {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field(() => ID)
  projectPath!: string;

  @Field({ nullable: true, description: 'The user the job runs as (default: the caller).' })
  username?: string;

  @Field(() => Int, { nullable: true, description: 'Lifetime in seconds (default 3600, at most 86400).' })
  ttlSeconds?: number;
}

@InputType('TokenRevokeInput')
class TokenRevokeInput {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field(() => ID, { description: 'gid://berth/PersonalAccessToken/<id>, …/DeployToken/<id> or …/CiJobToken/<id>' })
  id!: string;
}

@InputType('MemberSetInput')
class MemberSetInput {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field()
  username!: string;

  @Field(() => ID, { description: 'Full path of the group or project.' })
  path!: string;

  @Field(() => AccessLevelEnum)
  accessLevel!: AccessLevelEnum;

  @Field(() => TimeScalar, { nullable: true })
  expiresAt?: string;
}

@InputType('MemberRemoveInput')
class MemberRemoveInput {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field()
  username!: string;

  @Field(() => ID)
  path!: string;
}

@ObjectType('MemberPayload')
class MemberPayload {
  @Field({ nullable: true })
  clientMutationId?: string;

  @Field(() => [String])
  errors!: string[];
}

const date = (v?: string) => (v ? new Date(v) : undefined);

@Resolver()
export class AccessMutationsResolver {
  @Mutation(() => TokenCreatePayload, {
    nullable: true,
    description: 'Creates a personal access token for the current user.',
  })
  async personalAccessTokenCreate(
    @Arg('input', () => PatCreateInput) input: PatCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TokenCreatePayload> {
    requireApiScope(ctx);
    const username = ctx.caller.username as string;
    const { value, errors } = await attempt(() =>
      ctx.identity().createPersonalAccessToken(username, {
        name: input.name,
        scopes: input.scopes,
        expiresAt: date(input.expiresAt),
      }),
    );
    return {
      clientMutationId: input.clientMutationId,
      errors,
      token: value?.secret,
      tokenInfo: value && {
        id: toGlobalId('PersonalAccessToken', value.token.id),
        name: value.token.name,
        scopes: value.token.scopes,
        expiresAt: value.token.expiresAt,
      },
    };
  }

  @Mutation(() => TokenCreatePayload, {
    nullable: true,
    description: 'Creates a deploy token of a group or project (Maintainer).',
  })
  async deployTokenCreate(
    @Arg('input', () => DeployTokenCreateInput) input: DeployTokenCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TokenCreatePayload> {
    requireApiScope(ctx);
    if ((await roleIn(ctx, input.path)) < AccessLevel.Maintainer) throw denied();
    const { value, errors } = await attempt(() =>
      ctx.identity().createDeployToken(input.path, {
        name: input.name,
        scopes: input.scopes,
        username: input.username,
        expiresAt: date(input.expiresAt),
      }),
    );
    return {
      clientMutationId: input.clientMutationId,
      errors,
      token: value?.secret,
      tokenInfo: value && {
        id: toGlobalId('DeployToken', value.token.id),
        name: value.token.name,
        username: value.token.username,
        scopes: value.token.scopes,
        expiresAt: value.token.expiresAt,
      },
    };
  }

  @Mutation(() => TokenCreatePayload, {
    nullable: true,
    description: 'Issues a CI job token for a project (Maintainer), used as gitlab-ci-token.',
  })
  async ciJobTokenCreate(
    @Arg('input', () => JobTokenCreateInput) input: JobTokenCreateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TokenCreatePayload> {
    requireApiScope(ctx);
    if ((await roleIn(ctx, input.projectPath)) < AccessLevel.Maintainer) throw denied();
    const { value, errors } = await attempt(() =>
      ctx.identity().createJobToken(ctx.caller.username as string, input.projectPath, {
        username: input.username,
        ttlMs: input.ttlSeconds === undefined ? undefined : input.ttlSeconds * 1000,
      }),
    );
    return {
      clientMutationId: input.clientMutationId,
      errors,
      token: value?.secret,
      tokenInfo: value && {
        id: toGlobalId('CiJobToken', value.token.id),
        username: 'gitlab-ci-token',
        scopes: [],
        expiresAt: value.token.expiresAt,
      },
    };
  }

  @Mutation(() => TokenRevokePayload, {
    nullable: true,
    description: "Revokes a token: one's own personal token, or a deploy or job token where one is Maintainer.",
  })
  async tokenRevoke(
    @Arg('input', () => TokenRevokeInput) input: TokenRevokeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TokenRevokePayload> {
    requireApiScope(ctx);
    const em = ctx.db.em.fork();
    const pat = fromGlobalId('PersonalAccessToken', input.id);
    const deploy = fromGlobalId('DeployToken', input.id);
    const job = fromGlobalId('CiJobToken', input.id);
    if (pat !== undefined) {
      const t = await em.findOne(PersonalAccessToken, { id: pat });
      if (!t || (t.user.id !== ctx.caller.userId && !ctx.caller.admin)) throw denied();
      await ctx.identity().revoke('pat', pat);
    } else if (deploy !== undefined) {
      const t = await em.findOne(DeployToken, { id: deploy }, { populate: ['project', 'group'] });
      const path = t?.project?.fullPath ?? t?.group?.fullPath;
      if (!t || !path || (await roleIn(ctx, path)) < AccessLevel.Maintainer) throw denied();
      await ctx.identity().revoke('deploy', deploy);
    } else if (job !== undefined) {
      const t = await em.findOne(CiJobToken, { id: job }, { populate: ['project'] });
      if (!t || (await roleIn(ctx, t.project.fullPath)) < AccessLevel.Maintainer) throw denied();
      await ctx.identity().revoke('job', job);
    } else {
      throw denied();
    }
    return { clientMutationId: input.clientMutationId, errors: [] };
  }

  @Mutation(() => MemberPayload, {
    nullable: true,
    description: 'Adds a member or changes their role (Maintainer; only Owners grant Owner).',
  })
  async memberSet(
    @Arg('input', () => MemberSetInput) input: MemberSetInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberPayload> {
    requireApiScope(ctx);
    const mine = await roleIn(ctx, input.path);
    if (mine < AccessLevel.Maintainer || (input.accessLevel >= AccessLevel.Owner && mine < AccessLevel.Owner))
      throw denied();
    const { errors } = await attempt(() =>
      ctx.identity().setMember(input.username, input.path, input.accessLevel as number, date(input.expiresAt)),
    );
    return { clientMutationId: input.clientMutationId, errors };
  }

  @Mutation(() => MemberPayload, {
    nullable: true,
    description: 'Removes a member from a group or project (Maintainer).',
  })
  async memberRemove(
    @Arg('input', () => MemberRemoveInput) input: MemberRemoveInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MemberPayload> {
    requireApiScope(ctx);
    if ((await roleIn(ctx, input.path)) < AccessLevel.Maintainer) throw denied();
    const { value, errors } = await attempt(() => ctx.identity().removeMember(input.username, input.path));
    return { clientMutationId: input.clientMutationId, errors: value === false ? ['no such membership'] : errors };
  }
}
