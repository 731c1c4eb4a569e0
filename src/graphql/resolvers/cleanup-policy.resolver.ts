/**
 * Cleanup (tag expiration) policies in GraphQL: GitLab's `Project.containerTagsExpirationPolicy`, the
 * deprecated `containerExpirationPolicy` and `updateContainerExpirationPolicy`, with GitLab's enums and
 * permissions (Maintainer); and berth's additions: a preview that deletes nothing, "run now", and GitLab's
 * REST bulk delete by rule (`DELETE …/registry/repositories/:id/tags`) as a mutation with a dry run.
 */
import { GraphQLError } from 'graphql';
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
import { protectionLevelOf } from '../../auth/policy.js';
import { type Policy, type PolicyChanges, toRules } from '../../cleanup/cleanup.service.js';
import { type CleanupRules, InvalidPatternError, parseOlderThan } from '../../cleanup/evaluate.js';
import { type GraphQLContext, requireApiScope } from '../context.js';
import { fromGlobalId } from '../global-id.js';
import { readModel, registryRights, toRepository } from '../loaders.js';
import { administers, attempt, denied } from '../mutation-helpers.js';
import { type Connection, ConnectionArgs, paginate } from '../pagination.js';
import { ContainerRepositoryIDScalar } from '../scalars.js';
import {
  CadenceEnum,
  CleanupAction,
  CleanupReason,
  ContainerExpirationPolicy,
  ContainerRepositoryCleanupPreview,
  type ContainerTagCleanupDecision,
  ContainerTagCleanupDecisionConnection,
  ContainerTagsExpirationPolicy,
  ContainerTagsExpirationPolicyPreview,
  type KeepEnum,
  type OlderThanEnum,
  PolicyRules,
  UntrustedRegexpScalar,
} from '../types/cleanup-policy.type.js';
import { Project } from '../types/project.type.js';

function full(p: Policy): ContainerExpirationPolicy {
  return {
    cadence: p.cadence as CadenceEnum,
    createdAt: p.createdAt,
    enabled: p.enabled,
    keepN: (p.keepN ?? undefined) as KeepEnum | undefined,
    nameRegex: p.nameRegex ?? undefined,
    nameRegexKeep: p.nameRegexKeep ?? undefined,
    nextRunAt: p.nextRunAt ?? undefined,
    olderThan: (p.olderThan ?? undefined) as OlderThanEnum | undefined,
    updatedAt: p.updatedAt,
  };
}

@InputType('ContainerTagsExpirationPolicyPreviewInput', {
  description:
    "Policy rules to preview instead of the saved ones (berth). Omitted fields take GitLab's defaults (keepN 10, olderThan 90d); null turns a rule off.",
})
class PreviewInput extends PolicyRules {}

