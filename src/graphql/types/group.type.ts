import { Field, ID, ObjectType } from 'type-graphql';
import { TimeScalar } from '../scalars.js';

@ObjectType({ description: 'A group of projects and subgroups.' })
export class Group {
  dbId!: number;

  @Field(() => ID, { description: 'Global ID of the group, gid://berth/Group/<id>.' })
  id!: string;

  @Field({ description: 'Name of the group.' })
  name!: string;

  @Field({ description: 'Path of the group (last component of fullPath).' })
  path!: string;

  @Field(() => ID, { description: 'Full path of the group.' })
  fullPath!: string;

  @Field({ description: 'Visibility of the group: private, internal or public.' })
  visibility!: string;

  @Field(() => TimeScalar, { description: 'Timestamp of the group creation.' })
  createdAt!: Date;
}
