import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The key pair that signs registry tokens, made on first start and kept in the database so that every
 * berth instance signs and verifies with the same key. The private key never leaves this row and berth.
 */
@Entity({ tableName: 'signing_keys' })
export class SigningKey {
  /** libtrust-style fingerprint of the public key, the JWT header's `kid`. */
  @PrimaryKey({ type: 'string' })
  kid!: string;

  @Property()
  algorithm!: string;

  @Property({ type: 'text', hidden: true })
  privateKeyPem!: string;

  @Property({ type: 'text' })
  publicKeyPem!: string;

  @Property()
  createdAt: Date = new Date();
}
