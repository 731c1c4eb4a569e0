/**
 * Users, memberships and tokens: the writes behind the admin CLI (and, later, GraphQL). Every change calls
 * `onChange` so the access cache of this process forgets what it knew. Secrets are returned once, at
 * creation, and only their SHA-256 is stored.
 */
import type { EntityManager } from '@mikro-orm/core';
import { CiJobToken } from '../db/entities/ci-job-token.entity.js';
import { DeployToken } from '../db/entities/deploy-token.entity.js';
import { Group } from '../db/entities/group.entity.js';
import { AccessLevel, Member } from '../db/entities/member.entity.js';
import { PersonalAccessToken } from '../db/entities/personal-access-token.entity.js';
import { Project } from '../db/entities/project.entity.js';
import { User, UserState } from '../db/entities/user.entity.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { DEPLOY_TOKEN_SCOPES, SCOPES } from './policy.js';
import type { ActorRef } from './registry-token.js';
import { newSecret, randomPassword, secretDigest, TOKEN_PREFIX } from './secrets.js';

/** The username CI jobs sign in with, as in GitLab (`$CI_REGISTRY_USER`). */
export const CI_USERNAME = 'gitlab-ci-token';
export const ROOT_USERNAME = 'root';
/** Job tokens live at most this long. */
export const MAX_JOB_TOKEN_TTL_MS = 24 * 3_600_000;

const USERNAME = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,254}$/;

export const ROLE_NAMES: Record<string, AccessLevel> = {
  guest: AccessLevel.Guest,
  reporter: AccessLevel.Reporter,
  developer: AccessLevel.Developer,
  maintainer: AccessLevel.Maintainer,
  owner: AccessLevel.Owner,
};

/** Who a successful sign-in is: the credential reference for tokens and the `sub` claim. */
export interface SignedIn {
  ref: ActorRef;
  sub: string;
  /** For a password sign-in: the stored hash it was checked against (to notice a password change). */
  passwordHash?: string;
}

export class IdentityService {
  constructor(
    private readonly em: EntityManager,
    private readonly onChange: () => void = () => undefined,
  ) {}

  async createUser(input: {
    username: string;
    email?: string;
    name?: string;
    password: string;
    admin?: boolean;
  }): Promise<User> {
    if (!USERNAME.test(input.username) || input.username.endsWith('.') || input.username === CI_USERNAME) {
      throw new ValidationError(
        `username "${input.username}" is not allowed: use letters, digits, "_", "-" and "."; start with a letter, digit or "_"`,
      );
    }
    if (input.password.length < 8) throw new ValidationError('password must be at least 8 characters long');
    const email = input.email ?? `${input.username}@berth.invalid`;
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationError(`"${email}" is not an email address`);
    if (await this.em.findOne(User, { $or: [{ username: input.username }, { email }] })) {
      throw new ConflictError(`a user named "${input.username}" or with email "${email}" exists already`);
    }
    const user = this.em.create(User, {
      username: input.username,
      email,
      name: input.name ?? input.username,
      passwordHash: await hashPassword(input.password),
      admin: input.admin ?? false,
      state: UserState.Active,
      createdAt: new Date(),
    });
    await this.em.flush();
    this.onChange();
    return user;
  }

  /**
   * First start: creates `root` (an administrator) when there are no users. Returns the password when it
   * was generated, so the caller can print it once; undefined when `root` existed or the password was given.
   */
  async bootstrapAdmin(password: string | undefined): Promise<{ created: boolean; generated?: string }> {
    if ((await this.em.count(User, {})) > 0) return { created: false };
    const generated = password === undefined ? randomPassword() : undefined;
    try {
      await this.createUser({
        username: ROOT_USERNAME,
        email: 'root@berth.invalid',
        name: 'Administrator',
        password: password ?? (generated as string),
        admin: true,
      });
    } catch (err) {
      if (err instanceof ConflictError) return { created: false }; // another instance was first
      throw err;
    }
    return { created: true, generated };
  }

  async requireUser(username: string): Promise<User> {
    const user = await this.em.findOne(User, { username });
    if (!user) throw new NotFoundError(`no user "${username}"`);
    return user;
  }

  async setBlocked(username: string, blocked: boolean): Promise<void> {
    const user = await this.requireUser(username);
    user.state = blocked ? UserState.Blocked : UserState.Active;
    await this.em.flush();
    this.onChange();
  }

  async setPassword(username: string, password: string): Promise<void> {
    if (password.length < 8) throw new ValidationError('password must be at least 8 characters long');
    const user = await this.requireUser(username);
    user.passwordHash = await hashPassword(password);
    await this.em.flush();
    this.onChange();
  }

