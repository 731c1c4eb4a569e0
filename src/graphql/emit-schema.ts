/**
 * Writes the schema built from the resolvers to schema.graphql (committed), or with --check fails when
 * the committed file differs: CI runs the check so the file never drifts from the code.
 *   node dist/src/graphql/emit-schema.js [--check] schema.graphql
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderSchema } from './render-schema.js';

const check = process.argv.includes('--check');
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'schema.graphql';
const text = await renderSchema();
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
