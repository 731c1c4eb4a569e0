/**
 * The gate in front of every /v2 handler (distribution's `app.authorized()`): read the Bearer token from
 * /jwt/auth, verify it, check that it grants this repository and action, and then check again against the
 * database *now* (credential still valid, role and visibility still allow it, protection rules), so a
 * revoked token, a blocked user, a demotion or a new rule applies to the very next request.
 *
 * Refusals: no token or a bad one → 401 with a Bearer challenge; a token that does not name this
 * repository or action → 401 `insufficient_scope` for anonymous callers (so the client can sign in) and
 * for tokens lacking the repository, 403 `DENIED` for a signed-in caller lacking the action.
 */
import type { IncomingMessage } from 'node:http';
import type { ProjectInfo, ProxyGroupInfo } from '../auth/access.service.js';
import { type AccessService, ANONYMOUS, type Credential } from '../auth/access.service.js';
import type { Actor, RegistryAction } from '../auth/policy.js';
import { type RegistryClaims, type RegistryTokens, TokenInvalidError } from '../auth/registry-token.js';
import { scopeString } from '../auth/scopes.js';
import { Lru } from '../cache/lru.js';
import { type ProxyName, proxyName } from '../proxy/names.js';
import { OciError } from './errors.js';
import type { RouteMatch } from './routes.js';

export interface AuthSettings {
  tokens: RegistryTokens;
  access: AccessService;
  /** The public base URL when configured; otherwise the realm is built from the request's Host. */
  publicUrl?: string;
  uploadGraceMs: number;
  /** Whether an expired token's identity opened this upload session (for the long-push grace). */
  uploadOwner: (id: string) => Promise<string | undefined>;
}

/** Who is calling, as the handlers see it. */
export class RequestAuth {
  constructor(
    private readonly settings: AuthSettings,
    readonly claims: RegistryClaims | undefined,
    readonly credential: Credential,
    readonly project?: ProjectInfo,
    readonly actor?: Actor,
    /** For dependency proxy names: the group whose cache serves them. */
    readonly proxyGroup?: ProxyGroupInfo,
  ) {}

  /** The credential reference stored with upload sessions. */
  get ref(): string {
    return this.credential.ref;
  }

  /** Whether the token and the rules allow `action` on another repository (cross-repository mount source). */
  async may(name: string, action: RegistryAction): Promise<boolean> {
    if (!this.claims || !grants(this.claims, 'repository', name, action)) return false;
    return (await this.settings.access.actions(this.credential, name)).actions.has(action);
  }

  /** Throws DENIED when a tag protection rule forbids `action` on any of `tags`. */
  async checkTags(tags: string[], action: 'push' | 'delete'): Promise<void> {
    if (!this.project || !this.actor) return;
    const why = await this.settings.access.tagProtection(this.actor, this.project, tags, action);
    if (why) throw new OciError('DENIED', { tags }, why);
  }

  /**
   * Whether the catalog may list the repositories of the project at `projectPath` (asked per project, so a
   * catalog page costs one cached lookup per project, not one per repository).
   */
  async canSee(projectPath: string): Promise<boolean> {
    const project = await this.settings.access.projectFor(projectPath);
    return project !== undefined && this.settings.access.canView(this.credential, project);
  }
}

function grants(claims: RegistryClaims, type: string, name: string, action: string): boolean {
  return claims.access.some(
    (a) => a.type === type && a.name === name && (a.actions.includes(action) || a.actions.includes('*')),
  );
}

function mentions(claims: RegistryClaims, name: string): boolean {
  return claims.access.some((a) => a.type === 'repository' && a.name === name);
}

export class RegistryGuard {
  /** Verified tokens, so a client reusing its token costs no signature check. */
  private readonly verified = new Lru<string, RegistryClaims>({ maxEntries: 4096 });

  constructor(private readonly settings: AuthSettings) {}

  private realm(req: IncomingMessage): string {
    const base = this.settings.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
    return `${base}/jwt/auth`;
  }

