import {
  BigIntType,
  BlobType,
  Entity,
  Index,
  ManyToOne,
  PrimaryKey,
  Property,
  type Rel,
  Unique,
} from '@mikro-orm/core';
import { ContainerRepository } from './container-repository.entity.js';

/** A manifest or index in one repository, with the exact bytes that were pushed. */
@Entity({ tableName: 'manifests' })
@Unique({ properties: ['repository', 'digest'] })
@Index({ properties: ['repository', 'subjectDigest'] })
export class Manifest {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => ContainerRepository, { deleteRule: 'cascade' })
  repository!: Rel<ContainerRepository>;

  @Property()
  digest!: string;

  @Property()
  mediaType!: string;

  @Property({ type: new BigIntType('number') })
  size!: number;

  @Property({ nullable: true })
  configDigest?: string;

  @Property({ nullable: true })
  configMediaType?: string;

  /** OCI 1.1 `subject`: the manifest this one refers to (signatures, SBOMs…). */
  @Property({ nullable: true })
  subjectDigest?: string;

  @Property({ nullable: true })
  artifactType?: string;

  @Property({ type: BlobType, lazy: true })
  payload!: Buffer;

  @Property()
  createdAt: Date = new Date();
}
