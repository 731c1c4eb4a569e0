/**
 * Per-request GraphQL context: who is calling (from `Authorization: Bearer <personal access token>` or
 * GitLab's `PRIVATE-TOKEN` header; nobody when absent) and the services resolvers use. Permission rules are
 * the same code that guards /v2 (auth/access.service.ts, auth/policy.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { type AccessService, ANONYMOUS, type Credential } from '../auth/access.service.js';
import type { IdentityService } from '../auth/identity.service.js';
import type { CleanupService } from '../cleanup/cleanup.service.js';
import type { BlobStore } from '../content/blob-store.js';
import type { OrmHandle } from '../db/orm.js';
import type { ProxyStore } from '../db/proxy-store.js';
import { RegistryReadModel } from '../db/registry-read-model.js';
import type { RegistryStore } from '../db/registry-store.js';
import type { SecretBox } from '../proxy/secret-box.js';
import { createLoaders, type Loaders } from './dataloaders.js';

export interface AppInfo {
  version: string;
  storageDriver: string;
}

export interface GraphQLServices {
  db: OrmHandle;
  info: AppInfo;
  access: AccessService;
  identity: () => IdentityService;
  /** The registry's (caching) metadata store: writes through it keep every cache right. */
  store: RegistryStore;
  /** Blob bytes (image configs, for tag details). */
  blobs: BlobStore;
  publicUrl: string;
  /** Whether BERTH_PUBLIC_URL was set; otherwise pull addresses are built from the request's Host. */
  publicUrlSet?: boolean;
  /** The dependency proxy's cache, the sealing of its secrets and the upstream's last reported limit. */
  proxy: { store: ProxyStore; box: SecretBox; rateLimit(): { limit?: number; remaining?: number } };
  /** Cleanup policies: saved, previewed, run. */
  cleanup: CleanupService;
  /** Background work a request may start. */
  jobs: { deleteRepositories(): void };
}

/** GitLab's wording when the caller may not see or do something (a top-level error). */
export const NO_PERMISSION =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

/** Mutations need a token with the `api` scope. */
export function requireApiScope(ctx: GraphQLContext): void {
  if (ctx.caller.kind === 'anonymous' || !ctx.caller.scopes?.includes('api')) {
    throw new GraphQLError(NO_PERMISSION, { extensions: { code: 'FORBIDDEN' } });
  }
}

export interface GraphQLContext extends GraphQLServices {
  /** The caller; ANONYMOUS when no token was sent. */
  caller: Credential;
  /** This request's batching loaders (dataloaders.ts). */
  loaders: Loaders;
}

/** Builds the context; a bad token is an HTTP 401, a token without an API scope a 403, as GitLab answers. */
export async function graphqlContext(services: GraphQLServices, headers: IncomingHttpHeaders): Promise<GraphQLContext> {
  const header = headers.authorization;
  const bearer = header && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
  const privateToken = headers['private-token'];
  const secret = bearer ?? (typeof privateToken === 'string' ? privateToken : undefined);
  const loaders = createLoaders(new RegistryReadModel(services.db.em.getKnex(), services.db.dialect), services.cleanup);
  if (!services.publicUrlSet && headers.host) services = { ...services, publicUrl: `http://${headers.host}` };
  if (!secret) return { ...services, caller: ANONYMOUS, loaders };
  const token = await services.identity().apiToken(secret);
  const caller = token && (await services.access.credential(token.ref));
  if (!caller) {
    throw new GraphQLError('Invalid token', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
  }
  if (!caller.scopes?.some((s) => s === 'api' || s === 'read_api')) {
    throw new GraphQLError('insufficient_scope: the token needs the api or read_api scope', {
      extensions: { code: 'FORBIDDEN', http: { status: 403 } },
    });
  }
  return { ...services, caller, loaders };
}