  private challenge(req: IncomingMessage, scope?: string, error?: string): Record<string, string> {
    let value = `Bearer realm="${this.realm(req)}",service="${this.settings.tokens.service}"`;
    if (scope) value += `,scope="${scope}"`;
    if (error) value += `,error="${error}"`;
    return { 'www-authenticate': value };
  }

  private unauthorized(req: IncomingMessage, message: string, scope?: string, error?: string): OciError {
    return new OciError('UNAUTHORIZED', undefined, message, this.challenge(req, scope, error));
  }

  private async verify(token: string): Promise<RegistryClaims> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp * 1000 + 5000 > Date.now()) return hit;
      this.verified.delete(token);
      return this.settings.tokens.verify(token); // throws the expiry with its details
    }
    const claims = await this.settings.tokens.verify(token);
    this.verified.set(token, claims);
    return claims;
  }

  /** `name` as a name of the mirror group's dependency proxy (BERTH_MIRROR_GROUP), when it is one. */
  async mirrored(name: string, ns: string | null): Promise<ProxyName | undefined> {
    const mirror = await this.settings.access.mirrored(name);
    return mirror && proxyName(mirror.groupPath, name, ns);
  }

  async check(req: IncomingMessage, match: RouteMatch): Promise<RequestAuth> {
    const name = match.name ?? '';
    const action = match.action as RegistryAction;
    const needed = action === 'push' ? ['pull', 'push'] : [action];
    const scope =
      match.route === 'catalog' ? 'registry:catalog:*' : name === '' ? undefined : scopeString(name, needed);
    const header = req.headers.authorization;
    if (!header || !/^bearer /i.test(header)) {
      throw this.unauthorized(req, 'authentication required', scope);
    }
    let claims: RegistryClaims;
    try {
      claims = await this.verify(header.slice(7).trim());
    } catch (err) {
      if (!(err instanceof TokenInvalidError)) throw err;
      claims = await this.graceForUpload(err, match).catch(() => {
        throw this.unauthorized(req, err.message, scope, 'invalid_token');
      });
    }
    const credential = await this.settings.access.credential(claims.act);
    if (!credential)
      throw this.unauthorized(req, 'the credential behind this token was revoked', scope, 'invalid_token');
    const anonymous = credential === ANONYMOUS;

    if (match.route === 'base') return new RequestAuth(this.settings, claims, credential);
    if (match.route === 'catalog') {
      if (!grants(claims, 'registry', 'catalog', '*'))
        throw this.unauthorized(req, 'the token does not grant the catalog', scope, 'insufficient_scope');
      return new RequestAuth(this.settings, claims, credential);
    }
    if (!grants(claims, 'repository', name, action)) {
      if (anonymous || !mentions(claims, name)) {
        throw this.unauthorized(req, `the token does not grant ${action} on ${name}`, scope, 'insufficient_scope');
      }
      throw new OciError('DENIED', { name, action });
    }
    // The token said yes when it was issued; the rules decide whether that still holds.
    const { actions, project, actor, proxyGroup } = await this.settings.access.actions(credential, name);
    if (!actions.has(action)) {
      if (anonymous) throw this.unauthorized(req, 'authentication required', scope, 'insufficient_scope');
      throw new OciError('DENIED', { name, action });
    }
    if (project && actor && (action === 'push' || action === 'delete')) {
      const why = await this.settings.access.repositoryProtection(actor, project, name, action);
      if (why) throw new OciError('DENIED', { name, action }, why);
    }
    return new RequestAuth(this.settings, claims, credential, project, actor, proxyGroup);
  }

  /**
   * Long pushes: an upload session may be continued and completed with the token it was opened with for
   * `uploadGraceMs` after that token expired, by the same credential only (which must itself still be good).
   */
  private async graceForUpload(err: TokenInvalidError, match: RouteMatch): Promise<RegistryClaims> {
    if (
      match.route !== 'upload' ||
      !err.claims ||
      err.expiredFor === undefined ||
      err.expiredFor > this.settings.uploadGraceMs ||
      err.claims.act === 'anonymous'
    ) {
      throw err;
    }
    const owner = await this.settings.uploadOwner(match.ref ?? '');
    if (owner !== err.claims.act) throw err;
    return err.claims;
  }
}
