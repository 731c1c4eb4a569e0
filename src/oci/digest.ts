/**
 * OCI content digests (image-spec descriptor.md § Digests).
 *
 *   digest    ::= algorithm ":" encoded
 *   algorithm ::= component (separator component)*   e.g. sha256, sha512, multihash+base58
 *   encoded   ::= [a-zA-Z0-9=_-]+
 *
 * Registered algorithms are validated strictly (sha256: 64 lowercase hex, sha512: 128); berth can
 * verify only those, so any other well-formed algorithm is refused as unsupported.
 */
import { createHash, type Hash } from 'node:crypto';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface Digest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
  /** `algorithm:hex`, the canonical string form. */
  readonly value: string;
}

const GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** Why a string is not a usable digest; thrown by {@link parseDigest}. */
export class InvalidDigestError extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid digest "${input.length > 100 ? `${input.slice(0, 100)}…` : input}": ${reason}`);
  }
}

export function parseDigest(input: string): Digest {
  if (!GRAMMAR.test(input)) throw new InvalidDigestError(input, 'expected <algorithm>:<encoded>');
  const colon = input.indexOf(':');
  const algorithm = input.slice(0, colon);
  const hex = input.slice(colon + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new InvalidDigestError(input, `unsupported algorithm "${algorithm}" (sha256 and sha512 are supported)`);
  }
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) {
    throw new InvalidDigestError(input, `${algorithm} needs ${HEX_LENGTH[algorithm]} lowercase hex characters`);
  }
  return { algorithm, hex, value: input };
}

export function isDigest(input: string): boolean {
  try {
    parseDigest(input);
    return true;
  } catch {
    return false;
  }
}

export function newHash(algorithm: DigestAlgorithm = 'sha256'): Hash {
  return createHash(algorithm);
}

export function digestOf(data: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}
