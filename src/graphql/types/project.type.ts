import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { TimeScalar } from '../scalars.js';

export enum ContainerRegistryAccessLevel {
  ENABLED = 'enabled',
  PRIVATE = 'private',
  DISABLED = 'disabled',
}

registerEnumType(ContainerRegistryAccessLevel, {
  name: 'ContainerRegistryAccessLevel',
  description:
    "Who may see a project's container registry (berth addition; GitLab has it in REST only): ENABLED follows the project's visibility, PRIVATE is members with Reporter and above, DISABLED is nobody.",
});

@ObjectType({ description: 'A project: its container repositories live at <fullPath>[/<image>].' })
export class Project {
  /** Database id (not exposed). */
  dbId!: number;

  @Field(() => ID, { description: 'Global ID of the project, gid://berth/Project/<id>.' })
  id!: string;

  @Field({ description: 'Name of the project.' })
  name!: string;

  @Field({ description: 'Path of the project (last component of fullPath).' })
  path!: string;

  @Field(() => ID, { description: 'Full path of the project.' })
  fullPath!: string;

  @Field({ description: 'Visibility of the project: private, internal or public.' })
  visibility!: string;

  @Field(() => ContainerRegistryAccessLevel, {
    description: 'Access level of the container registry (berth addition).',
  })
  containerRegistryAccessLevel!: ContainerRegistryAccessLevel;

  @Field(() => TimeScalar, { description: 'Timestamp of the project creation.' })
  createdAt!: Date;
}
