/** Apollo Server on Fastify at /graphql. */
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
    stopOnTerminationSignals: false, // main.ts owns shutdown
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: (request) => graphqlContext(services, request.headers),
  });
  return apollo;
}
