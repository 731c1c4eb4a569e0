import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Project } from './project.entity.js';
import { User } from './user.entity.js';

/**
 * A CI job token: short-lived, for one project, acting for the user who runs the job (never worth more than
 * that user's role). Used as `gitlab-ci-token:<token>`. Only the SHA-256 of the secret is stored.
 */
@Entity({ tableName: 'ci_job_tokens' })
export class CiJobToken {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { deleteRule: 'cascade' })
  @Index()
  project!: Rel<Project>;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: Rel<User>;

  @Property({ unique: true, hidden: true })
  tokenDigest!: string;

  @Property()
  expiresAt!: Date;

  @Property({ nullable: true })
  revokedAt?: Date;

  @Property()
  createdAt: Date = new Date();
}
