import { Entity, Enum, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Group } from './group.entity.js';
import { Visibility } from './visibility.js';

export { Visibility } from './visibility.js';

/** GitLab's `container_registry_access_level`: who may see the registry (push and delete follow roles). */
export enum RegistryAccessLevel {
  Enabled = 'enabled',
  Private = 'private',
  Disabled = 'disabled',
}

/** A project in a group; its container repositories live at `<fullPath>[/<image>]`. */
@Entity({ tableName: 'projects' })
export class Project {
  @PrimaryKey()
  id!: number;

  @Property()
  name!: string;

  @Property()
  path!: string;

  @Property({ unique: true })
  fullPath!: string;

  @ManyToOne(() => Group, { deleteRule: 'restrict' })
  group!: Rel<Group>;

  @Enum({ items: () => Visibility })
  visibility: Visibility = Visibility.Private;

  @Enum({ items: () => RegistryAccessLevel, default: RegistryAccessLevel.Enabled })
  containerRegistryAccessLevel: RegistryAccessLevel = RegistryAccessLevel.Enabled;

  @Property()
  createdAt: Date = new Date();
}
