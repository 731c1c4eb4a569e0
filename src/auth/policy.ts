/**
 * Who may do what to a project's container registry: GitLab's rules as one pure function, so the table
 * in the docs, the tests and the code can be read side by side. Everything that loads the inputs (roles,
 * tokens, rules) lives in access.service.ts; /v2, /jwt/auth and GraphQL all ask through it.
 */
import { AccessLevel } from '../db/entities/member.entity.js';
import { RegistryAccessLevel, Visibility } from '../db/entities/project.entity.js';

export type RegistryAction = 'pull' | 'push' | 'delete';

/** GitLab's token scopes. */
export const SCOPES = [
  'api',
  'read_api',
  'read_registry',
  'write_registry',
  'read_virtual_registry',
  'write_virtual_registry',
] as const;
export type Scope = (typeof SCOPES)[number];
export const DEPLOY_TOKEN_SCOPES = ['read_registry', 'write_registry'] as const;

/** What kind of credential is acting. */
export type ActorKind = 'anonymous' | 'user' | 'deploy_token' | 'job_token';

export interface Actor {
  kind: ActorKind;
  /** The user's effective role in the project (0 when none); for a job token, its user's role. */
  role: number;
  /** Instance administrators see and do everything a Maintainer could, in every project. */
  admin: boolean;
  /** Scopes of the token; undefined for a password sign-in (all abilities). */
  scopes?: readonly string[];
  /** Deploy tokens: whether the token belongs to this project (or a group above it). */
  tokenCoversProject?: boolean;
  /** Job tokens: whether this is the job's own project. */
  ownProject?: boolean;
}

export interface ProjectAccess {
  visibility: Visibility;
  registryAccessLevel: RegistryAccessLevel;
}

/**
 * Whether `role` (plus whether someone is signed in) may view and pull, per GitLab's visibility table:
 *
 * | project / registry  | anonymous | signed in or Guest | Reporter+ |
 * |---------------------|-----------|--------------------|-----------|
 * | public + enabled    | yes       | yes                | yes       |
 * | public + private    | no        | no                 | yes       |
 * | internal + enabled  | no        | yes                | yes       |
 * | internal + private  | no        | no                 | yes       |
 * | private + any       | no        | no                 | yes       |
 * | disabled            | no        | no                 | no        |
 */
export function canView(project: ProjectAccess, signedIn: boolean, role: number): boolean {
  if (project.registryAccessLevel === RegistryAccessLevel.Disabled) return false;
  if (role >= AccessLevel.Reporter) return true;
  if (project.registryAccessLevel !== RegistryAccessLevel.Enabled) return false;
  if (project.visibility === Visibility.Public) return true;
  return project.visibility === Visibility.Internal && signedIn;
}

/**
 * Whether someone may see the project itself (GitLab's read_project): public to everyone, internal to
 * anyone signed in, private to its members (Guest and above) and administrators.
 */
export function canReadProject(visibility: Visibility, signedIn: boolean, role: number, admin: boolean): boolean {
  if (admin || role >= AccessLevel.Guest) return true;
  if (visibility === Visibility.Public) return true;
  return visibility === Visibility.Internal && signedIn;
}

function hasScope(actor: Actor, ...any: Scope[]): boolean {
  return actor.scopes === undefined || any.some((s) => actor.scopes?.includes(s));
}

/** The registry actions `actor` may take on `project` right now. */
export function allowedActions(actor: Actor, project: ProjectAccess): Set<RegistryAction> {
  const allowed = new Set<RegistryAction>();
  if (project.registryAccessLevel === RegistryAccessLevel.Disabled) return allowed;
  const role = actor.admin ? AccessLevel.Owner : actor.role;
  switch (actor.kind) {
    case 'anonymous':
      if (canView(project, false, 0)) allowed.add('pull');
      break;
    case 'user':
      if (hasScope(actor, 'api', 'read_api', 'read_registry') && canView(project, true, role)) allowed.add('pull');
      if (hasScope(actor, 'api', 'write_registry') && role >= AccessLevel.Developer) allowed.add('push');
      // Deleting images and tags needs Developer (GitLab's permissions table and its GraphQL
      // destroy_container_image) and, for a token, the `api` scope; read_registry/write_registry tokens
      // never delete. GitLab's /jwt/auth asked Maintainer for the same deletion: berth has one rule.
      if (hasScope(actor, 'api') && role >= AccessLevel.Developer) allowed.add('delete');
      break;
    case 'deploy_token':
      if (!actor.tokenCoversProject) {
        if (canView(project, true, 0)) allowed.add('pull');
        break;
      }
      if (hasScope(actor, 'read_registry')) allowed.add('pull');
      if (hasScope(actor, 'write_registry')) allowed.add('push');
      break;
    case 'job_token':
      // A job acts for its user, limited to the build abilities: its own project gets pull, push and
      // delete as far as the user's role allows; elsewhere only what any signed-in user may pull.
      if (!actor.ownProject) {
        if (canView(project, true, 0)) allowed.add('pull');
        break;
      }
      if (canView(project, true, role)) allowed.add('pull');
      if (role >= AccessLevel.Developer) {
        allowed.add('push');
        allowed.add('delete');
      }
      break;
  }
  return allowed;
}

/** The role a protection rule's level stands for; `admin` is above every role. */
export function protectionLevelValue(level: string | undefined | null): number {
  switch (level) {
    case 'maintainer':
      return AccessLevel.Maintainer;
    case 'owner':
      return AccessLevel.Owner;
    case 'admin':
      return 1000;
    default:
      return 0;
  }
}

/** The level an actor has against protection rules: admins pass every rule, tokens without a user none. */
export function protectionLevelOf(actor: Actor): number {
  if (actor.admin) return 1000;
  if (actor.kind === 'user' || actor.kind === 'job_token') return actor.role;
  return 0;
}

/** Who is pulling through a group's dependency proxy. */
export interface ProxyActor {
  kind: ActorKind;
  /** The user's role in the group (the highest of it and the groups above it). */
  role: number;
  admin: boolean;
  scopes?: readonly string[];
  /** Deploy tokens: whether the token belongs to this group or a group above it. */
  tokenCoversGroup?: boolean;
  /** Job tokens: whether the job's project is inside this group. */
  jobInGroup?: boolean;
}

/** Token scopes that may pull through the dependency proxy (GitLab's list). */
const PROXY_SCOPES: Scope[] = [
  'api',
  'read_registry',
  'write_registry',
  'read_virtual_registry',
  'write_virtual_registry',
];

/**
 * Whether `actor` may pull through a group's dependency proxy: any member of the group (Guest and above)
 * or an administrator, with a token that has a registry scope; a deploy token of the group (or a group
 * above it) with `read_registry`; a CI job token of a project in the group. Never anonymously (GitLab
 * requires signing in since 13.7, so a public group's proxy is not an open relay).
 */
export function canPullThroughProxy(actor: ProxyActor): boolean {
  switch (actor.kind) {
    case 'user':
      return hasScope(actor as Actor, ...PROXY_SCOPES) && (actor.admin || actor.role >= AccessLevel.Guest);
    case 'deploy_token':
      return !!actor.tokenCoversGroup && hasScope(actor as Actor, 'read_registry');
    case 'job_token':
      return !!actor.jobInGroup;
    default:
      return false;
  }
}
