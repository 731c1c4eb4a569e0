import { Blob } from './blob.entity.js';
import { CiJobToken } from './ci-job-token.entity.js';
import { ContainerExpirationPolicy } from './cleanup-policy.entity.js';
import { ContainerRepository } from './container-repository.entity.js';
import {
  DependencyProxyBlob,
  DependencyProxyGroupSetting,
  DependencyProxyImageTtlGroupPolicy,
  DependencyProxyManifest,
  DependencyProxyTag,
} from './dependency-proxy.entity.js';
import { DeployToken } from './deploy-token.entity.js';
import { GcBlobReview, GcManifestReview } from './gc-queue.entity.js';
import { Group } from './group.entity.js';
import { Manifest } from './manifest.entity.js';
import { ManifestBlob } from './manifest-blob.entity.js';
import { ManifestReference } from './manifest-reference.entity.js';
import { Member } from './member.entity.js';
import { PersonalAccessToken } from './personal-access-token.entity.js';
import { Project } from './project.entity.js';
import { ContainerRepositoryProtectionRule, ContainerTagProtectionRule } from './protection-rule.entity.js';
import { RepositoryBlob } from './repository-blob.entity.js';
import { SigningKey } from './signing-key.entity.js';
import { Tag } from './tag.entity.js';
import { Upload } from './upload.entity.js';
import { User } from './user.entity.js';

export {
  Blob,
  CiJobToken,
  ContainerExpirationPolicy,
  ContainerRepository,
  ContainerRepositoryProtectionRule,
  ContainerTagProtectionRule,
  DependencyProxyBlob,
  DependencyProxyGroupSetting,
  DependencyProxyImageTtlGroupPolicy,
  DependencyProxyManifest,
  DependencyProxyTag,
  DeployToken,
  GcBlobReview,
  GcManifestReview,
  Group,
  Manifest,
  ManifestBlob,
  ManifestReference,
  Member,
  PersonalAccessToken,
  Project,
  RepositoryBlob,
  SigningKey,
  Tag,
  Upload,
  User,
};

export const ENTITIES = [
  Group,
  Project,
  ContainerRepository,
  Blob,
  RepositoryBlob,
  Manifest,
  ManifestBlob,
  ManifestReference,
  Tag,
  Upload,
  User,
  Member,
  PersonalAccessToken,
  DeployToken,
  CiJobToken,
  SigningKey,
  ContainerRepositoryProtectionRule,
  ContainerTagProtectionRule,
  DependencyProxyGroupSetting,
  DependencyProxyImageTtlGroupPolicy,
  DependencyProxyManifest,
  DependencyProxyTag,
  DependencyProxyBlob,
  ContainerExpirationPolicy,
  GcManifestReview,
  GcBlobReview,
];
