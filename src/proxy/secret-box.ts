/**
 * Encryption at rest for the dependency proxy's upstream secrets (a group's Docker Hub password or access
 * token): AES-256-GCM, a fresh 96-bit nonce per value, stored as `v1.<nonce>.<tag>.<ciphertext>` (base64url).
 * The key comes from BERTH_SECRETS_KEY when set (keep it outside the database and its backups); otherwise
 * it is derived (HKDF) from berth's signing key, which every instance on the database shares: the secret is
 * then unreadable in a dump of the settings table alone, but not in a dump of the whole database.
 * Secrets are never readable back through any API; only the upstream token request uses them.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export class SecretBox {
  private readonly key: Buffer;

  constructor(material: string | Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', material, 'berth', 'dependency proxy secrets v1', 32));
  }

  seal(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', nonce, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The plain value; throws when the value was not sealed with this key (or was altered). */
  open(sealed: string): string {
    const [version, nonce, tag, data] = sealed.split('.');
    if (version !== 'v1' || !nonce || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
