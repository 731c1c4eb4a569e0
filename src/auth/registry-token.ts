/**
 * Registry tokens (the Docker token spec, as GitLab issues them): ES256 JWTs with `iss`, `aud` (the
 * service), `sub`, `iat`, `nbf` (5 s back), `exp`, `jti`, `access` and berth's `act` claim naming the
 * credential that asked, so that each /v2 request can check that credential is still good.
 * Verification accepts exactly ES256 with berth's key: `alg: none`, HMAC and other keys are refused.
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { KeyPair } from './signing-keys.js';

export interface AccessEntry {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

/** The credential behind a token: `anonymous`, `user:<id>` (password), `pat:<id>`, `deploy:<id>`, `job:<id>`. */
export type ActorRef = string;

export interface RegistryClaims {
  sub: string;
  act: ActorRef;
  access: AccessEntry[];
  exp: number;
  iat: number;
}

export class TokenInvalidError extends Error {
  constructor(
    message: string,
    /** Signature and claims are good but it expired this many ms ago. */
    readonly expiredFor?: number,
    readonly claims?: RegistryClaims,
  ) {
    super(message);
  }
}

export class RegistryTokens {
  constructor(
    private readonly key: KeyPair,
    readonly issuer: string,
    readonly service: string,
    readonly ttlMs: number,
  ) {}

  async issue(
    sub: string,
    act: ActorRef,
    access: AccessEntry[],
  ): Promise<{ token: string; expiresIn: number; issuedAt: Date }> {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = Math.floor(this.ttlMs / 1000);
    const token = await new SignJWT({ access, act })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: this.key.kid })
      .setIssuer(this.issuer)
      .setAudience(this.service)
      .setSubject(sub)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { token, expiresIn, issuedAt: new Date(now * 1000) };
  }

  /** Verifies signature and claims; throws {@link TokenInvalidError}, saying how long ago an expired one expired. */
  async verify(token: string): Promise<RegistryClaims> {
    const options = {
      algorithms: ['ES256'],
      issuer: this.issuer,
      audience: this.service,
      clockTolerance: 5,
      requiredClaims: ['exp', 'iat', 'sub', 'access', 'act'],
    };
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.key.publicKey, options);
      if (protectedHeader.kid !== this.key.kid) throw new TokenInvalidError('token signed with an unknown key');
      return toClaims(payload);
    } catch (err) {
      if (err instanceof TokenInvalidError) throw err;
      if (err instanceof errors.JWTExpired) {
        const exp = typeof err.payload.exp === 'number' ? err.payload.exp : 0;
        // The signature was checked before the expiry; check the rest with the clock set back.
        const { payload } = await jwtVerify(token, this.key.publicKey, {
          ...options,
          currentDate: new Date(exp * 1000 - 1000),
        }).catch(() => {
          throw new TokenInvalidError('invalid token');
        });
        throw new TokenInvalidError('token expired', Date.now() - exp * 1000, toClaims(payload));
      }
      throw new TokenInvalidError(err instanceof errors.JOSEError ? `invalid token: ${err.code}` : 'invalid token');
    }
  }
}

function toClaims(payload: Record<string, unknown>): RegistryClaims {
  const access = payload.access;
  if (!Array.isArray(access) || typeof payload.act !== 'string') throw new TokenInvalidError('malformed claims');
  return {
    sub: String(payload.sub),
    act: payload.act,
    access: access.filter(
      (a): a is AccessEntry =>
        typeof a === 'object' && a !== null && typeof a.name === 'string' && Array.isArray(a.actions),
    ),
    exp: Number(payload.exp),
    iat: Number(payload.iat),
  };
}
