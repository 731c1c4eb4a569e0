import { lexicographicSortSchema, printSchema } from 'graphql';
import { createSchema } from './schema.js';

const HEADER = '# Emitted from the resolvers by `npm run schema:emit`. Do not edit; CI fails when it drifts.\n\n';

/** The SDL that schema.graphql must hold: sorted, so it diffs cleanly. */
export async function renderSchema(): Promise<string> {
  return `${HEADER}${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
}
