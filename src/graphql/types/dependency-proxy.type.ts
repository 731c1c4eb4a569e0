/** GitLab's dependency proxy types (gitlab-api.md §1 "Dependency proxy types", §2). */
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../pagination.js';
import { DependencyProxyManifestIDScalar, TimeScalar } from '../scalars.js';

export enum DependencyProxyManifestStatus {
  DEFAULT = 'default',
  PENDING_DESTRUCTION = 'pending_destruction',
  PROCESSING = 'processing',
  ERROR = 'error',
}
registerEnumType(DependencyProxyManifestStatus, {
  name: 'DependencyProxyManifestStatus',
  description: 'Status of a dependency proxy manifest',
});

@ObjectType({ description: 'Group-level Dependency Proxy settings' })
export class DependencyProxySetting {
  @Field({ description: 'Indicates whether the dependency proxy is enabled for the group.' })
  enabled!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'Identity credential used to authenticate with Docker Hub when pulling images (the secret is never readable).',
  })
  identity?: string | null;
}

@ObjectType({ description: 'Group-level Dependency Proxy TTL policy settings' })
export class DependencyProxyImageTtlGroupPolicy {
  @Field(() => TimeScalar, { nullable: true, description: 'Timestamp of creation.' })
  createdAt?: Date;

  @Field({ description: 'Indicates whether the policy is enabled or disabled.' })
  enabled!: boolean;

  @Field(() => Int, { nullable: true, description: 'Number of days to retain a cached image file.' })
  ttl?: number;

  @Field(() => TimeScalar, { nullable: true, description: 'Timestamp of the most recent update.' })
  updatedAt?: Date;
}

@ObjectType({ description: 'Dependency proxy manifest' })
export class DependencyProxyManifest {
  @Field(() => TimeScalar, { description: 'Date of creation.' })
  createdAt!: Date;

  @Field({ description: 'Digest of the manifest.' })
  digest!: string;

  @Field({
    description: 'Name of the manifest (`<image>:<tag>.json`, or `<image>@<digest>.json` when no tag names it).',
  })
  fileName!: string;

  @Field(() => DependencyProxyManifestIDScalar, { description: 'ID of the manifest.' })
  id!: string;

  @Field({ description: 'Name of the image (as Docker Hub names it: `library/alpine`).' })
  imageName!: string;

  @Field({ description: 'Size of the manifest file.' })
  size!: string;

  @Field(() => DependencyProxyManifestStatus, { description: 'Status of the manifest.' })
  status!: DependencyProxyManifestStatus;

  @Field(() => TimeScalar, { description: 'Date of most recent update.' })
  updatedAt!: Date;
}

@ObjectType({ description: 'Dependency proxy blob' })
export class DependencyProxyBlob {
  @Field(() => TimeScalar, { description: 'Date of creation.' })
  createdAt!: Date;

  @Field({ description: 'Name of the blob.' })
  fileName!: string;

  @Field({ description: 'Size of the blob file.' })
  size!: string;

  @Field(() => TimeScalar, { description: 'Date of most recent update.' })
  updatedAt!: Date;
}

@ObjectType({
  description: "The upstream's pull limit as it last reported it (Docker Hub's ratelimit headers); berth addition",
})
export class DependencyProxyUpstreamRateLimit {
  @Field(() => Int, { nullable: true, description: 'Pulls allowed per window (`ratelimit-limit`).' })
  limit?: number;

  @Field(() => Int, { nullable: true, description: 'Pulls left in the window (`ratelimit-remaining`).' })
  remaining?: number;
}

export const DependencyProxyManifestConnection = connectionType('DependencyProxyManifest', DependencyProxyManifest);
export const DependencyProxyBlobConnection = connectionType('DependencyProxyBlob', DependencyProxyBlob);
