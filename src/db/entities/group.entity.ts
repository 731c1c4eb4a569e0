import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Visibility } from './visibility.js';

/** A namespace of projects; groups nest (`parent`), and `fullPath` is the slash-joined path from the root. */
@Entity({ tableName: 'groups' })
export class Group {
  @PrimaryKey()
  id!: number;

  @Property()
  name!: string;

  /** The last path component. */
  @Property()
  path!: string;

  @Property({ unique: true })
  fullPath!: string;

  @ManyToOne(() => Group, { nullable: true, deleteRule: 'restrict' })
  @Index()
  parent?: Rel<Group>;

  /** Who may see the group (its name and path): public everyone, internal signed-in users, private members. */
  @Enum({ items: () => Visibility, default: Visibility.Private })
  visibility: Visibility = Visibility.Private;

  @Property()
  createdAt: Date = new Date();
}
