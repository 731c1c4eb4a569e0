/**
 * GraphQL latency, berth alone (Distribution has no management API to compare with): a project of 50
 * repositories × 21 tags, pushed through /v2, then
 * - the registry page: `project { containerRepositories(first: 50) { … tags(first: 20) { … } } }`;
 * - one repository's tags: `containerRepository(id) { tags(first: 20) }`.
 * Each is asked sequentially by one client (p50/p99 of single-request latency, after a warm-up), and the
 * SQL statements one request costs are read from berth's /metrics.
 */
import { print } from 'graphql';
import { ProjectRegistryPageDocument, RepositoryTagsPageDocument } from '../test/__generated__/graphql.js';
import { type Credentials, OciClient } from '../test/helpers/oci-client.js';
import { seedProject } from '../test/helpers/seed.js';

export interface LatencyResult {
  label: string;
  requests: number;
  p50: number;
  p99: number;
  mean: number;
  statements: number;
}

const PROJECT = 'bench/gql';

async function post(base: string, token: string, query: string, variables: object): Promise<unknown> {
  const r = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await r.json()) as { data?: unknown; errors?: unknown[] };
  if (r.status !== 200 || body.errors) throw new Error(`GraphQL ${r.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function graphqlStatements(base: string): Promise<number> {
  const m = /^berth_db_queries_total (\d+)$/m.exec(await (await fetch(`${base}/metrics`)).text());
  return m ? Number(m[1]) : 0;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;

async function latency(
  label: string,
  base: string,
  run: () => Promise<unknown>,
  requests: number,
  warmup: number,
): Promise<LatencyResult> {
  for (let i = 0; i < warmup; i++) await run();
  const s0 = await graphqlStatements(base);
  await run();
  const statements = (await graphqlStatements(base)) - s0;
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    label,
    requests,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    statements,
  };
}

/** Seeds `bench/gql` (50 × 21) on the berth at `base` and measures both queries. */
export async function measureGraphQL(
  base: string,
  credentials: Credentials,
  opts: { requests: number; warmup: number },
): Promise<LatencyResult[]> {
  const token = credentials.password; // the bench signs in with a personal access token (api scope)
  await post(base, token, 'mutation($p: ID!) { projectCreate(input: { fullPath: $p }) { errors } }', { p: PROJECT });
  await seedProject(new OciClient(base, credentials), PROJECT, 50, 21);
  const page = print(ProjectRegistryPageDocument);
  const data = (await post(base, token, page, { fullPath: PROJECT, repositories: 50, tags: 20 })) as {
    project: { containerRepositories: { nodes: { id: string; tags: { nodes: unknown[] } }[] } };
  };
  const nodes = data.project.containerRepositories.nodes;
  if (nodes.length !== 50 || nodes.some((n) => n.tags.nodes.length !== 20)) {
    throw new Error('the page did not list 50 repositories with 20 tags each');
  }
  const id = nodes[0]?.id as string;
  const tags = print(RepositoryTagsPageDocument);
  return [
    await latency(
      'project page: 50 repositories × first 20 tags',
      base,
      () => post(base, token, page, { fullPath: PROJECT, repositories: 50, tags: 20 }),
      opts.requests,
      opts.warmup,
    ),
    await latency(
      'containerRepository(id) { tags(first: 20) }',
      base,
      () => post(base, token, tags, { id, first: 20 }),
      opts.requests * 5,
      opts.warmup * 5,
    ),
  ];
}

export function latencyTable(results: LatencyResult[]): { text: string; markdown: string } {
  const header = ['GraphQL query (berth alone)', 'requests', 'p50 ms', 'p99 ms', 'mean ms', 'SQL statements'];
  const rows = results.map((r) => [
    r.label,
    String(r.requests),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    r.mean.toFixed(1),
    String(r.statements),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return {
    text: [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'),
    markdown: [
      `| ${header.join(' | ')} |`,
      `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n'),
  };
}