  /** Adds or changes a membership of `username` in the group or project at `path`. */
  async setMember(username: string, path: string, role: string | AccessLevel, expiresAt?: Date): Promise<Member> {
    const level = typeof role === 'number' ? role : ROLE_NAMES[role.toLowerCase()];
    if (level === undefined || !Object.values(AccessLevel).includes(level)) {
      throw new ValidationError(`role must be one of ${Object.keys(ROLE_NAMES).join(', ')}`);
    }
    const user = await this.requireUser(username);
    const { group, project } = await this.namespace(path);
    let member = await this.em.findOne(Member, group ? { user, group } : { user, project });
    if (member) {
      member.accessLevel = level;
      member.expiresAt = expiresAt;
    } else {
      member = this.em.create(Member, { user, group, project, accessLevel: level, expiresAt, createdAt: new Date() });
    }
    await this.em.flush();
    this.onChange();
    return member;
  }

  async removeMember(username: string, path: string): Promise<boolean> {
    const user = await this.requireUser(username);
    const { group, project } = await this.namespace(path);
    const deleted = await this.em.nativeDelete(Member, group ? { user, group } : { user, project });
    this.onChange();
    return deleted > 0;
  }

  async createPersonalAccessToken(
    username: string,
    input: { name: string; scopes: string[]; expiresAt?: Date },
  ): Promise<{ token: PersonalAccessToken; secret: string }> {
    const user = await this.requireUser(username);
    const scopes = checkScopes(input.scopes, SCOPES);
    checkExpiry(input.expiresAt);
    const secret = newSecret('pat');
    const token = this.em.create(PersonalAccessToken, {
      user,
      name: requireName(input.name),
      tokenDigest: secretDigest(secret),
      scopes,
      expiresAt: input.expiresAt,
      createdAt: new Date(),
    });
    await this.em.flush();
    return { token, secret };
  }

  async createDeployToken(
    path: string,
    input: { name: string; scopes: string[]; expiresAt?: Date; username?: string },
  ): Promise<{ token: DeployToken; secret: string }> {
    const { group, project } = await this.namespace(path);
    const scopes = checkScopes(input.scopes, DEPLOY_TOKEN_SCOPES);
    checkExpiry(input.expiresAt);
    if (input.username !== undefined && (!USERNAME.test(input.username) || input.username === CI_USERNAME)) {
      throw new ValidationError(`deploy token username "${input.username}" is not allowed`);
    }
    if (input.username !== undefined && (await this.em.findOne(User, { username: input.username }))) {
      throw new ConflictError(`"${input.username}" is a user's name`);
    }
    const secret = newSecret('deploy');
    const token = this.em.create(DeployToken, {
      group,
      project,
      name: requireName(input.name),
      username: input.username ?? `pending-${secretDigest(secret).slice(0, 16)}`,
      tokenDigest: secretDigest(secret),
      scopes,
      expiresAt: input.expiresAt,
      createdAt: new Date(),
    });
    try {
      await this.em.flush();
    } catch (err) {
      throw uniqueViolation(err) ? new ConflictError(`deploy token username "${input.username}" is taken`) : err;
    }
    if (input.username === undefined) {
      token.username = `gitlab+deploy-token-${token.id}`; // GitLab's default name
      await this.em.flush();
    }
    return { token, secret };
  }

  /** Issues a job token for `projectPath`, acting as `username`; the issuer must be a Maintainer there (or admin). */
  async createJobToken(
    issuer: string,
    projectPath: string,
    input: { username?: string; ttlMs?: number } = {},
  ): Promise<{ token: CiJobToken; secret: string }> {
    const project = await this.em.findOne(Project, { fullPath: projectPath });
    if (!project) throw new NotFoundError(`no project "${projectPath}"`);
    const issuing = await this.requireUser(issuer);
    if (!issuing.admin && (await this.roleIn(issuing, project)) < AccessLevel.Maintainer) {
      throw new ValidationError(`${issuer} is not a Maintainer of ${projectPath}: only Maintainers issue job tokens`);
    }
    const user = input.username ? await this.requireUser(input.username) : issuing;
    const ttl = input.ttlMs ?? 3_600_000;
    if (ttl <= 0 || ttl > MAX_JOB_TOKEN_TTL_MS) throw new ValidationError('a job token lives between 1 s and 24 h');
    const secret = newSecret('job');
    const token = this.em.create(CiJobToken, {
      project,
      user,
      tokenDigest: secretDigest(secret),
      expiresAt: new Date(Date.now() + ttl),
      createdAt: new Date(),
    });
    await this.em.flush();
    return { token, secret };
  }

