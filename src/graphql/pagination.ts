/**
 * Relay connections as GitLab serves them: `nodes`, `edges { cursor node }`, `pageInfo`, `count`, and
 * `first/after/last/before` with a bounded page size. Pages are cut from an ordered list by opaque
 * cursors (base64 of the item's position key), so a page stays stable while items are added elsewhere.
 */
import { GraphQLError } from 'graphql';
import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Information about pagination in a connection.' })
export class PageInfo {
  @Field({ description: 'When paginating forwards, the cursor to continue.', nullable: true })
  endCursor?: string;

  @Field({ description: 'When paginating forwards, are there more items?' })
  hasNextPage!: boolean;

  @Field({ description: 'When paginating backwards, are there more items?' })
  hasPreviousPage!: boolean;

  @Field({ description: 'When paginating backwards, the cursor to continue.', nullable: true })
  startCursor?: string;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Returns the elements in the list that come after the specified cursor.',
  })
  after?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Returns the elements in the list that come before the specified cursor.',
  })
  before?: string;

  @Field(() => Int, { nullable: true, description: 'Returns the first _n_ elements from the list.' })
  first?: number;

  @Field(() => Int, { nullable: true, description: 'Returns the last _n_ elements from the list.' })
  last?: number;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  nodes: T[];
  edges: Edge<T>[];
  pageInfo: PageInfo;
  count: number;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for `node`. */
export function connectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { description: 'An edge in a connection.' })
  class EdgeType {
    @Field({ description: 'A cursor for use in pagination.' })
    cursor!: string;

    @Field(() => node, { nullable: true, description: 'The item at the end of the edge.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `The connection type for ${name}.` })
  class ConnectionType {
    @Field(() => Int, { description: 'Total count of collection.' })
    count!: number;

    @Field(() => [EdgeType], { nullable: true, description: 'A list of edges.' })
    edges!: EdgeType[];

    @Field(() => [node], { nullable: true, description: 'A list of nodes.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Information to aid in pagination.' })
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/**
 * Cuts one page from `items` (already in the requested order), whose position keys `keyOf` gives:
 * `after`/`before` are exclusive, `first` takes from the front, `last` from the back.
 */
export function paginate<T>(
  items: T[],
  args: ConnectionArgs,
  keyOf: (item: T) => string,
  maxPageSize = 100,
): Connection<T> {
  for (const [name, n] of [
    ['first', args.first],
    ['last', args.last],
  ] as const) {
    if (n !== undefined && n !== null && n < 0) throw new GraphQLError(`Argument '${name}' must not be negative`);
  }
  const keys = items.map(keyOf);
  let start = 0;
  let end = items.length;
  if (args.after) {
    const i = keys.indexOf(decodeCursor(args.after));
    start = i === -1 ? items.length : i + 1;
  }
  if (args.before) {
    const i = keys.indexOf(decodeCursor(args.before));
    if (i !== -1) end = Math.min(end, i);
  }
  let from = start;
  let to = end;
  const first = args.first ?? (args.last === undefined || args.last === null ? maxPageSize : undefined);
  if (first !== undefined && first !== null) to = Math.min(to, from + Math.min(first, maxPageSize));
  if (args.last !== undefined && args.last !== null) from = Math.max(from, to - Math.min(args.last, maxPageSize));
  const page = items.slice(from, to);
  const edges = page.map((node, i) => ({ cursor: encodeCursor(keys[from + i] as string), node }));
  return {
    nodes: page,
    edges,
    count: items.length,
    pageInfo: {
      // As graphql-ruby (GitLab) answers: items beyond an `after`/`before` cursor count as a page too.
      hasNextPage: to < end || (!!args.before && to < items.length),
      hasPreviousPage: from > start || (!!args.after && from > 0),
      startCursor: edges[0]?.cursor,
      endCursor: edges[edges.length - 1]?.cursor,
    },
  };
}
