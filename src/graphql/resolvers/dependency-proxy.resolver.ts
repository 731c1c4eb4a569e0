/**
 * The dependency proxy in GraphQL, with GitLab's names: a group's setting, TTL policy, cached manifests and
 * blobs, their counts and size, the image prefix; `updateDependencyProxySettings` and
 * `updateDependencyProxyImageTtlGroupPolicy` (Owner, as GitLab since 17.0). berth additions: the upstream's
 * last reported pull limit, and `purgeDependencyProxyCache` for a whole group or one image (GitLab has the
 * group purge in REST only, and no per-image purge).
 */
import {
  Arg,
  Args,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
} from 'type-graphql';
import { AccessLevel } from '../../db/entities/member.entity.js';
import { upstreamImage } from '../../proxy/names.js';
import { type GraphQLContext, requireApiScope } from '../context.js';
import { toGlobalId } from '../global-id.js';
import { denied, roleIn } from '../mutation-helpers.js';
import { type Connection, ConnectionArgs, paginate } from '../pagination.js';
import { BigIntScalar } from '../scalars.js';
import {
  type DependencyProxyBlob,
  DependencyProxyBlobConnection,
  DependencyProxyImageTtlGroupPolicy,
  type DependencyProxyManifest,
  DependencyProxyManifestConnection,
  DependencyProxyManifestStatus,
  DependencyProxySetting,
  DependencyProxyUpstreamRateLimit,
} from '../types/dependency-proxy.type.js';
import { Group } from '../types/group.type.js';
import { GroupResolver } from './group.resolver.js';

