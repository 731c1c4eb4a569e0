import { Entity, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { Project } from './project.entity.js';

/** An image repository: `path` = project full path, plus `/<name>` unless `name` is empty (the root image). */
@Entity({ tableName: 'container_repositories' })
@Unique({ properties: ['project', 'name'] })
export class ContainerRepository {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { deleteRule: 'cascade' })
  project!: Rel<Project>;

  @Property()
  name!: string;

  @Property({ unique: true })
  path!: string;

  /** GitLab's ContainerRepositoryStatus: null, or delete_scheduled / delete_ongoing / delete_failed. */
  @Property({ nullable: true })
  status?: string;

  /** GitLab's ContainerRepositoryCleanupStatus, raw: cleanup_unscheduled / _scheduled / _unfinished / _ongoing. */
  @Property({ default: 'cleanup_unscheduled' })
  expirationPolicyCleanupStatus = 'cleanup_unscheduled';

  @Property({ nullable: true })
  expirationPolicyStartedAt?: Date;

  @Property({ nullable: true })
  expirationPolicyCompletedAt?: Date;

  @Property({ nullable: true })
  lastCleanupDeletedTagsCount?: number;

  @Property()
  createdAt: Date = new Date();
}
