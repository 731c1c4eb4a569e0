/**
 * The registry token signing key: ES256 (P-256), made on first start and kept in the `signing_keys` table,
 * so every instance on the same database signs and verifies alike. The `kid` is the libtrust fingerprint
 * Distribution uses (SHA-256 of the DER public key, first 240 bits, base32, in groups of four).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { SigningKey } from '../db/entities/signing-key.entity.js';

export interface KeyPair {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const b32 = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return b32.match(/.{4}/g)?.join(':') ?? b32;
}

/** Loads the signing key, creating it on first start (a race between instances is settled by the primary key). */
export async function loadSigningKey(em: EntityManager): Promise<KeyPair> {
  const existing = await em.findOne(SigningKey, { algorithm: 'ES256' }, { orderBy: { createdAt: 'asc' } });
  if (existing) return toPair(existing);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const row = em.create(SigningKey, {
    kid: libtrustKeyId(publicKey),
    algorithm: 'ES256',
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    createdAt: new Date(),
  });
  try {
    await em.flush();
    return toPair(row);
  } catch (err) {
    em.clear();
    const winner = await em.findOne(SigningKey, { algorithm: 'ES256' }, { orderBy: { createdAt: 'asc' } });
    if (winner) return toPair(winner);
    throw err;
  }
}

function toPair(row: SigningKey): KeyPair {
  return {
    kid: row.kid,
    privateKey: createPrivateKey(row.privateKeyPem),
    publicKey: createPublicKey(row.publicKeyPem),
  };
}
