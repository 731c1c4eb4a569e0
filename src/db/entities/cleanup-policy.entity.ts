import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Project } from './project.entity.js';

/**
 * A project's cleanup (tag expiration) policy, GitLab's `container_expiration_policies`: raw values as GitLab
 * stores them (`cadence` 1d…3month, `older_than` 1d…1095d, `keep_n` 1…100, RE2 name patterns). A project has
 * no row until its policy is first saved; until then the defaults below apply (and it is disabled).
 */
@Entity({ tableName: 'container_expiration_policies' })
export class ContainerExpirationPolicy {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { deleteRule: 'cascade', unique: true })
  project!: Rel<Project>;

  @Property({ default: false })
  enabled = false;

  @Property({ default: '1d' })
  cadence = '1d';

  @Property({ nullable: true, default: 10 })
  keepN?: number = 10;

  @Property({ nullable: true, default: '90d' })
  olderThan?: string = '90d';

  @Property({ nullable: true, type: 'text' })
  nameRegex?: string;

  @Property({ nullable: true, type: 'text' })
  nameRegexKeep?: string;

  /** When the scheduler runs it next (null while disabled). */
  @Property({ nullable: true })
  @Index()
  nextRunAt?: Date;

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}