@Resolver(() => Project)
export class ProjectCleanupPolicyResolver {
  @FieldResolver(() => ContainerTagsExpirationPolicy, {
    nullable: true,
    description: 'Container tags expiration policy of the project.',
  })
  async containerTagsExpirationPolicy(
    @Root() project: Project,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContainerTagsExpirationPolicy | null> {
    const info = await ctx.access.projectFor(project.fullPath);
    if (!info || !(await registryRights(ctx, info)).read) return null;
    const policy = await ctx.loaders.expirationPolicy.load(info.id);
    if (!policy) return null;
    if (await administers(ctx, project.fullPath)) return full(policy);
    return { enabled: policy.enabled, nextRunAt: policy.nextRunAt ?? undefined };
  }

  @FieldResolver(() => ContainerExpirationPolicy, {
    nullable: true,
    description: 'Container expiration policy of the project.',
    deprecationReason: 'Use `containerTagsExpirationPolicy`. Deprecated in GitLab 17.5.',
  })
  async containerExpirationPolicy(
    @Root() project: Project,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ContainerExpirationPolicy | null> {
    if (!(await administers(ctx, project.fullPath))) return null;
    const policy = await ctx.loaders.expirationPolicy.load(project.dbId);
    return policy ? full(policy) : null;
  }

  @FieldResolver(() => ContainerTagsExpirationPolicyPreview, {
    nullable: true,
    description:
      'What the cleanup policy (the saved one, or `policy`) would delete and keep in every container repository of the project, with the reason for each tag; deletes nothing. Maintainer role (berth).',
  })
  async containerTagsExpirationPolicyPreview(
    @Root() project: Project,
    @Ctx() ctx: GraphQLContext,
    @Arg('policy', () => PreviewInput, { nullable: true }) policy?: PreviewInput | null,
  ): Promise<ContainerTagsExpirationPolicyPreview | null> {
    if (!(await administers(ctx, project.fullPath))) return null;
    const info = await ctx.access.projectFor(project.fullPath);
    if (!info) return null;
    const rules: CleanupRules | undefined = policy
      ? toRules({
          nameRegex: policy.nameRegex ?? null,
          nameRegexKeep: policy.nameRegexKeep ?? null,
          keepN: policy.keepN === undefined ? 10 : policy.keepN,
          olderThan: policy.olderThan === undefined ? '90d' : policy.olderThan,
        })
      : undefined;
    const plans = await invalidPatternIsUserError(() => ctx.cleanup.preview(info.id, rules));
    const repositories: ContainerRepositoryCleanupPreview[] = [];
    for (const plan of plans) {
      const row = await readModel(ctx).repository(plan.repositoryId);
      if (!row) continue;
      const decisions = plan.decisions.map(
        (d): ContainerTagCleanupDecision => ({
          name: d.tag.name,
          digest: d.tag.digest,
          publishedAt: new Date(d.tag.publishedAt),
          action: d.delete ? CleanupAction.DELETE : CleanupAction.KEEP,
          reason: d.reason as CleanupReason,
        }),
      );
      const deleteCount = decisions.filter((d) => d.action === CleanupAction.DELETE).length;
      repositories.push({
        repository: await toRepository(ctx, row, project, info),
        decisions,
        deleteCount,
        keepCount: decisions.length - deleteCount,
      });
    }
    return {
      repositories,
      deleteCount: repositories.reduce((n, r) => n + r.deleteCount, 0),
      keepCount: repositories.reduce((n, r) => n + r.keepCount, 0),
    };
  }
}

@Resolver(() => ContainerRepositoryCleanupPreview)
export class CleanupPreviewResolver {
  @FieldResolver(() => ContainerTagCleanupDecisionConnection, {
    description: 'The decisions, by tag name; optionally only the deleted or only the kept ones.',
  })
  tags(
    @Root() preview: ContainerRepositoryCleanupPreview,
    @Args() page: ConnectionArgs,
    @Arg('action', () => CleanupAction, { nullable: true }) action?: CleanupAction | null,
  ): Connection<ContainerTagCleanupDecision> {
    const chosen = preview.decisions
      .filter((d) => !action || d.action === action)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return paginate(chosen, page, (d) => d.name);
  }
}

/** RE2 refusing a pattern is the caller's mistake: a GraphQL error that says which pattern and why. */
async function invalidPatternIsUserError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InvalidPatternError) {
      throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    throw err;
  }
}

@InputType('UpdateContainerExpirationPolicyInput', {
  description: 'Autogenerated input type of UpdateContainerExpirationPolicy',
})
class UpdateContainerExpirationPolicyInput extends PolicyRules {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => ID, { description: 'Project path where the container expiration policy is located.' })
  projectPath!: string;

  @Field(() => CadenceEnum, { nullable: true, description: 'This container expiration policy schedule.' })
  cadence?: CadenceEnum;

  @Field({ nullable: true, description: 'Indicates whether this container expiration policy is enabled.' })
  enabled?: boolean;
}

@ObjectType('UpdateContainerExpirationPolicyPayload', {
  description: 'Autogenerated return type of UpdateContainerExpirationPolicy.',
})
class UpdateContainerExpirationPolicyPayload {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => ContainerExpirationPolicy, {
    nullable: true,
    description: 'Container expiration policy after mutation.',
    deprecationReason: 'Use `containerTagsExpirationPolicy`. Deprecated in GitLab 17.5.',
  })
  containerExpirationPolicy?: ContainerExpirationPolicy;

  @Field(() => ContainerTagsExpirationPolicy, {
    nullable: true,
    description: 'Container tags expiration policy after mutation.',
  })
  containerTagsExpirationPolicy?: ContainerTagsExpirationPolicy;

  @Field(() => [String], { description: 'Errors encountered during execution of the mutation.' })
  errors!: string[];
}

