import { Entity, Index, ManyToOne, Property, type Rel } from '@mikro-orm/core';
import { Blob } from './blob.entity.js';
import { Manifest } from './manifest.entity.js';

/** Manifest → config or layer blob. */
@Entity({ tableName: 'manifest_blobs' })
export class ManifestBlob {
  @ManyToOne(() => Manifest, { primary: true, deleteRule: 'cascade' })
  manifest!: Rel<Manifest>;

  @ManyToOne(() => Blob, { primary: true, deleteRule: 'restrict' })
  @Index()
  blob!: Rel<Blob>;

  /** `config` or `layer`. */
  @Property()
  role!: string;
}
