/** GitLab's cleanup (tag expiration) policy types and enums (gitlab-api.md §1 "Cleanup policy types", §2), and berth's preview. */
import { GraphQLScalarType, Kind } from 'graphql';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../pagination.js';
import { TimeScalar } from '../scalars.js';
import { ContainerRepository } from './container-repository.type.js';

export enum CadenceEnum {
  EVERY_DAY = '1d',
  EVERY_WEEK = '7d',
  EVERY_TWO_WEEKS = '14d',
  EVERY_MONTH = '1month',
  EVERY_THREE_MONTHS = '3month',
}
registerEnumType(CadenceEnum, { name: 'ContainerExpirationPolicyCadenceEnum' });

export enum KeepEnum {
  ONE_TAG = 1,
  FIVE_TAGS = 5,
  TEN_TAGS = 10,
  TWENTY_FIVE_TAGS = 25,
  FIFTY_TAGS = 50,
  ONE_HUNDRED_TAGS = 100,
}
registerEnumType(KeepEnum, { name: 'ContainerExpirationPolicyKeepEnum' });

export enum OlderThanEnum {
  ONE_DAY = '1d',
  THREE_DAYS = '3d',
  SEVEN_DAYS = '7d',
  FOURTEEN_DAYS = '14d',
  THIRTY_DAYS = '30d',
  SIXTY_DAYS = '60d',
  NINETY_DAYS = '90d',
  ONE_HUNDRED_EIGHTY_DAYS = '180d',
  THREE_HUNDRED_SIXTY_FIVE_DAYS = '365d',
  SEVEN_HUNDRED_THIRTY_DAYS = '730d',
  ONE_THOUSAND_NINETY_FIVE_DAYS = '1095d',
}
registerEnumType(OlderThanEnum, { name: 'ContainerExpirationPolicyOlderThanEnum' });

/** GitLab's `UntrustedRegexp`: an RE2 pattern, as a string (validated where it is used). */
export const UntrustedRegexpScalar = new GraphQLScalarType({
  name: 'UntrustedRegexp',
  description: 'A regexp containing patterns sourced from user input',
  serialize: String,
  parseValue: (v) => {
    if (typeof v !== 'string') throw new TypeError('UntrustedRegexp must be a string');
    return v;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('UntrustedRegexp must be a string');
    return ast.value;
  },
});

/** What both of GitLab's policy types, and the inputs, share: the rules (inherited; not itself in the schema). */
@ObjectType('ContainerExpirationPolicyRules')
@InputType('ContainerExpirationPolicyRulesInput')
export abstract class PolicyRules {
  @Field(() => KeepEnum, { nullable: true, description: 'Number of tags to retain.' })
  keepN?: KeepEnum | null;

  @Field(() => UntrustedRegexpScalar, {
    nullable: true,
    description: 'Tags with names matching the regex pattern will expire.',
  })
  nameRegex?: string | null;

  @Field(() => UntrustedRegexpScalar, {
    nullable: true,
    description: 'Tags with names matching the regex pattern will be preserved.',
  })
  nameRegexKeep?: string | null;

  @Field(() => OlderThanEnum, { nullable: true, description: 'Tags older than the given age will expire.' })
  olderThan?: OlderThanEnum | null;
}

@ObjectType('ContainerExpirationPolicyState')
abstract class PolicyState extends PolicyRules {
  @Field({ description: 'Indicates whether the policy is enabled.' })
  enabled!: boolean;

  @Field(() => TimeScalar, { nullable: true, description: 'Next time that the policy will get executed.' })
  nextRunAt?: Date;
}

@ObjectType('ContainerTagsExpirationPolicy', {
  description:
    'A tag expiration policy using regex patterns to control which images to keep or expire. Every field but `enabled` and `nextRunAt` needs the Maintainer role and is null for others.',
})
export class ContainerTagsExpirationPolicy extends PolicyState {
  @Field(() => CadenceEnum, { nullable: true, description: 'This container tags expiration policy schedule.' })
  cadence?: CadenceEnum;

  @Field(() => TimeScalar, {
    nullable: true,
    description: 'Timestamp of when the container tags expiration policy was created.',
  })
  createdAt?: Date;

  @Field(() => TimeScalar, {
    nullable: true,
    description: 'Timestamp of when the container tags expiration policy was updated.',
  })
  updatedAt?: Date;
}

