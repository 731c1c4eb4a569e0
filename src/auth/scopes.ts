/** Parsing of the Docker token spec's `scope` parameter: `repository:<name>:<actions>` and `registry:catalog:*`. */
export interface RequestedScope {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

/** Every `scope` value (repeated and/or space-separated); malformed ones are skipped, as GitLab does. */
export function parseScopes(values: string[]): RequestedScope[] {
  const out: RequestedScope[] = [];
  for (const value of values) {
    for (const item of value.split(' ')) {
      const first = item.indexOf(':');
      const last = item.lastIndexOf(':');
      if (first <= 0 || last === first) continue;
      const rawType = item.slice(0, first);
      const type = rawType.replace(/\(.*\)$/, ''); // `repository(plugin)` → repository
      const name = item.slice(first + 1, last);
      const actions = item
        .slice(last + 1)
        .split(',')
        .filter((a) => a !== '');
      if ((type === 'repository' || type === 'registry') && name !== '' && actions.length > 0) {
        out.push({ type, name, actions });
      }
    }
  }
  return out;
}

/** The `scope` value of a challenge for `name` and the actions a request needs. */
export function scopeString(name: string, actions: string[]): string {
  return `repository:${name}:${actions.join(',')}`;
}
