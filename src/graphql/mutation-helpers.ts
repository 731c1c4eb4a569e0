/** What every mutation resolver shares: GitLab's refusal, validation errors as `errors`, the caller's role. */
import { GraphQLError } from 'graphql';
import { AccessLevel } from '../db/entities/member.entity.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { type GraphQLContext, NO_PERMISSION } from './context.js';

/** GitLab's top-level error for what the caller may not see or do. */
export function denied(): GraphQLError {
  return new GraphQLError(NO_PERMISSION, { extensions: { code: 'FORBIDDEN' } });
}

/** Runs a change; validation failures, conflicts and unknown names become the payload's `errors`. */
export async function attempt<T>(fn: () => Promise<T>): Promise<{ value?: T; errors: string[] }> {
  try {
    return { value: await fn(), errors: [] };
  } catch (err) {
    if (err instanceof ValidationError || err instanceof ConflictError || err instanceof NotFoundError) {
      return { errors: [err.message] };
    }
    throw err;
  }
}

/**
 * The caller's role in a project (with its groups) or a group (with the groups above it); administrators
 * count as Owner, anonymous callers and tokens without a user as nothing.
 */
export async function roleIn(ctx: GraphQLContext, path: string): Promise<number> {
  if (ctx.caller.admin) return AccessLevel.Owner;
  if (ctx.caller.userId === undefined) return 0;
  const project = await ctx.access.projectFor(path);
  if (project && project.fullPath === path) return ctx.access.role(ctx.caller.userId, path, project.id);
  return ctx.access.groupRole(ctx.caller.userId, path);
}

/** Whether the caller administers the project's registry (Maintainer and above, or an administrator). */
export async function administers(ctx: GraphQLContext, projectPath: string): Promise<boolean> {
  const info = await ctx.access.projectFor(projectPath);
  if (!info || info.fullPath !== projectPath || ctx.caller.kind !== 'user') return false;
  return (await roleIn(ctx, projectPath)) >= AccessLevel.Maintainer;
}
