/** GitLab's container registry types (gitlab-api.md §1), with the same names, fields and enums. */
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../pagination.js';
import { BigIntScalar, TimeScalar } from '../scalars.js';
import { Project } from './project.type.js';
import { ContainerProtectionAccessLevel } from './protection.type.js';

export enum ContainerRepositoryStatus {
  DELETE_SCHEDULED = 'delete_scheduled',
  DELETE_FAILED = 'delete_failed',
  DELETE_ONGOING = 'delete_ongoing',
}
registerEnumType(ContainerRepositoryStatus, {
  name: 'ContainerRepositoryStatus',
  description: 'Status of a container repository',
});

export enum ContainerRepositoryCleanupStatus {
  UNSCHEDULED = 'cleanup_unscheduled',
  SCHEDULED = 'cleanup_scheduled',
  UNFINISHED = 'cleanup_unfinished',
  ONGOING = 'cleanup_ongoing',
}
registerEnumType(ContainerRepositoryCleanupStatus, {
  name: 'ContainerRepositoryCleanupStatus',
  description: 'Status of the tags cleanup of a container repository',
});

export enum ContainerRepositorySort {
  CREATED_ASC = 'CREATED_ASC',
  CREATED_DESC = 'CREATED_DESC',
  NAME_ASC = 'NAME_ASC',
  NAME_DESC = 'NAME_DESC',
  UPDATED_ASC = 'UPDATED_ASC',
  UPDATED_DESC = 'UPDATED_DESC',
}
registerEnumType(ContainerRepositorySort, {
  name: 'ContainerRepositorySort',
  description: 'Values for sorting container repositories',
});

export enum ContainerRepositoryTagSort {
  NAME_ASC = 'NAME_ASC',
  NAME_DESC = 'NAME_DESC',
  PUBLISHED_AT_ASC = 'PUBLISHED_AT_ASC',
  PUBLISHED_AT_DESC = 'PUBLISHED_AT_DESC',
}
registerEnumType(ContainerRepositoryTagSort, {
  name: 'ContainerRepositoryTagSort',
  description: 'Values for sorting tags',
});

@ObjectType({ description: 'Check permissions for the current user on a container repository' })
export class ContainerRepositoryPermissions {
  @Field({ description: 'If `true`, the user can perform `destroy_container_image` on this resource' })
  destroyContainerRepository!: boolean;
}

@ObjectType({ description: 'Check permissions for the current user on a container repository tag' })
export class ContainerRepositoryTagPermissions {
  @Field({ description: 'If `true`, the user can perform `destroy_container_image_tag` on this resource' })
  destroyContainerRepositoryTag!: boolean;
}

@ObjectType({ description: 'A container repository' })
export class ContainerRepository {
  dbId!: number;
  projectFullPath!: string;

  @Field(() => TimeScalar, { description: 'Timestamp when the container repository was created.' })
  createdAt!: Date;

  @Field(() => ContainerRepositoryCleanupStatus, {
    nullable: true,
    description: 'Tags cleanup status for the container repository.',
  })
  expirationPolicyCleanupStatus?: ContainerRepositoryCleanupStatus;

  @Field(() => TimeScalar, {
    nullable: true,
    description: 'Timestamp when the cleanup done by the expiration policy was started on the container repository.',
  })
  expirationPolicyStartedAt?: Date;

  @Field(() => ID, { description: 'ID of the container repository.' })
  id!: string;

  @Field(() => Int, { nullable: true, description: 'Number of deleted tags from the last cleanup.' })
  lastCleanupDeletedTagsCount?: number;

  @Field({ description: 'URL of the container repository.' })
  location!: string;

  @Field({
    description: 'Migration state of the container repository.',
    deprecationReason:
      'Returns an empty string. This was used for the migration of GitLab.com, which is now complete. Deprecated in GitLab 17.0.',
  })
  migrationState!: string;

  @Field({ description: 'Name of the container repository.' })
  name!: string;

  @Field({ description: 'Path of the container repository.' })
  path!: string;

  @Field(() => Project, { description: 'Project of the container registry.' })
  project!: Project;

  @Field({ description: 'Whether any matching container protection rule exists for the container.' })
  protectionRuleExists!: boolean;

  @Field(() => TimeScalar, {
    nullable: true,
    description: 'Timestamp when a repository tag was last created or updated (berth: on lists too).',
  })
  lastPublishedAt?: Date;

  @Field(() => ContainerRepositoryStatus, { nullable: true, description: 'Status of the container repository.' })
  status?: ContainerRepositoryStatus;

  @Field(() => Int, { description: 'Number of tags associated with the image.' })
  tagsCount!: number;

  @Field(() => TimeScalar, { description: 'Timestamp when the container repository was updated.' })
  updatedAt!: Date;

  @Field(() => ContainerRepositoryPermissions, { description: 'Permissions for the current user on the resource.' })
  userPermissions!: ContainerRepositoryPermissions;
}