  async revoke(kind: 'pat' | 'deploy' | 'job', id: number): Promise<boolean> {
    const entity = { pat: PersonalAccessToken, deploy: DeployToken, job: CiJobToken }[kind];
    const n = await this.em.nativeUpdate(
      entity as typeof PersonalAccessToken,
      { id, revokedAt: null },
      {
        revokedAt: new Date(),
      },
    );
    this.onChange();
    return n > 0;
  }

  /**
   * Checks a login and secret (password, personal access token, deploy token or CI job token, as GitLab
   * accepts them on `docker login`). Returns who signed in, or undefined; never says which part was wrong.
   */
  async authenticate(login: string, secret: string): Promise<SignedIn | undefined> {
    const now = new Date();
    const live = (t: { revokedAt?: Date; expiresAt?: Date }) => !t.revokedAt && (!t.expiresAt || t.expiresAt > now);
    if (login === CI_USERNAME) {
      const t = await this.em.findOne(CiJobToken, { tokenDigest: secretDigest(secret) }, { populate: ['user'] });
      return t && live(t) && t.user.state === UserState.Active ? { ref: `job:${t.id}`, sub: CI_USERNAME } : undefined;
    }
    if (secret.startsWith(TOKEN_PREFIX.deploy)) {
      const t = await this.em.findOne(DeployToken, { tokenDigest: secretDigest(secret) });
      return t && live(t) && t.username === login ? { ref: `deploy:${t.id}`, sub: t.username } : undefined;
    }
    if (secret.startsWith(TOKEN_PREFIX.pat)) {
      // As GitLab: the token decides who signs in; the login is not checked against it.
      const t = await this.em.findOne(
        PersonalAccessToken,
        { tokenDigest: secretDigest(secret) },
        { populate: ['user'] },
      );
      if (!t || !live(t) || t.user.state !== UserState.Active) return undefined;
      t.lastUsedAt = now;
      await this.em.flush();
      return { ref: `pat:${t.id}`, sub: t.user.username };
    }
    const user = await this.em.findOne(User, login.includes('@') ? { email: login } : { username: login }, {
      fields: ['id', 'username', 'state', 'passwordHash'],
    });
    const ok = await verifyPassword(secret, user?.passwordHash);
    return ok && user && user.state === UserState.Active
      ? { ref: `user:${user.id}`, sub: user.username, passwordHash: user.passwordHash }
      : undefined;
  }

  /** The stored password hash of a user (compared, never shown), or undefined. */
  async passwordHashOf(userId: number): Promise<string | undefined> {
    const user = await this.em.findOne(User, { id: userId }, { fields: ['id', 'passwordHash'] });
    return user?.passwordHash;
  }

  /**
   * The credential reference of a personal access token given as an API bearer token (GraphQL), with its
   * scopes; undefined when unknown, revoked, expired or its user is blocked.
   */
  async apiToken(secret: string): Promise<{ ref: ActorRef; scopes: string[] } | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX.pat)) return undefined;
    const now = new Date();
    const t = await this.em.findOne(PersonalAccessToken, { tokenDigest: secretDigest(secret) }, { populate: ['user'] });
    if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= now) || t.user.state !== UserState.Active) return undefined;
    return { ref: `pat:${t.id}`, scopes: t.scopes };
  }

  private async roleIn(user: User, project: Project): Promise<number> {
    const parts = project.fullPath.split('/');
    const groups = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
    const members = await this.em.find(Member, {
      user,
      $or: [{ project }, { group: { fullPath: { $in: groups } } }],
    });
    return Math.max(0, ...members.filter((m) => !m.expiresAt || m.expiresAt > new Date()).map((m) => m.accessLevel));
  }

  private async namespace(path: string): Promise<{ group?: Group; project?: Project }> {
    const group = await this.em.findOne(Group, { fullPath: path });
    if (group) return { group };
    const project = await this.em.findOne(Project, { fullPath: path });
    if (project) return { project };
    throw new NotFoundError(`no group or project "${path}"`);
  }
}

function checkScopes(scopes: string[], allowed: readonly string[]): string[] {
  const unique = [...new Set(scopes)];
  if (unique.length === 0) throw new ValidationError(`give at least one scope: ${allowed.join(', ')}`);
  const bad = unique.filter((s) => !allowed.includes(s));
  if (bad.length > 0) throw new ValidationError(`unknown scope ${bad.join(', ')}; use ${allowed.join(', ')}`);
  return unique;
}

function checkExpiry(expiresAt: Date | undefined): void {
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new ValidationError('expiry is not a date');
}

function requireName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 255) throw new ValidationError('a token needs a name of 1 to 255 characters');
  return trimmed;
}

function uniqueViolation(err: unknown): boolean {
  return (err as { name?: string })?.name === 'UniqueConstraintViolationException';
}
