import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export enum UserState {
  Active = 'active',
  Blocked = 'blocked',
}

/** A person (or bot) who signs in. The password is stored only as a scrypt hash (see auth/passwords.ts). */
@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey()
  id!: number;

  @Property({ unique: true })
  username!: string;

  @Property({ unique: true })
  email!: string;

  @Property()
  name!: string;

  @Property({ hidden: true, lazy: true })
  passwordHash!: string;

  @Property()
  admin: boolean = false;

  @Enum({ items: () => UserState })
  state: UserState = UserState.Active;

  @Property()
  createdAt: Date = new Date();
}
