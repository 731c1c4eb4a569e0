/**
 * Writes the schema built from the resolvers to schema.graphql (committed), or with --check fails when
 * the committed file differs: CI runs the check so the file never drifts from the code.
 *   node dist/src/graphql/emit-schema.js [--check] schema.graphql
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createSchema } from './schema.js';

const check = process.argv.includes('--check');
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'schema.graphql';
const header = '# Emitted from the resolvers by `npm run schema:emit`. Do not edit; CI fails when it drifts.\n\n';
const text = `${header}${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
if (check) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current !== text) {
    console.error(`${file} differs from the schema the code builds: run \`npm run gen\` and commit the result`);
    process.exit(1);
  }
  console.log(`${file} matches the code`);
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
