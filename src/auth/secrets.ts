/**
 * Token secrets. A token is 160 random bits behind a prefix that says what it is (as GitLab's `glpat-`):
 * `bpat-` personal access token, `bdt-` deploy token, `bjob-` CI job token. Only the SHA-256 of the whole
 * string is stored: the secret is high-entropy, so a fast hash is enough and lookups are one index probe.
 */
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = { pat: 'bpat-', deploy: 'bdt-', job: 'bjob-' } as const;

export function newSecret(kind: keyof typeof TOKEN_PREFIX): string {
  return `${TOKEN_PREFIX[kind]}${randomBytes(20).toString('base64url')}`;
}

export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A password for `root` when none is configured. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}
