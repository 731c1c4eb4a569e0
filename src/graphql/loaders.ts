/** Loads what resolvers return, with the caller's visibility applied (the same rules as /v2). */
import type { ProjectInfo } from '../auth/access.service.js';
import { canReadProject } from '../auth/policy.js';
import { RegistryReadModel, type RepositoryListRow } from '../db/registry-read-model.js';
import type { GraphQLContext } from './context.js';
import { toGlobalId } from './global-id.js';
import type { ContainerRepository, ContainerRepositoryDetails } from './types/container-repository.type.js';
import { ContainerRepositoryCleanupStatus, type ContainerRepositoryStatus } from './types/container-repository.type.js';
import type { ContainerRegistryAccessLevel, Project } from './types/project.type.js';

export function readModel(ctx: GraphQLContext): RegistryReadModel {
  return new RegistryReadModel(ctx.db.em.getKnex(), ctx.db.dialect);
}

/** The project at `fullPath` if the caller may see it. */
export async function visibleProject(ctx: GraphQLContext, fullPath: string): Promise<Project | null> {
  const info = await ctx.access.projectFor(fullPath);
  if (!info || info.fullPath !== fullPath) return null;
  const actor = await ctx.access.actor(ctx.caller, info);
  if (!canReadProject(info.visibility, ctx.caller.kind !== 'anonymous', actor.role, actor.admin)) return null;
  const row = await ctx.loaders.project.load(info.id);
  if (!row) return null;
  return {
    dbId: info.id,
    id: toGlobalId('Project', info.id),
    name: row.name,
    path: row.path,
    fullPath: info.fullPath,
    visibility: info.visibility,
    containerRegistryAccessLevel: info.registryAccessLevel as unknown as ContainerRegistryAccessLevel,
    createdAt: row.createdAt,
  };
}

/**
 * Whether the caller may read the registry of `info` (pull) and destroy its images and tags: the very
 * actions /v2 grants (auth/policy.ts `allowedActions`), so the two APIs cannot disagree. Rights belong to the project, so they are asked for by the project's path: every repository of a page shares
 * one cached answer instead of a project lookup each.
 */
export async function registryRights(
  ctx: GraphQLContext,
  info: ProjectInfo,
): Promise<{ read: boolean; destroy: boolean }> {
  const { actions } = await ctx.access.actions(ctx.caller, info.fullPath);
  return { read: actions.has('pull'), destroy: actions.has('delete') };
}

export async function toRepository(
  ctx: GraphQLContext,
  row: RepositoryListRow,
  project: Project,
  info: ProjectInfo,
): Promise<ContainerRepositoryDetails> {
  const rights = await registryRights(ctx, info);
  const repo: ContainerRepository & { lastPublishedAt?: Date } = {
    dbId: row.id,
    projectFullPath: project.fullPath,
    id: toGlobalId('ContainerRepository', row.id),
    name: row.name,
    path: row.path,
    location: `${new URL(ctx.publicUrl).host}/${row.path}`,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    tagsCount: row.tagsCount,
    status: row.status as ContainerRepositoryStatus | undefined,
    migrationState: '',
    expirationPolicyCleanupStatus: row.cleanupStatus as ContainerRepositoryCleanupStatus,
    expirationPolicyStartedAt: row.cleanupStartedAt,
    lastCleanupDeletedTagsCount: row.lastCleanupDeletedTagsCount,
    project,
    protectionRuleExists: await ctx.access.protectedForPush(info.id, row.path),
    userPermissions: { destroyContainerRepository: rights.destroy },
    lastPublishedAt: row.lastPublishedAt,
  };
  return repo as ContainerRepositoryDetails;
}
