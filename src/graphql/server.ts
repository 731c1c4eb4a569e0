/**
 * GraphQL at `/graphql` and at `/api/graphql` (where GitLab's frontend posts), with batched requests (a JSON
 * array of operations, answered by an array), which GitLab's settings pages send.
 *
 * Apollo Server, type-graphql and the schema are loaded on the first GraphQL request, not at start: they
 * cost ~40 MiB of resident memory that a registry-only instance (a CI cache, a mirror) never needs, and
 * start-up is faster. The schema is still checked in CI (`npm run schema:check`) and by the tests.
 */
import type { ApolloServer } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLContext, GraphQLServices } from './context.js';

export interface GraphQLEndpoint {
  /** Stops Apollo Server if a request ever started it. */
  stop(): Promise<void>;
}

export function mountGraphQL(app: FastifyInstance, services: GraphQLServices): GraphQLEndpoint {
  let started: Promise<{ apollo: ApolloServer<GraphQLContext>; handle: ReturnType<typeof makeHandler> }> | undefined;
  const makeHandler = (
    fastifyApolloHandler: typeof import('@as-integrations/fastify').fastifyApolloHandler,
    apollo: ApolloServer<GraphQLContext>,
    graphqlContext: typeof import('./context.js').graphqlContext,
  ) => fastifyApolloHandler(apollo, { context: (request) => graphqlContext(services, request.headers) });
  const start = () => {
    started ??= (async () => {
      const [{ ApolloServer }, { fastifyApolloHandler }, { createSchema }, { graphqlContext }] = await Promise.all([
        import('@apollo/server'),
        import('@as-integrations/fastify'),
        import('./schema.js'),
        import('./context.js'),
      ]);
      const apollo = new ApolloServer<GraphQLContext>({
        schema: await createSchema(),
        introspection: true,
        allowBatchedHttpRequests: true,
        stopOnTerminationSignals: false, // main.ts owns shutdown
      });
      await apollo.start();
      return { apollo, handle: makeHandler(fastifyApolloHandler, apollo, graphqlContext) };
    })();
    started.catch(() => {
      started = undefined; // a failed start is retried by the next request
    });
    return started;
  };
  async function handler(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    const { handle } = await start();
    return handle.call(this, request, reply);
  }
  for (const url of ['/graphql', '/api/graphql']) {
    app.route({ method: ['GET', 'POST', 'OPTIONS'], url, handler });
  }
  return {
    async stop() {
      const running = await started?.catch(() => undefined);
      await running?.apollo.stop();
    },
  };
}
