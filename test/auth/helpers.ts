/** Principals and tokens for the access tests: everything goes through berth's services and /jwt/auth. */
import { randomBytes } from 'node:crypto';
import { IdentityService } from '../../src/auth/identity.service.js';
import { NamespacesService } from '../../src/domain/namespaces.service.js';
import { type Credentials, OciClient, ROOT } from '../helpers/oci-client.js';
import type { TestApp } from '../helpers/test-app.js';

export const PASSWORD = 'correct horse battery';

export function identity(t: TestApp): IdentityService {
  return t.app.identity();
}

export function namespaces(t: TestApp): NamespacesService {
  return new NamespacesService(t.app.db.em.fork(), () => t.app.access.changed());
}

export async function user(t: TestApp, username: string, admin = false): Promise<Credentials> {
  await identity(t).createUser({ username, password: PASSWORD, admin });
  return { username, password: PASSWORD };
}

/** Decodes a JWT's payload without checking it (to see what a token grants). */
// biome-ignore lint/suspicious/noExplicitAny: test inspection of JWT claims
export function claims(token: string): any {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

/** GET /jwt/auth with `credentials` (or none); returns the raw response. */
export async function tokenResponse(
  base: string,
  scopes: string[],
  credentials?: Credentials,
  init: { service?: string; localAddress?: string } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const q = new URLSearchParams({ service: init.service ?? 'container_registry' });
  for (const s of scopes) q.append('scope', s);
  const headers: Record<string, string> = {};
  if (credentials) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }
  const r = await fetch(`${base}/jwt/auth?${q}`, { headers });
  return { status: r.status, body: await r.text(), headers: r.headers };
}

/** Pushes a small image as root so there is something to pull. */
export async function seedImage(t: TestApp, name: string, tag = 'latest') {
  return new OciClient(t.url, ROOT).pushImage(name, tag, { layerSize: 512 });
}

export const random = () => randomBytes(256);
