/**
 * The one place that answers "may this credential do that to this repository, now?" for /jwt/auth, /v2
 * and (later) GraphQL. It loads the inputs of policy.ts (the credential's state, the user's role through
 * project and inherited group memberships, the project's visibility and registry access level, the
 * protection rules) with indexed knex queries, and caches them for {@link TTL_MS}: a change made through
 * this process clears the cache at once, and with BERTH_REDIS_URL every other instance's too (change-bus.ts);
 * without Redis, another instance's change is seen within that second.
 */
import type { Knex } from '@mikro-orm/knex';
import { RE2JS } from 're2js';
import { type ChangeBus, LocalChangeBus } from '../cache/change-bus.js';
import { Lru } from '../cache/lru.js';
import { AccessLevel } from '../db/entities/member.entity.js';
import type { RegistryAccessLevel, Visibility } from '../db/entities/project.entity.js';
import type { Dialect } from '../db/orm.js';
import { dbTime, escapeLike, toMs } from '../db/sql.js';
import { type ProxyName, parseProxyName, proxyName } from '../proxy/names.js';
import {
  type Actor,
  type ActorKind,
  allowedActions,
  canPullThroughProxy,
  canView,
  type ProxyActor,
  protectionLevelOf,
  protectionLevelValue,
  type RegistryAction,
} from './policy.js';
import type { ActorRef } from './registry-token.js';

const TTL_MS = 1000;
/** Ids per `in (…)` list: well below SQLite's and PostgreSQL's limits on bound parameters. */
const IN_LIST_MAX = 5000;

/** A credential as it stands now; undefined from {@link AccessService.credential} once revoked, expired or blocked. */
export interface Credential {
  ref: ActorRef;
  kind: ActorKind;
  /** The user acting (users, PATs, job tokens). */
  userId?: number;
  username?: string;
  admin: boolean;
  scopes?: string[];
  deploy?: { projectId?: number; groupPath?: string };
  job?: { projectId: number };
}

/** A group whose dependency proxy is being used. */
export interface ProxyGroupInfo {
  id: number;
  fullPath: string;
  /** The group's dependency proxy setting (GitLab's `enabled`, default on). */
  enabled: boolean;
  /** Upstream credentials: the identity, and the secret as sealed at rest (proxy/secret-box.ts). */
  identity?: string;
  secretSealed?: string;
}

export interface ProjectInfo {
  id: number;
  fullPath: string;
  visibility: Visibility;
  registryAccessLevel: RegistryAccessLevel;
}

interface Rules {
  repository: { pattern: RegExp; push: number; delete: number }[];
  tags: { pattern: RE2JS; push: number; delete: number }[];
}

export const ANONYMOUS: Credential = { ref: 'anonymous', kind: 'anonymous', admin: false };

export class AccessService {
  private cache = new Lru<string, Promise<unknown>>({ maxEntries: 10_000, ttlMs: TTL_MS });

  constructor(
    private readonly knex: Knex,
    private readonly dialect: Dialect,
    private readonly bus: ChangeBus = new LocalChangeBus(),
  ) {
    bus.subscribe((topic) => {
      if (topic === 'access') this.forget();
    });
  }

  /** Forget everything cached (called after every identity, membership, project or rule change here). */
  changed(): void {
    this.forget();
    this.bus.publish('access');
  }

  /** Clears this process's caches (a change here, or one another instance announced). */
  private forget(): void {
    this.cache = new Lru<string, Promise<unknown>>({ maxEntries: 10_000, ttlMs: TTL_MS });
    for (const listener of this.listeners) listener();
  }

  private readonly listeners: (() => void)[] = [];

