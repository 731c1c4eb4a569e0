/** GitLab's container protection rule types and enums (gitlab-api.md §1 "Protection types", §2). */

import { GraphQLScalarType, Kind } from 'graphql';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../pagination.js';

export enum ProtectionLevel {
  MAINTAINER = 'maintainer',
  OWNER = 'owner',
  ADMIN = 'admin',
}
registerEnumType(ProtectionLevel, {
  name: 'ContainerProtectionRepositoryRuleAccessLevel',
  description: 'Access level of a container registry protection rule resource',
});

export enum TagProtectionLevel {
  MAINTAINER = 'maintainer',
  OWNER = 'owner',
  ADMIN = 'admin',
}
registerEnumType(TagProtectionLevel, {
  name: 'ContainerProtectionTagRuleAccessLevel',
  description: 'Access level of a container registry tag protection rule resource',
});

@ObjectType({
  description:
    'The highest access levels of all the tag protection rules that match a tag; null when none matches (Developer+ may push and delete).',
})
export class ContainerProtectionAccessLevel {
  @Field(() => TagProtectionLevel, {
    nullable: true,
    description: 'Minimum GitLab access level required to delete container image tags from the container repository.',
  })
  minimumAccessLevelForDelete?: TagProtectionLevel;

  @Field(() => TagProtectionLevel, {
    nullable: true,
    description: 'Minimum GitLab access level required to push container image tags to the container repository.',
  })
  minimumAccessLevelForPush?: TagProtectionLevel;
}

function gidScalar(name: string, example: string): GraphQLScalarType {
  const parse = (v: unknown) => {
    if (typeof v !== 'string') throw new TypeError(`${name} must be a string`);
    return v;
  };
  return new GraphQLScalarType({
    name,
    description: `A \`${name}\` is a global ID. It is encoded as a string, e.g. "${example}".`,
    serialize: String,
    parseValue: parse,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new TypeError(`${name} must be a string`);
      return ast.value;
    },
  });
}

export const RuleIDScalar = gidScalar(
  'ContainerRegistryProtectionRuleID',
  'gid://berth/ContainerRegistry::Protection::Rule/1',
);
export const TagRuleIDScalar = gidScalar(
  'ContainerRegistryProtectionTagRuleID',
  'gid://berth/ContainerRegistry::Protection::TagRule/1',
);

@ObjectType({
  description:
    'A container repository protection rule designed to prevent users with a certain access level or lower from altering the container registry.',
})
export class ContainerProtectionRepositoryRule {
  @Field(() => RuleIDScalar, { description: 'ID of the container repository protection rule.' })
  id!: string;

  @Field(() => ProtectionLevel, {
    nullable: true,
    description: 'Minimum GitLab access level required to delete container images from the container repository.',
  })
  minimumAccessLevelForDelete?: ProtectionLevel;

  @Field(() => ProtectionLevel, {
    nullable: true,
    description: 'Minimum GitLab access level required to push container images to the container repository.',
  })
  minimumAccessLevelForPush?: ProtectionLevel;

  @Field({ description: 'Container repository path pattern protected by the protection rule.' })
  repositoryPathPattern!: string;
}

@ObjectType({
  description:
    'A container repository tag protection rule designed to prevent users with a certain access level or lower from altering the container registry.',
})
export class ContainerProtectionTagRule {
  @Field(() => TagRuleIDScalar, { description: 'ID of the container repository tag protection rule.' })
  id!: string;

  @Field(() => TagProtectionLevel, {
    nullable: true,
    description: 'Minimum GitLab access level required to delete container image tags from the container repository.',
  })
  minimumAccessLevelForDelete?: TagProtectionLevel;

  @Field(() => TagProtectionLevel, {
    nullable: true,
    description: 'Minimum GitLab access level required to push container image tags to the container repository.',
  })
  minimumAccessLevelForPush?: TagProtectionLevel;

  @Field({ description: 'The pattern that matches container image tags to protect.' })
  tagNamePattern!: string;
}

export const ContainerProtectionRepositoryRuleConnection = connectionType(
  'ContainerProtectionRepositoryRule',
  ContainerProtectionRepositoryRule,
);
export const ContainerProtectionTagRuleConnection = connectionType(
  'ContainerProtectionTagRule',
  ContainerProtectionTagRule,
);
