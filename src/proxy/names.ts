/**
 * Dependency proxy names: `<group full path>/dependency_proxy/containers/<image>`, as GitLab spells them.
 * Docker Hub's single-name images are `library/<name>`, so `alpine` and `library/alpine` are one image.
 */
const PROXY_NAME = /^(.+?)\/dependency_proxy\/containers\/(.+)$/;

export interface ProxyName {
  groupPath: string;
  /** The image as the client asked for it (`alpine`). */
  requested: string;
  /** The cache key: the upstream name, prefixed by its registry host unless that is Docker Hub (`library/alpine`, `ghcr.io/org/tool`). */
  image: string;
  /** The repository on the upstream registry (`library/alpine`, `org/tool`). */
  remote: string;
  /** The upstream's host when it is not the default one (containerd's `?ns=`). */
  upstream?: string;
}

/** Hosts that mean Docker Hub in containerd's `ns` parameter. */
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'registry-1.docker.io', 'index.docker.io']);

/** `ns` names the default upstream (Docker Hub) when absent or one of its host names. */
export function isDefaultNamespace(ns: string | null | undefined): boolean {
  return !ns || DOCKER_HUB_HOSTS.has(ns);
}

export function parseProxyName(name: string, ns?: string | null): ProxyName | undefined {
  const m = PROXY_NAME.exec(name);
  if (!m) return undefined;
  return proxyName(m[1] as string, m[2] as string, ns);
}

/** `requested` (an image name) through `groupPath`'s cache, from the upstream `ns` names (default Docker Hub). */
export function proxyName(groupPath: string, requested: string, ns?: string | null): ProxyName {
  if (isDefaultNamespace(ns)) {
    const image = upstreamImage(requested);
    return { groupPath, requested, image, remote: image };
  }
  return { groupPath, requested, image: `${ns}/${requested}`, remote: requested, upstream: ns as string };
}

/** Docker Hub's name for `image`: official images live under `library/`. */
export function upstreamImage(image: string): string {
  return image.includes('/') ? image : `library/${image}`;
}
