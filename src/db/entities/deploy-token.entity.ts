import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Group } from './group.entity.js';
import { Project } from './project.entity.js';

/**
 * A deploy token of a project, or of a group (then valid for every project below it). It signs in with its
 * own `username` (GitLab's default is `gitlab+deploy-token-<id>`). Only the SHA-256 of the secret is stored.
 */
@Entity({ tableName: 'deploy_tokens' })
export class DeployToken {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { nullable: true, deleteRule: 'cascade' })
  project?: Rel<Project>;

  @ManyToOne(() => Group, { nullable: true, deleteRule: 'cascade' })
  group?: Rel<Group>;

  @Property()
  name!: string;

  @Property({ unique: true })
  username!: string;

  @Property({ unique: true, hidden: true })
  tokenDigest!: string;

  @Property({ type: 'json' })
  scopes!: string[];

  @Property({ nullable: true })
  expiresAt?: Date;

  @Property({ nullable: true })
  revokedAt?: Date;

  @Property()
  createdAt: Date = new Date();
}
