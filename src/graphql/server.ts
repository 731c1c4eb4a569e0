/**
 * Apollo Server on Fastify at `/graphql` and at `/api/graphql` (where GitLab's frontend posts), with
 * batched requests (a JSON array of operations, answered by an array), which GitLab's settings pages send.
 */
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import { type GraphQLContext, type GraphQLServices, graphqlContext } from './context.js';
import { createSchema } from './schema.js';

export async function mountGraphQL(
  app: FastifyInstance,
  services: GraphQLServices,
): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: await createSchema(),
    plugins: [fastifyApolloDrainPlugin(app)],
    introspection: true,
    allowBatchedHttpRequests: true,
    stopOnTerminationSignals: false, // main.ts owns shutdown
  });
  await apollo.start();
  for (const path of ['/graphql', '/api/graphql']) {
    await app.register(fastifyApollo(apollo), {
      path,
      context: (request) => graphqlContext(services, request.headers),
    });
  }
  return apollo;
}