/** Sizes as GitLab prints them (Rails' number_to_human_size): "512 Bytes", "1.5 KB", "3.28 MB". */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'Byte' : 'Bytes'}`;
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

/** Whether the caller may read the group's proxy (a member, Guest and above, or an administrator). */
async function mayRead(ctx: GraphQLContext, group: Group): Promise<boolean> {
  return (await roleIn(ctx, group.fullPath)) >= AccessLevel.Guest;
}

const EMPTY = { nodes: [], edges: [], count: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false } };

@Resolver(() => Group)
export class GroupDependencyProxyResolver {
  @FieldResolver(() => DependencyProxySetting, {
    nullable: true,
    description: 'Dependency Proxy settings for the group.',
  })
  async dependencyProxySetting(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DependencyProxySetting | null> {
    if (!(await mayRead(ctx, group))) return null;
    const s = await ctx.proxy.store.settings(group.dbId);
    return { enabled: s.enabled, identity: s.identity ?? null };
  }

  @FieldResolver(() => DependencyProxyImageTtlGroupPolicy, {
    nullable: true,
    description: 'Dependency proxy TTL policy for the group.',
  })
  async dependencyProxyImageTtlPolicy(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DependencyProxyImageTtlGroupPolicy | null> {
    if (!(await mayRead(ctx, group))) return null;
    return ctx.proxy.store.ttlPolicy(group.dbId);
  }

  @FieldResolver(() => DependencyProxyManifestConnection, {
    nullable: true,
    description: 'Dependency Proxy manifests.',
  })
  async dependencyProxyManifests(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
    @Args() page: ConnectionArgs,
  ): Promise<Connection<DependencyProxyManifest>> {
    if (!(await mayRead(ctx, group))) return EMPTY;
    const rows = await ctx.proxy.store.manifests(group.dbId);
    const nodes = rows.map((r) => ({
      id: toGlobalId('DependencyProxy::Manifest', r.id),
      imageName: r.imageName,
      digest: r.digest,
      fileName: r.tag ? `${r.imageName}:${r.tag}.json` : `${r.imageName}@${r.digest}.json`,
      size: humanSize(r.size),
      status: DependencyProxyManifestStatus.DEFAULT,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
    return paginate(nodes, page, (n) => n.id);
  }

  @FieldResolver(() => DependencyProxyBlobConnection, { nullable: true, description: 'Dependency Proxy blobs.' })
  async dependencyProxyBlobs(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
    @Args() page: ConnectionArgs,
  ): Promise<Connection<DependencyProxyBlob>> {
    if (!(await mayRead(ctx, group))) return EMPTY;
    const rows = await ctx.proxy.store.blobs(group.dbId);
    const nodes = rows.map((r) => ({
      key: String(r.id),
      fileName: `${r.digest.split(':')[1]}.gz`,
      size: humanSize(r.size),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
    return paginate(nodes, page, (n) => n.key);
  }

  private async stats(group: Group, ctx: GraphQLContext) {
    if (!(await mayRead(ctx, group))) return { manifests: 0, blobs: 0, bytes: 0 };
    return ctx.loaders.once(`proxy-stats ${group.dbId}`, () => ctx.proxy.store.stats(group.dbId));
  }

  @FieldResolver(() => Int, { description: 'Number of dependency proxy images cached in the group.' })
  async dependencyProxyImageCount(@Root() group: Group, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await this.stats(group, ctx)).manifests;
  }

  @FieldResolver(() => Int, { description: 'Number of dependency proxy blobs cached in the group.' })
  async dependencyProxyBlobCount(@Root() group: Group, @Ctx() ctx: GraphQLContext): Promise<number> {
    return (await this.stats(group, ctx)).blobs;
  }

  @FieldResolver(() => String, { description: 'Total size of the dependency proxy cached images.' })
  async dependencyProxyTotalSize(@Root() group: Group, @Ctx() ctx: GraphQLContext): Promise<string> {
    return humanSize((await this.stats(group, ctx)).bytes);
  }

  @FieldResolver(() => BigIntScalar, { description: 'Total size of the dependency proxy cached images in bytes.' })
  async dependencyProxyTotalSizeBytes(@Root() group: Group, @Ctx() ctx: GraphQLContext): Promise<string> {
    return String((await this.stats(group, ctx)).bytes);
  }

  @FieldResolver(() => String, { description: 'Prefix for pulling images when using the dependency proxy.' })
  dependencyProxyImagePrefix(@Root() group: Group, @Ctx() ctx: GraphQLContext): string {
    return `${new URL(ctx.publicUrl).host}/${group.fullPath}/dependency_proxy/containers`;
  }

  @FieldResolver(() => DependencyProxyUpstreamRateLimit, {
    nullable: true,
    description:
      "The upstream's pull limit as it last reported it (Docker Hub's ratelimit-limit and ratelimit-remaining headers); null until it has. berth addition.",
  })
  async dependencyProxyUpstreamRateLimit(
    @Root() group: Group,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DependencyProxyUpstreamRateLimit | null> {
    if (!(await mayRead(ctx, group))) return null;
    const rate = ctx.proxy.rateLimit();
    return rate.limit === undefined && rate.remaining === undefined ? null : rate;
  }
}

@InputType('UpdateDependencyProxySettingsInput', {
  description: 'Autogenerated input type of UpdateDependencyProxySettings',
})
class UpdateDependencyProxySettingsInput {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => ID, { description: 'Group path for the group dependency proxy.' })
  groupPath!: string;

  @Field({ nullable: true, description: 'Indicates whether the policy is enabled or disabled.' })
  enabled?: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'Identity credential used to authenticate with Docker Hub when pulling images. Set with `secret`; empty clears both.',
  })
  identity?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Secret credential used to authenticate with Docker Hub. Never readable.',
  })
  secret?: string | null;
}

@ObjectType('UpdateDependencyProxySettingsPayload', {
  description: 'Autogenerated return type of UpdateDependencyProxySettings.',
})
class UpdateDependencyProxySettingsPayload {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => DependencyProxySetting, {
    nullable: true,
    description: 'Group dependency proxy settings after mutation.',
  })
  dependencyProxySetting?: DependencyProxySetting;

  @Field(() => [String], { description: 'Errors encountered during execution of the mutation.' })
  errors!: string[];
}

@InputType('UpdateDependencyProxyImageTtlGroupPolicyInput', {
  description: 'Autogenerated input type of UpdateDependencyProxyImageTtlGroupPolicy',
})
class UpdateDependencyProxyImageTtlGroupPolicyInput {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => ID, { description: 'Group path for the group dependency proxy image TTL policy.' })
  groupPath!: string;

  @Field({ nullable: true, description: 'Indicates whether the policy is enabled or disabled.' })
  enabled?: boolean;

  @Field(() => Int, { nullable: true, description: 'Number of days to retain a cached image file.' })
  ttl?: number;
}

@ObjectType('UpdateDependencyProxyImageTtlGroupPolicyPayload', {
  description: 'Autogenerated return type of UpdateDependencyProxyImageTtlGroupPolicy.',
})
class UpdateDependencyProxyImageTtlGroupPolicyPayload {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => DependencyProxyImageTtlGroupPolicy, {
    nullable: true,
    description: 'Group image TTL policy after mutation.',
  })
  dependencyProxyImageTtlPolicy?: DependencyProxyImageTtlGroupPolicy;

  @Field(() => [String], { description: 'Errors encountered during execution of the mutation.' })
  errors!: string[];
}

@InputType('PurgeDependencyProxyCacheInput', {
  description: 'Input type of PurgeDependencyProxyCache (berth addition)',
})
class PurgeDependencyProxyCacheInput {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => ID, { description: 'Group path of the dependency proxy.' })
  groupPath!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Only this image (`alpine` and `library/alpine` are the same image); the whole cache when absent.',
  })
  imageName?: string | null;
}

@ObjectType('PurgeDependencyProxyCachePayload', {
  description: 'Return type of PurgeDependencyProxyCache (berth addition).',
})
class PurgeDependencyProxyCachePayload {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => Int, { description: 'Cached manifests removed.' })
  manifests!: number;

  @Field(() => Int, { description: 'Cached tags removed.' })
  tags!: number;

  @Field(() => Int, { description: 'Blob links removed (the bytes go when garbage collection finds them unused).' })
  blobs!: number;

  @Field(() => [String], { description: 'Errors encountered during execution of the mutation.' })
  errors!: string[];
}

/** The group at `path` if the caller is its Owner (or an administrator); GitLab's refusal otherwise. */
async function ownedGroup(ctx: GraphQLContext, path: string): Promise<Group> {
  requireApiScope(ctx);
  const group = await new GroupResolver().group(path, ctx);
  if (!group || (await roleIn(ctx, path)) < AccessLevel.Owner) throw denied();
  return group;
}

@Resolver()
export class DependencyProxyMutationsResolver {
  @Mutation(() => UpdateDependencyProxySettingsPayload, {
    nullable: true,
    description: 'Updates the dependency proxy settings of a group (Owner).',
  })
  async updateDependencyProxySettings(
    @Arg('input', () => UpdateDependencyProxySettingsInput) input: UpdateDependencyProxySettingsInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UpdateDependencyProxySettingsPayload> {
    const group = await ownedGroup(ctx, input.groupPath);
    const errors: string[] = [];
    const identity = input.identity ?? undefined;
    const secret = input.secret ?? undefined;
    const clearing = identity === '' && (secret === undefined || secret === '');
    if (!clearing && (identity === undefined) !== (secret === undefined)) {
      errors.push('Identity and secret must both be set, or neither');
    }
    if ((identity?.length ?? 0) > 255 || (secret?.length ?? 0) > 255)
      errors.push('Identity and secret are at most 255 characters');
    if (errors.length === 0) {
      await ctx.proxy.store.saveSettings(group.dbId, {
        enabled: input.enabled ?? undefined,
        ...(clearing
          ? { identity: null, secretEncrypted: null }
          : identity !== undefined && secret !== undefined
            ? { identity, secretEncrypted: ctx.proxy.box.seal(secret) }
            : {}),
      });
      ctx.access.changed();
    }
    const s = await ctx.proxy.store.settings(group.dbId);
    return {
      clientMutationId: input.clientMutationId,
      errors,
      dependencyProxySetting: { enabled: s.enabled, identity: s.identity ?? null },
    };
  }

  @Mutation(() => UpdateDependencyProxyImageTtlGroupPolicyPayload, {
    nullable: true,
    description: 'Updates the dependency proxy image TTL policy of a group (Owner).',
  })
  async updateDependencyProxyImageTtlGroupPolicy(
    @Arg('input', () => UpdateDependencyProxyImageTtlGroupPolicyInput)
    input: UpdateDependencyProxyImageTtlGroupPolicyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UpdateDependencyProxyImageTtlGroupPolicyPayload> {
    const group = await ownedGroup(ctx, input.groupPath);
    const errors: string[] = [];
    if (input.ttl !== undefined && input.ttl !== null && (!Number.isInteger(input.ttl) || input.ttl <= 0)) {
      errors.push('Ttl must be greater than 0');
    }
    if (errors.length === 0) {
      await ctx.proxy.store.saveTtlPolicy(group.dbId, {
        enabled: input.enabled ?? undefined,
        ttl: input.ttl ?? undefined,
      });
    }
    return {
      clientMutationId: input.clientMutationId,
      errors,
      dependencyProxyImageTtlPolicy: await ctx.proxy.store.ttlPolicy(group.dbId),
    };
  }

  @Mutation(() => PurgeDependencyProxyCachePayload, {
    nullable: true,
    description: "Empties a group's dependency proxy cache, or removes one image from it (Owner). berth addition.",
  })
  async purgeDependencyProxyCache(
    @Arg('input', () => PurgeDependencyProxyCacheInput) input: PurgeDependencyProxyCacheInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PurgeDependencyProxyCachePayload> {
    const group = await ownedGroup(ctx, input.groupPath);
    const image = input.imageName ? upstreamImage(input.imageName) : undefined;
    const removed = await ctx.proxy.store.purge(group.dbId, image);
    return { clientMutationId: input.clientMutationId, errors: [], ...removed };
  }
}
