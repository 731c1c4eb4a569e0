import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccessMutationsResolver } from './resolvers/access-mutations.resolver.js';
import {
  CleanupPolicyMutationsResolver,
  CleanupPreviewResolver,
  ProjectCleanupPolicyResolver,
} from './resolvers/cleanup-policy.resolver.js';
import {
  ContainerRepositoryFieldsResolver,
  ContainerRepositoryResolver,
  ProjectRegistryResolver,
} from './resolvers/container-repository.resolver.js';
import { ContainerRepositoryMutationsResolver } from './resolvers/container-repository-mutations.resolver.js';
import {
  DependencyProxyMutationsResolver,
  GroupDependencyProxyResolver,
} from './resolvers/dependency-proxy.resolver.js';
import { GroupResolver } from './resolvers/group.resolver.js';
import { HealthResolver } from './resolvers/health.resolver.js';
import { NamespaceMutationsResolver } from './resolvers/namespace-mutations.resolver.js';
import { ProjectResolver } from './resolvers/project.resolver.js';
import { ProjectProtectionResolver, ProtectionMutationsResolver } from './resolvers/protection.resolver.js';
import { UserResolver } from './resolvers/user.resolver.js';

export const RESOLVERS = [
  HealthResolver,
  UserResolver,
  ProjectResolver,
  ProjectRegistryResolver,
  ContainerRepositoryFieldsResolver,
  ContainerRepositoryResolver,
  ContainerRepositoryMutationsResolver,
  ProjectCleanupPolicyResolver,
  CleanupPreviewResolver,
  CleanupPolicyMutationsResolver,
  GroupResolver,
  GroupDependencyProxyResolver,
  DependencyProxyMutationsResolver,
  ProjectProtectionResolver,
  ProtectionMutationsResolver,
  NamespaceMutationsResolver,
  AccessMutationsResolver,
] as const;

export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...RESOLVERS], validate: false });
}
