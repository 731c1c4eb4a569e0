import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { HealthResolver } from './resolvers/health.resolver.js';
import { ProjectResolver } from './resolvers/project.resolver.js';
import { UserResolver } from './resolvers/user.resolver.js';

export const RESOLVERS = [HealthResolver, UserResolver, ProjectResolver] as const;

export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...RESOLVERS], validate: false });
}
