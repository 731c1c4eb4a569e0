import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { ContainerRepository } from './container-repository.entity.js';
import { Manifest } from './manifest.entity.js';

/** A tag: a name in a repository pointing at one manifest. */
@Entity({ tableName: 'tags' })
@Unique({ properties: ['repository', 'name'] })
export class Tag {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => ContainerRepository, { deleteRule: 'cascade' })
  repository!: Rel<ContainerRepository>;

  @Property()
  name!: string;

  @ManyToOne(() => Manifest, { deleteRule: 'cascade' })
  @Index()
  manifest!: Rel<Manifest>;

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}
