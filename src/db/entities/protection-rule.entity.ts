import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { Project } from './project.entity.js';

/** GitLab's `ContainerProtectionRepositoryRuleAccessLevel` / `…TagRuleAccessLevel` values. */
export enum ProtectionAccessLevel {
  Maintainer = 'maintainer',
  Owner = 'owner',
  Admin = 'admin',
}

/** Repository protection: who may push to / delete from repositories whose path matches a `*` pattern. */
@Entity({ tableName: 'container_repository_protection_rules' })
@Unique({ properties: ['project', 'repositoryPathPattern'] })
export class ContainerRepositoryProtectionRule {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { deleteRule: 'cascade' })
  project!: Rel<Project>;

  @Property()
  repositoryPathPattern!: string;

  @Enum({ items: () => ProtectionAccessLevel, nullable: true })
  minimumAccessLevelForPush?: ProtectionAccessLevel;

  @Enum({ items: () => ProtectionAccessLevel, nullable: true })
  minimumAccessLevelForDelete?: ProtectionAccessLevel;

  @Property()
  createdAt: Date = new Date();
}

/** Tag protection: who may push or delete tags whose name matches an RE2 pattern (at most 5 per project). */
@Entity({ tableName: 'container_tag_protection_rules' })
@Unique({ properties: ['project', 'tagNamePattern'] })
export class ContainerTagProtectionRule {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project, { deleteRule: 'cascade' })
  project!: Rel<Project>;

  @Property({ length: 100 })
  tagNamePattern!: string;

  @Enum({ items: () => ProtectionAccessLevel })
  minimumAccessLevelForPush!: ProtectionAccessLevel;

  @Enum({ items: () => ProtectionAccessLevel })
  minimumAccessLevelForDelete!: ProtectionAccessLevel;

  @Property()
  createdAt: Date = new Date();
}
