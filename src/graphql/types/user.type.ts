import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The user making the request (GitLab: CurrentUser).' })
export class CurrentUser {
  @Field(() => ID, { description: 'Global ID of the user, gid://berth/User/<id>.' })
  id!: string;

  @Field({ description: 'Username of the user.' })
  username!: string;

  @Field({ description: 'Human-readable name of the user.' })
  name!: string;

  @Field({ description: 'State of the user: active or blocked.' })
  state!: string;

  @Field({ description: 'Whether the user is an instance administrator (berth addition).' })
  admin!: boolean;
}
