/**
 * The dependency proxy's cache (GitLab's dependency_proxy_* tables): per group, the settings and TTL policy,
 * the manifests it holds (by image and digest, with their exact bytes and Content-Type), the tags that point
 * at them (with when upstream last confirmed them), and the blobs (rows of the registry's content store,
 * linked per group, so bytes are stored once whoever pulled them).
 */
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
import { Blob } from './blob.entity.js';
import { Group } from './group.entity.js';

@Entity({ tableName: 'dependency_proxy_group_settings' })
export class DependencyProxyGroupSetting {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Group, { deleteRule: 'cascade', unique: true })
  group!: Rel<Group>;

  @Property()
  enabled = true;

  /** Docker Hub user or organisation name (null: anonymous pulls upstream). */
  @Property({ nullable: true })
  identity?: string | null;

  /** The matching secret, AES-256-GCM encrypted (never readable back through any API). */
  @Property({ nullable: true, type: 'text' })
  secretEncrypted?: string | null;

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}

@Entity({ tableName: 'dependency_proxy_image_ttl_group_policies' })
export class DependencyProxyImageTtlGroupPolicy {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Group, { deleteRule: 'cascade', unique: true })
  group!: Rel<Group>;

  @Property()
  enabled = true;

  @Property()
  ttl = 90;

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}

/** A cached manifest of `imageName` (normalized: `library/alpine`), by digest, with its exact bytes. */
@Entity({ tableName: 'dependency_proxy_manifests' })
@Unique({ properties: ['group', 'imageName', 'digest'] })
export class DependencyProxyManifest {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Group, { deleteRule: 'cascade' })
  group!: Rel<Group>;

  @Property()
  imageName!: string;

  @Property()
  digest!: string;

  @Property()
  contentType!: string;

  @Property({ type: new BigIntType('number') })
  size!: number;

  @Property({ type: BlobType })
  payload!: Buffer;

  @Property()
  @Index()
  readAt: Date = new Date();

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}

/** A tag of a cached image: which digest upstream last said it names, and when it said so. */
@Entity({ tableName: 'dependency_proxy_tags' })
@Unique({ properties: ['group', 'imageName', 'tag'] })
export class DependencyProxyTag {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Group, { deleteRule: 'cascade' })
  group!: Rel<Group>;

  @Property()
  imageName!: string;

  @Property()
  tag!: string;

  @Property()
  digest!: string;

  /** When upstream last confirmed `digest` (HEAD or GET); stale-if-error counts from here. */
  @Property()
  revalidatedAt: Date = new Date();

  @Property()
  @Index()
  readAt: Date = new Date();

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}

/** A blob a group's cache holds: a link to the content store's row. */
@Entity({ tableName: 'dependency_proxy_blobs' })
@Unique({ properties: ['group', 'blob'] })
export class DependencyProxyBlob {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Group, { deleteRule: 'cascade' })
  group!: Rel<Group>;

  @ManyToOne(() => Blob, { deleteRule: 'restrict' })
  @Index()
  blob!: Rel<Blob>;

  @Property()
  @Index()
  readAt: Date = new Date();

  @Property()
  createdAt: Date = new Date();

  @Property()
  updatedAt: Date = new Date();
}
