import { BigIntType, Entity, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { ContainerRepository } from './container-repository.entity.js';

/**
 * An upload session. `size` counts only bytes of PATCHes that completed: after a crash the staged file may
 * hold more, and the next write truncates it back to `size`.
 */
@Entity({ tableName: 'uploads' })
export class Upload {
  @PrimaryKey({ type: 'string' })
  id!: string;

  @ManyToOne(() => ContainerRepository, { deleteRule: 'cascade' })
  repository!: Rel<ContainerRepository>;

  @Property({ type: new BigIntType('number') })
  size = 0;

  /** Who opened the session (`user:<id>`, `deploy:<id>`, `job:<id>`): only they may finish it once their token expired. */
  @Property({ nullable: true })
  owner?: string;

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}
