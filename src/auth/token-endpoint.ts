/**
 * `GET /jwt/auth`, the Docker token endpoint as GitLab serves it: Basic credentials (password, personal
 * access token, deploy token, CI job token) or none, `service`, any number of `scope`s; answers a token
 * granting the intersection of what was asked and what is allowed. Unauthorized actions are dropped, not
 * refused; wrong credentials are a 401 and repeated wrong ones a 429 (login-throttle.ts).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Lru } from '../cache/lru.js';
import type { Logger } from '../observability/logger.js';
import { isValidName } from '../oci/reference.js';
import type { AccessService } from './access.service.js';
import type { IdentityService, SignedIn } from './identity.service.js';
import type { LoginThrottle } from './login-throttle.js';
import type { RegistryAction } from './policy.js';
import type { AccessEntry, RegistryTokens } from './registry-token.js';
import { parseScopes } from './scopes.js';

const ACCESS_DENIED =
  "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped.";

export interface TokenEndpointDeps {
  tokens: RegistryTokens;
  access: AccessService;
  /** A fresh IdentityService per request (it holds an EntityManager fork). */
  identity: () => IdentityService;
  throttle: LoginThrottle;
  log: Logger;
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

const errorBody = (code: string, message: string) => ({ errors: [{ code, message }] });

export function basicCredentials(req: IncomingMessage): { login: string; secret: string } | undefined {
  const header = req.headers.authorization;
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { login: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Clients send the same Basic credentials with every token request (skopeo asks several times per copy),
 * and a password check costs a 32 MiB scrypt. Successful sign-ins are remembered for {@link SIGN_IN_TTL_MS}
 * under an HMAC of login and secret with a key that never leaves this process (no secret is kept), and
 * forgotten at once on any identity change made here, or when the stored password hash changed. Whether
 * the credential is still good (revoked, blocked) is checked on every request regardless.
 */
const SIGN_IN_TTL_MS = 60_000;

export function createTokenEndpoint(deps: TokenEndpointDeps) {
  const key = randomBytes(32);
  let signIns = new Lru<string, SignedIn>({ maxEntries: 10_000, ttlMs: SIGN_IN_TTL_MS });
  deps.access.onChange(() => {
    signIns = new Lru({ maxEntries: 10_000, ttlMs: SIGN_IN_TTL_MS });
  });
  const authenticate = async (login: string, secret: string) => {
    const id = createHmac('sha256', key).update(login).update('\0').update(secret).digest('base64');
    const hit = signIns.get(id);
    // A remembered password sign-in holds only while the password is unchanged (changed elsewhere, e.g.
    // by the CLI in another process): one indexed read instead of a scrypt.
    if (
      hit &&
      (!hit.passwordHash || hit.passwordHash === (await deps.identity().passwordHashOf(Number(hit.ref.slice(5)))))
    ) {
      return hit;
    }
    const cache = signIns;
    const who = await deps.identity().authenticate(login, secret);
    if (who) cache.set(id, who);
    return who;
  };
  return async function tokenEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://berth');
    const service = url.searchParams.get('service');
    // GitLab's dependency proxy has its own service name; berth's /v2 serves both, with one kind of token.
    if (service !== null && service !== deps.tokens.service && service !== 'dependency_proxy') {
      reply(res, 404, errorBody('UNAVAILABLE', `unknown service "${service}"`));
      return;
    }
    const address = req.socket.remoteAddress ?? '';
    const basic = basicCredentials(req);
    if (req.headers.authorization && !basic) {
      reply(res, 401, errorBody('UNAUTHORIZED', ACCESS_DENIED));
      return;
    }
    let sub = '';
    let ref = 'anonymous';
    if (basic) {
      const wait = deps.throttle.retryAfter(basic.login, address);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        reply(
          res,
          429,
          errorBody('TOOMANYREQUESTS', `too many failed sign-ins for "${basic.login}"; try again in ${seconds} s`),
          { 'retry-after': String(seconds) },
        );
        return;
      }
      const who = await authenticate(basic.login, basic.secret);
      if (!who) {
        deps.throttle.failed(basic.login, address);
        deps.log.info({ login: basic.login, address }, 'registry sign-in failed');
        reply(res, 401, errorBody('UNAUTHORIZED', ACCESS_DENIED), { 'www-authenticate': 'Basic realm="berth"' });
        return;
      }
      deps.throttle.succeeded(basic.login, address);
      sub = who.sub;
      ref = who.ref;
    }
    const cred = await deps.access.credential(ref);
    if (!cred) {
      reply(res, 401, errorBody('UNAUTHORIZED', ACCESS_DENIED));
      return;
    }

    const granted: AccessEntry[] = [];
    for (const scope of parseScopes(url.searchParams.getAll('scope'))) {
      if (scope.type === 'registry') {
        // The catalog is filtered by what the caller may see, so anyone may ask for it.
        if (scope.name === 'catalog' && scope.actions.includes('*'))
          granted.push({ type: 'registry', name: 'catalog', actions: ['*'] });
        continue;
      }
      if (!isValidName(scope.name)) continue;
      const wanted = new Set<string>(scope.actions.flatMap((a) => (a === '*' ? ['pull', 'push', 'delete'] : [a])));
      const { actions, actor, project } = await deps.access.actions(cred, scope.name);
      const allowed = [...wanted].filter((a) => actions.has(a as RegistryAction));
      if (allowed.includes('push') && actor && project) {
        const why = await deps.access.repositoryProtection(actor, project, scope.name, 'push');
        if (why) {
          reply(res, 403, errorBody('DENIED', why));
          return;
        }
      }
      const dropped = [...wanted].filter((a) => !allowed.includes(a));
      if (dropped.length > 0) {
        deps.log.info({ sub, repository: scope.name, dropped }, 'Denied container registry permissions');
      }
      granted.push({ type: 'repository', name: scope.name, actions: allowed });
    }
    const issued = await deps.tokens.issue(sub, ref, granted);
    reply(res, 200, {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt.toISOString(),
    });
  };
}
