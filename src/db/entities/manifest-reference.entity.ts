import { Entity, Index, ManyToOne, type Rel } from '@mikro-orm/core';
import { Manifest } from './manifest.entity.js';

/** Index (or manifest list) → child manifest, both in the same repository. */
@Entity({ tableName: 'manifest_references' })
export class ManifestReference {
  @ManyToOne(() => Manifest, { primary: true, deleteRule: 'cascade' })
  parent!: Rel<Manifest>;

  @ManyToOne(() => Manifest, { primary: true, deleteRule: 'restrict' })
  @Index()
  child!: Rel<Manifest>;
}
