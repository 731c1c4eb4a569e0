import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { User } from './user.entity.js';

/** A user's personal access token. Only the SHA-256 of the secret is stored. */
@Entity({ tableName: 'personal_access_tokens' })
export class PersonalAccessToken {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  @Index()
  user!: Rel<User>;

  @Property()
  name!: string;

  @Property({ unique: true, hidden: true })
  tokenDigest!: string;

  @Property({ type: 'json' })
  scopes!: string[];

  @Property({ nullable: true })
  expiresAt?: Date;

  @Property({ nullable: true })
  revokedAt?: Date;

  @Property({ nullable: true })
  lastUsedAt?: Date;

  @Property()
  createdAt: Date = new Date();
}
