import { Entity, Index, ManyToOne, Property, type Rel } from '@mikro-orm/core';
import { Blob } from './blob.entity.js';
import { ContainerRepository } from './container-repository.entity.js';

/** A blob uploaded or mounted into a repository: what its manifests may reference and clients may pull. */
@Entity({ tableName: 'repository_blobs' })
export class RepositoryBlob {
  @ManyToOne(() => ContainerRepository, { primary: true, deleteRule: 'cascade' })
  repository!: Rel<ContainerRepository>;

  @ManyToOne(() => Blob, { primary: true, deleteRule: 'restrict' })
  @Index()
  blob!: Rel<Blob>;

  @Property()
  createdAt: Date = new Date();
}