@ObjectType('ContainerExpirationPolicy', {
  description:
    'A tag expiration policy designed to keep only the images that matter most. Deprecated in GitLab 17.5: use ContainerTagsExpirationPolicy.',
})
export class ContainerExpirationPolicy extends PolicyState {
  @Field(() => CadenceEnum, { description: 'This container expiration policy schedule.' })
  cadence!: CadenceEnum;

  @Field(() => TimeScalar, { description: 'Timestamp of when the container expiration policy was created.' })
  createdAt!: Date;

  @Field(() => TimeScalar, { description: 'Timestamp of when the container expiration policy was updated.' })
  updatedAt!: Date;
}

export enum CleanupAction {
  DELETE = 'delete',
  KEEP = 'keep',
}
registerEnumType(CleanupAction, {
  name: 'ContainerTagCleanupAction',
  description: 'What a cleanup policy does with a tag (berth).',
});

export enum CleanupReason {
  LATEST = 'LATEST',
  NAME_NOT_MATCHED = 'NAME_NOT_MATCHED',
  NAME_KEEP_MATCHED = 'NAME_KEEP_MATCHED',
  KEEP_N = 'KEEP_N',
  NOT_OLD_ENOUGH = 'NOT_OLD_ENOUGH',
  PROTECTED = 'PROTECTED',
  DELETE = 'DELETE',
}
registerEnumType(CleanupReason, {
  name: 'ContainerTagCleanupReason',
  description: "The rule of the cleanup policy that decided a tag, in GitLab's order of evaluation (berth).",
  valuesConfig: {
    LATEST: { description: 'The tag is `latest`, which is always kept.' },
    NAME_NOT_MATCHED: { description: 'The name does not match `nameRegex` (the tags to expire).' },
    NAME_KEEP_MATCHED: { description: 'The name matches `nameRegexKeep` (the tags to preserve).' },
    KEEP_N: { description: 'Among the newest `keepN` tags that matched the patterns.' },
    NOT_OLD_ENOUGH: { description: 'Published more recently than `olderThan`.' },
    PROTECTED: { description: 'A tag protection rule restricts deleting it.' },
    DELETE: { description: 'Every delete rule selects it: deleted.' },
  },
});

@ObjectType('ContainerTagCleanupDecision', {
  description: 'What a cleanup policy decides for one tag, and why (berth).',
})
export class ContainerTagCleanupDecision {
  @Field({ description: 'Name of the tag.' })
  name!: string;

  @Field({ description: 'Digest of the manifest the tag points at.' })
  digest!: string;

  @Field(() => TimeScalar, { description: 'When the tag was last pushed (the time `olderThan` and `keepN` use).' })
  publishedAt!: Date;

  @Field(() => CleanupAction, { description: 'Deleted or kept.' })
  action!: CleanupAction;

  @Field(() => CleanupReason, { description: 'The rule that decided.' })
  reason!: CleanupReason;
}

export const ContainerTagCleanupDecisionConnection = connectionType(
  'ContainerTagCleanupDecision',
  ContainerTagCleanupDecision,
);

@ObjectType('ContainerRepositoryCleanupPreview', {
  description: 'What a cleanup policy would do to one container repository (berth).',
})
export class ContainerRepositoryCleanupPreview {
  /** Every decision, for the `tags` field's resolver. */
  decisions!: ContainerTagCleanupDecision[];

  @Field(() => ContainerRepository, { description: 'The container repository.' })
  repository!: ContainerRepository;

  @Field(() => Int, { description: 'Number of tags the policy would delete.' })
  deleteCount!: number;

  @Field(() => Int, { description: 'Number of tags the policy would keep.' })
  keepCount!: number;
}

@ObjectType('ContainerTagsExpirationPolicyPreview', {
  description: 'What a cleanup policy would do to every container repository of a project, deleting nothing (berth).',
})
export class ContainerTagsExpirationPolicyPreview {
  @Field(() => [ContainerRepositoryCleanupPreview], { description: 'Per container repository.' })
  repositories!: ContainerRepositoryCleanupPreview[];

  @Field(() => Int, { description: 'Number of tags the policy would delete, in all repositories.' })
  deleteCount!: number;

  @Field(() => Int, { description: 'Number of tags the policy would keep, in all repositories.' })
  keepCount!: number;
}
