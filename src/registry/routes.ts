/**
 * The /v2 route table (distribution-spec § Endpoints). Repository names contain slashes, so routes match on
 * the path's tail; the name is everything before it. Each route states the action it needs.
 */
export type Action = 'pull' | 'push' | 'delete';
export type RouteName = 'base' | 'catalog' | 'tags' | 'manifest' | 'blob' | 'uploads' | 'upload' | 'referrers';

interface RouteSpec {
  name: RouteName;
  pattern: RegExp;
  methods: Partial<Record<string, Action>>;
}

/** Order matters: `blobs/uploads/…` before `blobs/<digest>`. */
const ROUTES: RouteSpec[] = [
  { name: 'base', pattern: /^\/?$/, methods: { GET: 'pull', HEAD: 'pull' } },
  { name: 'catalog', pattern: /^\/_catalog$/, methods: { GET: 'pull' } },
  { name: 'tags', pattern: /^\/(.+)\/tags\/list$/, methods: { GET: 'pull' } },
  {
    name: 'manifest',
    pattern: /^\/(.+)\/manifests\/([^/]+)$/,
    methods: { GET: 'pull', HEAD: 'pull', PUT: 'push', DELETE: 'delete' },
  },
  { name: 'uploads', pattern: /^\/(.+)\/blobs\/uploads\/?$/, methods: { POST: 'push' } },
  {
    name: 'upload',
    pattern: /^\/(.+)\/blobs\/uploads\/([^/]+)$/,
    methods: { GET: 'push', PATCH: 'push', PUT: 'push', DELETE: 'push' },
  },
  { name: 'blob', pattern: /^\/(.+)\/blobs\/([^/]+)$/, methods: { GET: 'pull', HEAD: 'pull', DELETE: 'delete' } },
  { name: 'referrers', pattern: /^\/(.+)\/referrers\/([^/]+)$/, methods: { GET: 'pull' } },
];

export interface RouteMatch {
  route: RouteName;
  /** The repository name, for routes that have one. */
  name?: string;
  /** The tag, digest or upload id at the end of the path. */
  ref?: string;
  /** The action the method needs, or undefined when the route does not allow the method. */
  action?: Action;
  allowed: string[];
}

/** Matches a path below /v2 (e.g. "/library/alpine/manifests/latest"). */
export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const spec of ROUTES) {
    const m = spec.pattern.exec(path);
    if (!m) continue;
    return {
      route: spec.name,
      name: m[1],
      ref: m[2],
      action: spec.methods[method],
      allowed: Object.keys(spec.methods),
    };
  }
  return undefined;
}