@InputType('RunContainerExpirationPolicyInput', {
  description: 'Autogenerated input type of RunContainerExpirationPolicy',
})
class RunContainerExpirationPolicyInput {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => ID, { description: 'Project path where the container expiration policy is located.' })
  projectPath!: string;
}

@ObjectType('RunContainerExpirationPolicyPayload', {
  description: 'Autogenerated return type of RunContainerExpirationPolicy.',
})
class RunContainerExpirationPolicyPayload {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => Int, { nullable: true, description: 'Number of tags the run deleted, in all repositories.' })
  deletedTagsCount?: number;

  @Field(() => Int, { nullable: true, description: 'Number of container repositories the run went through.' })
  repositoriesCount?: number;

  @Field(() => [String], { description: 'Errors encountered during execution of the mutation.' })
  errors!: string[];
}

@InputType('DeleteContainerRepositoryTagsByRuleInput', {
  description: 'Autogenerated input type of DeleteContainerRepositoryTagsByRule',
})
class DeleteTagsByRuleInput {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => ContainerRepositoryIDScalar, { description: 'ID of the container repository.' })
  id!: string;

  @Field(() => UntrustedRegexpScalar, {
    description: "Tags with names matching this RE2 pattern are deleted (GitLab's `name_regex_delete`).",
  })
  nameRegexDelete!: string;

  @Field(() => UntrustedRegexpScalar, {
    nullable: true,
    description: 'Tags with names matching this RE2 pattern are kept (`name_regex_keep`).',
  })
  nameRegexKeep?: string;

  @Field(() => Int, { nullable: true, description: 'Number of the newest matching tags to keep (`keep_n`).' })
  keepN?: number;

  @Field({
    nullable: true,
    description: 'Delete only tags older than this: `1h`, `1d`, `2w`, `1month` (`older_than`).',
  })
  olderThan?: string;

  @Field({ nullable: true, defaultValue: false, description: 'Report what would be deleted, deleting nothing.' })
  dryRun?: boolean;
}

