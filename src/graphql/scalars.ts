/** GitLab's scalars, by name, so frontend queries written for GitLab validate here unchanged. */
import { GraphQLScalarType, Kind } from 'graphql';

function stringScalar(name: string, description: string, check?: (value: string) => boolean): GraphQLScalarType {
  const parse = (value: unknown) => {
    if (typeof value !== 'string' || (check && !check(value)))
      throw new TypeError(`${name} cannot represent ${String(value)}`);
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
    parseValue: parse,
    parseLiteral: (ast) => {
      if (ast.kind !== Kind.STRING) throw new TypeError(`${name} must be a string`);
      return parse(ast.value);
    },
  });
}

export const TimeScalar = stringScalar('Time', 'Time represented in ISO 8601.', (v) => !Number.isNaN(Date.parse(v)));
export const BigIntScalar = stringScalar(
  'BigInt',
  'Represents non-fractional signed whole numeric values, as a string.',
);
export const ContainerRepositoryIDScalar = stringScalar(
  'ContainerRepositoryID',
  'A `ContainerRepositoryID` is a global ID. It is encoded as a string, e.g. "gid://berth/ContainerRepository/1".',
);
export const DependencyProxyManifestIDScalar = stringScalar(
  'DependencyProxyManifestID',
  'A `DependencyProxyManifestID` is a global ID. It is encoded as a string, e.g. "gid://berth/DependencyProxy::Manifest/1".',
);
