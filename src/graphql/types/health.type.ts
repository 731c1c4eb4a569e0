import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Whether this berth instance and the services it needs are working.' })
export class Health {
  @Field({ description: '"ok" when every check passed, otherwise "degraded".' })
  status!: string;

  @Field({ description: 'Whether the metadata database answered.' })
  database!: boolean;

  @Field({ description: 'The database kind: sqlite or postgresql.' })
  databaseKind!: string;

  @Field({ description: 'The blob storage driver in use.' })
  storageDriver!: string;
}
