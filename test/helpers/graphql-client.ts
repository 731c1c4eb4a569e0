/** POSTs typed GraphQL documents (from codegen) to a running berth's /graphql. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLResult<R> {
  status: number;
  data?: R;
  errors?: { message: string }[];
}

export async function graphql<R, V>(
  base: string,
  doc: TypedDocumentNode<R, V>,
  variables?: V,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<R>> {
  const r = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  return { status: r.status, ...((await r.json()) as { data?: R; errors?: { message: string }[] }) };
}

/** The `Authorization` header for a personal access token (none when undefined). */
export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}