  /** Calls `listener` after every change made through this process. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Concurrent callers share one load; a failed load is not kept. */
  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit) return hit as Promise<T>;
    const cache = this.cache;
    const pending = load();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
    return pending;
  }

  /** The credential `ref` names, if it is still good (token not revoked or expired, user not blocked). */
  credential(ref: ActorRef): Promise<Credential | undefined> {
    if (ref === 'anonymous') return Promise.resolve(ANONYMOUS);
    return this.cached(`cred:${ref}`, () => this.loadCredential(ref));
  }

  private async loadCredential(ref: ActorRef): Promise<Credential | undefined> {
    const [kind, rawId] = ref.split(':');
    const id = Number(rawId);
    if (!Number.isSafeInteger(id)) return undefined;
    const now = Date.now();
    const live = (row: { expires_at?: unknown; revoked_at?: unknown }) =>
      row.revoked_at == null && (row.expires_at == null || toMs(row.expires_at) > now);
    const user = async (userId: number) => {
      const u = await this.knex('users').first('id', 'username', 'admin', 'state').where('id', userId);
      return u && u.state === 'active' ? u : undefined;
    };
    switch (kind) {
      case 'user': {
        const u = await user(id);
        return u && { ref, kind: 'user', userId: u.id, username: u.username, admin: !!u.admin };
      }
      case 'pat': {
        const t = await this.knex('personal_access_tokens').first().where('id', id);
        const u = t && live(t) ? await user(t.user_id) : undefined;
        return (
          u && {
            ref,
            kind: 'user',
            userId: u.id,
            username: u.username,
            admin: !!u.admin,
            scopes: parseScopes(t.scopes),
          }
        );
      }
      case 'deploy': {
        const t = await this.knex('deploy_tokens').first().where('id', id);
        if (!t || !live(t)) return undefined;
        const groupPath = t.group_id
          ? (await this.knex('groups').first('full_path').where('id', t.group_id))?.full_path
          : undefined;
        return {
          ref,
          kind: 'deploy_token',
          username: t.username,
          admin: false,
          scopes: parseScopes(t.scopes),
          deploy: { projectId: t.project_id ?? undefined, groupPath },
        };
      }
      case 'job': {
        const t = await this.knex('ci_job_tokens').first().where('id', id);
        const u = t && live(t) ? await user(t.user_id) : undefined;
        return (
          u && {
            ref,
            kind: 'job_token',
            userId: u.id,
            username: u.username,
            admin: !!u.admin,
            job: { projectId: t.project_id },
          }
        );
      }
      default:
        return undefined;
    }
  }

  /** The project a repository path belongs to (longest matching project path). */
  projectFor(path: string): Promise<ProjectInfo | undefined> {
    return this.cached(`proj:${path}`, async () => {
      const parts = path.split('/');
      const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      const rows = await this.knex('projects')
        .select('id', 'full_path', 'visibility', 'container_registry_access_level')
        .whereIn('full_path', candidates);
      const best = rows.sort((a, b) => b.full_path.length - a.full_path.length)[0];
      return best && toProjectInfo(best);
    });
  }

  /** The user's role in the project: the highest of its project membership and those of the groups above it. */
  role(userId: number, projectFullPath: string, projectId: number): Promise<number> {
    return this.cached(`role:${userId}:${projectId}`, async () => {
      const parts = projectFullPath.split('/');
      const groups = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
      const now = new Date();
      const rows = await this.knex('members as m')
        .leftJoin('groups as g', 'g.id', 'm.group_id')
        .max({ level: 'm.access_level' })
        .where('m.user_id', userId)
        .andWhere((q) => q.where('m.project_id', projectId).orWhereIn('g.full_path', groups))
        .andWhere((q) => q.whereNull('m.expires_at').orWhere('m.expires_at', '>', this.dialectNow(now)));
      return Number(rows[0]?.level ?? 0);
    });
  }

  /** A timestamp as MikroORM stores it in this dialect. */
  private dialectNow(now: Date): Date | number {
    return dbTime(this.dialect, now.getTime());
  }

  /** The policy's view of `cred` in `project`. */
  async actor(cred: Credential, project: ProjectInfo): Promise<Actor> {
    const role = cred.userId === undefined ? 0 : await this.role(cred.userId, project.fullPath, project.id);
    return {
      kind: cred.kind,
      role,
      admin: cred.admin,
      scopes: cred.scopes,
      tokenCoversProject:
        cred.deploy &&
        (cred.deploy.projectId === project.id ||
          (cred.deploy.groupPath !== undefined && project.fullPath.startsWith(`${cred.deploy.groupPath}/`))),
      ownProject: cred.job ? cred.job.projectId === project.id : undefined,
    };
  }

  /** The registry actions `cred` may take on the repository at `path` (empty when no project owns it). */
  async actions(
    cred: Credential,
    path: string,
  ): Promise<{ project?: ProjectInfo; actor?: Actor; proxyGroup?: ProxyGroupInfo; actions: Set<RegistryAction> }> {
    const proxy = parseProxyName(path) ?? (await this.mirrored(path));
    if (proxy) {
      const group = await this.proxyGroup(proxy.groupPath);
      if (!group) return { actions: new Set(cred.admin ? ['pull'] : []) };
      const allowed = canPullThroughProxy(await this.proxyActor(cred, group));
      return { proxyGroup: group, actions: new Set(allowed ? ['pull'] : []) };
    }
    const project = await this.projectFor(path);
    // Administrators get through to the registry's own answer (NAME_UNKNOWN); others learn nothing.
    if (!project) return { actions: new Set(cred.admin ? ['pull', 'push', 'delete'] : []) };
    const actor = await this.actor(cred, project);
    return { project, actor, actions: allowedActions(actor, project) };
  }

  /**
   * BERTH_MIRROR_GROUP: names that no project owns (`library/alpine`, as a Docker daemon's `registry-mirrors`
   * asks) are served through this group's dependency proxy.
   */
  mirrorGroup?: string;

  /** `path` as a mirror name, when a mirror group is set and no project owns `path`. */
  async mirrored(path: string): Promise<ProxyName | undefined> {
    if (!this.mirrorGroup || path === '' || (await this.projectFor(path))) return undefined;
    return proxyName(this.mirrorGroup, path);
  }

  /** The group at `path` with its dependency proxy setting, if it exists. */
  proxyGroup(path: string): Promise<ProxyGroupInfo | undefined> {
    return this.cached(`pgroup:${path}`, async () => {
      const row = await this.knex('groups as g')
        .leftJoin('dependency_proxy_group_settings as s', 's.group_id', 'g.id')
        .first('g.id', 'g.full_path', 's.enabled', 's.identity', 's.secret_encrypted')
        .where('g.full_path', path);
      return (
        row && {
          id: Number(row.id),
          fullPath: row.full_path,
          enabled: row.enabled == null || !!row.enabled,
          identity: row.identity ?? undefined,
          secretSealed: row.secret_encrypted ?? undefined,
        }
      );
    });
  }

  /** The user's role in the group at `groupPath`: the highest of its membership and those of the groups above. */
  groupRole(userId: number, groupPath: string): Promise<number> {
    return this.cached(`grole:${userId}:${groupPath}`, async () => {
      const parts = groupPath.split('/');
      const groups = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
      const rows = await this.knex('members as m')
        .join('groups as g', 'g.id', 'm.group_id')
        .max({ level: 'm.access_level' })
        .where('m.user_id', userId)
        .whereIn('g.full_path', groups)
        .andWhere((q) => q.whereNull('m.expires_at').orWhere('m.expires_at', '>', this.dialectNow(new Date())));
      return Number(rows[0]?.level ?? 0);
    });
  }

  private projectPath(projectId: number): Promise<string | undefined> {
    return this.cached(`ppath:${projectId}`, async () => {
      return (await this.knex('projects').first('full_path').where('id', projectId))?.full_path as string | undefined;
    });
  }

  /** The policy's view of `cred` at `group`'s dependency proxy. */
  async proxyActor(cred: Credential, group: ProxyGroupInfo): Promise<ProxyActor> {
    const within = (path: string | undefined) =>
      path !== undefined && (path === group.fullPath || path.startsWith(`${group.fullPath}/`));
    const covers = (path: string | undefined) =>
      path !== undefined && (group.fullPath === path || group.fullPath.startsWith(`${path}/`));
    return {
      kind: cred.kind,
      role: cred.userId === undefined ? 0 : await this.groupRole(cred.userId, group.fullPath),
      admin: cred.admin,
      scopes: cred.scopes,
      tokenCoversGroup: cred.deploy ? covers(cred.deploy.groupPath) : undefined,
      jobInGroup: cred.job ? within(await this.projectPath(cred.job.projectId)) : undefined,
    };
  }

  /** Whether `cred` may see the project's registry at all (for `_catalog`). */
  async canView(cred: Credential, project: ProjectInfo): Promise<boolean> {
    const actor = await this.actor(cred, project);
    if (cred.kind === 'deploy_token') return allowedActions(actor, project).has('pull');
    return canView(project, cred.kind !== 'anonymous', actor.admin ? AccessLevel.Owner : actor.role);
  }

  /** The project's tag protection rules (RE2 patterns, levels as AccessLevel numbers; 0 = not restricted). */
  async tagRules(projectId: number): Promise<Rules['tags']> {
    return (await this.rules(projectId)).tags;
  }

  private rules(projectId: number): Promise<Rules> {
    return this.cached(`rules:${projectId}`, async () => (await this.loadRules([projectId])).get(projectId) as Rules);
  }

  /** The protection rules of these projects: two statements however many. */
  private async loadRules(projectIds: number[]): Promise<Map<number, Rules>> {
    const out = new Map<number, Rules>(projectIds.map((id) => [id, { repository: [], tags: [] }]));
    const [repo, tags] = await Promise.all(
      ['container_repository_protection_rules', 'container_tag_protection_rules'].map(async (table) => {
        const rows: Record<string, string & number>[] = [];
        for (let i = 0; i < projectIds.length; i += IN_LIST_MAX) {
          rows.push(
            ...(await this.knex(table)
              .select()
              .whereIn('project_id', projectIds.slice(i, i + IN_LIST_MAX))),
          );
        }
        return rows;
      }),
    );
    for (const r of repo) {
      out.get(r.project_id)?.repository.push({
        pattern: globToRegExp(r.repository_path_pattern),
        push: protectionLevelValue(r.minimum_access_level_for_push),
        delete: protectionLevelValue(r.minimum_access_level_for_delete),
      });
    }
    for (const r of tags) {
      out.get(r.project_id)?.tags.push({
        pattern: RE2JS.compile(r.tag_name_pattern),
        push: protectionLevelValue(r.minimum_access_level_for_push),
        delete: protectionLevelValue(r.minimum_access_level_for_delete),
      });
    }
    return out;
  }

  /**
   * Every project below the group at `groupPath`, loaded in one statement, with what deciding `cred`'s
   * access to each needs (its role in each, each one's protection rules) loaded in one or two more and put
   * in the cache: a group page asks the same questions as a project page, project by project, without a
   * statement per project.
   */
  projectsBelow(groupPath: string, cred: Credential): Promise<ProjectInfo[]> {
    return this.projectsWhere(
      cred,
      (q) => q.whereRaw("full_path like ? escape '\\'", [`${escapeLike(groupPath)}/%`]),
      true,
    );
  }

  /**
   * Every project whose name or full path contains `search` (all without one), as {@link projectsBelow}
   * but without the protection rules (a project list shows none).
   */
  projectsMatching(search: string | undefined, cred: Credential): Promise<ProjectInfo[]> {
    const like = `%${escapeLike((search ?? '').toLowerCase())}%`;
    return this.projectsWhere(
      cred,
      (q) =>
        search
          ? q.whereRaw("(lower(name) like ? escape '\\' or lower(full_path) like ? escape '\\')", [like, like])
          : q,
      false,
    );
  }

  private async projectsWhere(
    cred: Credential,
    filter: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
    withRules: boolean,
  ): Promise<ProjectInfo[]> {
    const rows = await filter(
      this.knex('projects').select('id', 'full_path', 'visibility', 'container_registry_access_level'),
    ).orderBy('full_path');
    const projects: ProjectInfo[] = rows.map(toProjectInfo);
    if (projects.length === 0) return projects;
    const cache = this.cache;
    const prime = <T>(key: string, value: T) => {
      if (!cache.get(key)) cache.set(key, Promise.resolve(value));
    };
    for (const p of projects) prime(`proj:${p.fullPath}`, p);
    const [rules, roles] = await Promise.all([
      withRules ? this.loadRules(projects.map((p) => p.id)) : undefined,
      cred.userId === undefined ? undefined : this.rolesIn(cred.userId, projects),
    ]);
    for (const p of projects) {
      if (rules) prime(`rules:${p.id}`, rules.get(p.id));
      if (roles && cred.userId !== undefined) prime(`role:${cred.userId}:${p.id}`, roles.get(p.id) ?? 0);
    }
    return projects;
  }

  /** The user's role in each project (as {@link role}), from one statement over all their memberships. */
  private async rolesIn(userId: number, projects: ProjectInfo[]): Promise<Map<number, number>> {
    const memberships: { project_id: number | null; full_path: string | null; level: number }[] = await this.knex(
      'members as m',
    )
      .leftJoin('groups as g', 'g.id', 'm.group_id')
      .select('m.project_id', 'g.full_path', 'm.access_level as level')
      .where('m.user_id', userId)
      .andWhere((q) => q.whereNull('m.expires_at').orWhere('m.expires_at', '>', this.dialectNow(new Date())));
    const out = new Map<number, number>();
    for (const p of projects) {
      let best = 0;
      for (const m of memberships) {
        const applies = m.project_id === p.id || (m.full_path !== null && p.fullPath.startsWith(`${m.full_path}/`));
        if (applies) best = Math.max(best, Number(m.level));
      }
      out.set(p.id, best);
    }
    return out;
  }

  /**
   * Why `actor` may not push to / delete from this repository because of a repository protection rule,
   * or undefined when no rule stops it.
   */
  async repositoryProtection(
    actor: Actor,
    project: ProjectInfo,
    path: string,
    action: 'push' | 'delete',
  ): Promise<string | undefined> {
    const { repository } = await this.rules(project.id);
    const level = protectionLevelOf(actor);
    for (const rule of repository) {
      if (rule.pattern.test(path) && level < rule[action]) {
        return action === 'push'
          ? 'Pushing to protected repository path forbidden'
          : 'Deleting from protected repository path forbidden';
      }
    }
    return undefined;
  }

  /**
   * Whether `cred` may see the group at `fullPath` (GitLab's read_group): public to everyone, internal to
   * anyone signed in, private to administrators and to members of it, of a group above it, or of anything
   * below it.
   */
  async seesGroup(cred: Credential, group: { fullPath: string; visibility: Visibility }): Promise<boolean> {
    if (cred.admin || group.visibility === 'public') return true;
    if (cred.kind === 'anonymous') return false;
    if (group.visibility === 'internal') return true;
    if (cred.userId === undefined) return false;
    const parts = group.fullPath.split('/');
    const above = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    const below = `${escapeLike(group.fullPath)}/%`;
    const row = await this.knex('members as m')
      .leftJoin('groups as g', 'g.id', 'm.group_id')
      .leftJoin('projects as p', 'p.id', 'm.project_id')
      .first('m.id')
      .where('m.user_id', cred.userId)
      .andWhere((q) =>
        q
          .whereIn('g.full_path', above)
          .orWhereRaw("g.full_path like ? escape '\\'", [below])
          .orWhereRaw("p.full_path like ? escape '\\'", [below]),
      );
    return row !== undefined;
  }

  /** Whether any repository protection rule with a push level matches `path` (GraphQL `protectionRuleExists`). */
  async protectedForPush(projectId: number, path: string): Promise<boolean> {
    return (await this.rules(projectId)).repository.some((r) => r.push > 0 && r.pattern.test(path));
  }

  /** The highest push and delete levels of the tag rules that match `tag`, or undefined when none does. */
  async tagProtectionLevels(projectId: number, tag: string): Promise<{ push: number; delete: number } | undefined> {
    const matching = (await this.rules(projectId)).tags.filter((r) => r.pattern.matcher(tag).find());
    if (matching.length === 0) return undefined;
    return {
      push: Math.max(...matching.map((r) => r.push)),
      delete: Math.max(...matching.map((r) => r.delete)),
    };
  }

  /** Why `actor` may not push / delete these tags because of a tag protection rule, or undefined. */
  async tagProtection(
    actor: Actor,
    project: ProjectInfo,
    tags: string[],
    action: 'push' | 'delete',
  ): Promise<string | undefined> {
    const rules = (await this.rules(project.id)).tags;
    if (rules.length === 0 || tags.length === 0) return undefined;
    const level = protectionLevelOf(actor);
    for (const tag of tags) {
      for (const rule of rules) {
        if (level < rule[action] && rule.pattern.matcher(tag).find()) {
          return `tag "${tag}" is protected: ${action} needs a higher role`;
        }
      }
    }
    return undefined;
  }
}

/** `*` matches anything (also `/`); everything else literally; case-insensitive, as GitLab's ILIKE. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

function toProjectInfo(row: Record<string, unknown>): ProjectInfo {
  return {
    id: Number(row.id),
    fullPath: String(row.full_path),
    visibility: row.visibility as Visibility,
    registryAccessLevel: row.container_registry_access_level as RegistryAccessLevel,
  };
}

function parseScopes(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string') {
    try {
      const v = JSON.parse(raw);
      return Array.isArray(v) ? v.map(String) : [];
    } catch {
      return [];
    }
  }
  return [];
}