@ObjectType('DeleteContainerRepositoryTagsByRulePayload', {
  description: 'Autogenerated return type of DeleteContainerRepositoryTagsByRule.',
})
class DeleteTagsByRulePayload {
  @Field({ nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string;

  @Field(() => [String], { description: 'Tags deleted (with `dryRun`, the tags that would be).' })
  deletedTagNames!: string[];

  @Field(() => Int, { description: 'Number of tags deleted (or that would be).' })
  deletedTagsCount!: number;

  @Field({ description: 'Whether this was a dry run.' })
  dryRun!: boolean;

  @Field(() => [String], { description: 'Errors encountered during execution of the mutation.' })
  errors!: string[];
}

@Resolver()
export class CleanupPolicyMutationsResolver {
  @Mutation(() => UpdateContainerExpirationPolicyPayload, {
    nullable: true,
    description: 'Updates (or creates) the cleanup policy of a project. Maintainer role.',
  })
  async updateContainerExpirationPolicy(
    @Arg('input', () => UpdateContainerExpirationPolicyInput) input: UpdateContainerExpirationPolicyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UpdateContainerExpirationPolicyPayload> {
    requireApiScope(ctx);
    const info = await ctx.access.projectFor(input.projectPath);
    if (!info || !(await administers(ctx, input.projectPath))) throw denied();
    const changes: PolicyChanges = {};
    if (input.enabled !== undefined && input.enabled !== null) changes.enabled = input.enabled;
    if (input.cadence) changes.cadence = input.cadence;
    if (input.keepN !== undefined) changes.keepN = input.keepN ?? null;
    if (input.olderThan !== undefined) changes.olderThan = input.olderThan ?? null;
    if (input.nameRegex !== undefined) changes.nameRegex = input.nameRegex ?? null;
    if (input.nameRegexKeep !== undefined) changes.nameRegexKeep = input.nameRegexKeep ?? null;
    const { value, errors } = await attempt(() => ctx.cleanup.save(info.id, changes));
    return {
      clientMutationId: input.clientMutationId,
      containerExpirationPolicy: value && full(value),
      containerTagsExpirationPolicy: value && full(value),
      errors,
    };
  }

  @Mutation(() => RunContainerExpirationPolicyPayload, {
    nullable: true,
    description:
      'Runs the saved cleanup policy over every container repository of the project now, enabled or not, and answers when it is done. Maintainer role (berth).',
  })
  async runContainerExpirationPolicy(
    @Arg('input', () => RunContainerExpirationPolicyInput) input: RunContainerExpirationPolicyInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<RunContainerExpirationPolicyPayload> {
    requireApiScope(ctx);
    const info = await ctx.access.projectFor(input.projectPath);
    if (!info || !(await administers(ctx, input.projectPath))) throw denied();
    const result = await invalidPatternIsUserError(() => ctx.cleanup.run(info.id));
    if (!result.ran) {
      return { clientMutationId: input.clientMutationId, errors: ['A cleanup of this project is already running'] };
    }
    return {
      clientMutationId: input.clientMutationId,
      deletedTagsCount: result.deletedTags,
      repositoriesCount: result.repositories,
      errors: [],
    };
  }

  @Mutation(() => DeleteTagsByRulePayload, {
    nullable: true,
    description:
      "Deletes the tags of one container repository that match rules, with GitLab's bulk-delete semantics (`name_regex_delete`, `name_regex_keep`, `keep_n`, `older_than`; `latest` and protected tags are kept); synchronous, uncapped, with a dry run. Maintainer role (berth).",
  })
  async deleteContainerRepositoryTagsByRule(
    @Arg('input', () => DeleteTagsByRuleInput) input: DeleteTagsByRuleInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeleteTagsByRulePayload> {
    requireApiScope(ctx);
    const dbId = fromGlobalId('ContainerRepository', input.id);
    const row = dbId === undefined ? undefined : await readModel(ctx).repository(dbId);
    const info = row && (await ctx.access.projectFor(row.path));
    if (!row || !info || !(await administers(ctx, info.fullPath))) throw denied();
    const dryRun = input.dryRun ?? false;
    const fail = (message: string) => ({
      clientMutationId: input.clientMutationId,
      deletedTagNames: [],
      deletedTagsCount: 0,
      dryRun,
      errors: [message],
    });
    let older: number | undefined;
    if (input.olderThan) {
      older = parseOlderThan(input.olderThan);
      if (older === undefined)
        return fail(`olderThan "${input.olderThan}" is not a duration such as 1h, 7d, 2w or 1month`);
    }
    if (input.keepN !== undefined && input.keepN !== null && input.keepN < 0) return fail('keepN must not be negative');
    // Tags the caller may not delete under a protection rule are kept, as in GitLab's delete service.
    const actor = await ctx.access.actor(ctx.caller, info);
    const level = protectionLevelOf(actor);
    const rules = await ctx.access.tagRules(info.id);
    const isProtected = (name: string) => rules.some((r) => level < r.delete && r.pattern.matcher(name).find());
    let decisions: Awaited<ReturnType<typeof ctx.cleanup.plan>>;
    try {
      decisions = await ctx.cleanup.plan(
        row.id,
        {
          nameRegex: input.nameRegexDelete,
          nameRegexKeep: input.nameRegexKeep ?? null,
          keepN: input.keepN ?? null,
          olderThanMs: older ?? null,
        },
        isProtected,
      );
    } catch (err) {
      if (err instanceof InvalidPatternError) return fail(err.message);
      throw err;
    }
    const names = decisions
      .filter((d) => d.delete)
      .map((d) => d.tag.name)
      .sort();
    if (!dryRun) await ctx.store.deleteTags(row.id, names);
    return {
      clientMutationId: input.clientMutationId,
      deletedTagNames: names,
      deletedTagsCount: names.length,
      dryRun,
      errors: [],
    };
  }
}
