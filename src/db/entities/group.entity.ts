import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';

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

  @Property()
  createdAt: Date = new Date();
}
