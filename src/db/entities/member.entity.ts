import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { Group } from './group.entity.js';
import { Project } from './project.entity.js';
import { User } from './user.entity.js';

/** GitLab's roles, as stored (`access_level`). */
export enum AccessLevel {
  Guest = 10,
  Reporter = 20,
  Developer = 30,
  Maintainer = 40,
  Owner = 50,
}

/**
 * A membership: a user's role in one group (inherited by its subgroups and their projects) or in one
 * project. Exactly one of `group` and `project` is set.
 */
@Entity({ tableName: 'members' })
@Unique({ properties: ['user', 'group'] })
@Unique({ properties: ['user', 'project'] })
export class Member {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: Rel<User>;

  @ManyToOne(() => Group, { nullable: true, deleteRule: 'cascade' })
  @Index()
  group?: Rel<Group>;

  @ManyToOne(() => Project, { nullable: true, deleteRule: 'cascade' })
  @Index()
  project?: Rel<Project>;

  @Property()
  accessLevel!: AccessLevel;

  @Property({ nullable: true })
  expiresAt?: Date;

  @Property()
  createdAt: Date = new Date();
}
