import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A blob in content-addressed storage, stored once however many repositories hold it. */
@Entity({ tableName: 'blobs' })
export class Blob {
  @PrimaryKey()
  id!: number;

  @Property({ unique: true })
  digest!: string;

  @Property({ type: new BigIntType('number') })
  size!: number;

  @Property()
  createdAt: Date = new Date();
}