@ObjectType({ description: 'A referrer for a container repository tag' })
export class ContainerRepositoryReferrer {
  @Field({ nullable: true, description: 'Artifact type of the referrer.' })
  artifactType?: string;

  @Field({ nullable: true, description: 'Digest of the referrer.' })
  digest?: string;

  @Field(() => ContainerRepositoryTagPermissions, { description: 'Permissions for the current user on the resource.' })
  userPermissions!: ContainerRepositoryTagPermissions;
}

@ObjectType({ description: 'A tag from a container repository' })
export class ContainerRepositoryTag {
  @Field(() => TimeScalar, { nullable: true, description: 'Timestamp when the tag was created.' })
  createdAt?: Date;

  @Field({ nullable: true, description: 'Digest of the tag.' })
  digest?: string;

  @Field({ description: 'URL of the tag.' })
  location!: string;

  @Field({ nullable: true, description: 'Media type of the tag.' })
  mediaType?: string;

  @Field({ description: 'Name of the tag.' })
  name!: string;

  @Field({ description: 'Path of the tag.' })
  path!: string;

  @Field(() => ContainerProtectionAccessLevel, {
    nullable: true,
    description: 'Minimum GitLab access level required to push and delete container image tags.',
  })
  protection?: ContainerProtectionAccessLevel;

  @Field(() => TimeScalar, { nullable: true, description: 'Timestamp when the tag was published.' })
  publishedAt?: Date;

  @Field(() => [ContainerRepositoryReferrer], {
    nullable: true,
    description: 'Referrers for the tag (with `referrers: true` on `tags`).',
  })
  referrers?: ContainerRepositoryReferrer[];

  @Field({ nullable: true, description: 'Revision of the tag.' })
  revision?: string;

  @Field({ nullable: true, description: 'Short revision of the tag.' })
  shortRevision?: string;

  @Field(() => BigIntScalar, { nullable: true, description: 'Size of the tag.' })
  totalSize?: string;

  @Field(() => ContainerRepositoryTagPermissions, { description: 'Permissions for the current user on the resource.' })
  userPermissions!: ContainerRepositoryTagPermissions;
}

export const ContainerRepositoryConnection = connectionType('ContainerRepository', ContainerRepository);
export const ContainerRepositoryTagConnection = connectionType('ContainerRepositoryTag', ContainerRepositoryTag);

@ObjectType({ description: 'Details of a container repository' })
export class ContainerRepositoryDetails extends ContainerRepository {}

@ObjectType({ description: 'Architecture, operating system and variant an image manifest was built for' })
export class ContainerRepositoryImagePlatform {
  @Field({ nullable: true, description: 'CPU architecture, e.g. `amd64`, `arm64`.' })
  architecture?: string;

  @Field({ nullable: true, description: 'Operating system, e.g. `linux`.' })
  os?: string;

  @Field({ nullable: true, description: 'Operating system version (Windows images).' })
  osVersion?: string;

  @Field({ nullable: true, description: 'CPU variant, e.g. `v8` for `arm64/v8`.' })
  variant?: string;
}

@ObjectType({ description: 'A platform manifest of a multi-platform image (an entry of an image index)' })
export class ContainerRepositoryImageManifest {
  @Field({ nullable: true, description: 'Digest of the manifest.' })
  digest?: string;

  @Field({ nullable: true, description: 'Media type of the manifest.' })
  mediaType?: string;

  @Field(() => ContainerRepositoryImagePlatform, { nullable: true, description: 'Platform of the manifest.' })
  platform?: ContainerRepositoryImagePlatform;

  @Field(() => BigIntScalar, { nullable: true, description: 'Size of the manifest, as the index declares it.' })
  size?: string;
}

@ObjectType({ description: 'Details of a container repository tag, with the platform manifests of an index' })
export class ContainerRepositoryTagDetails {
  @Field(() => TimeScalar, { nullable: true, description: 'Timestamp when the tag was created.' })
  createdAt?: Date;

  @Field({ nullable: true, description: 'Digest of the tag.' })
  digest?: string;

  @Field({ description: 'URL of the tag.' })
  location!: string;

  @Field(() => [ContainerRepositoryImageManifest], {
    nullable: true,
    description: 'Platform manifests of the tag; only for an image index or manifest list.',
  })
  manifests?: ContainerRepositoryImageManifest[];

  @Field({ nullable: true, description: 'Media type of the tag.' })
  mediaType?: string;

  @Field({ description: 'Name of the tag.' })
  name!: string;

  @Field({ description: 'Path of the tag.' })
  path!: string;

  @Field(() => ContainerRepositoryImagePlatform, {
    nullable: true,
    description: 'Platform of the image; null for an image index.',
  })
  platform?: ContainerRepositoryImagePlatform;

  @Field(() => TimeScalar, { nullable: true, description: 'Timestamp when the tag was published.' })
  publishedAt?: Date;

  @Field(() => BigIntScalar, { nullable: true, description: 'Size of the tag.' })
  totalSize?: string;
}
