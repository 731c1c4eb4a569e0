/**
 * Dependency proxy names: `<group full path>/dependency_proxy/containers/<image>`, as GitLab spells them.
 * Docker Hub's single-name images are `library/<name>`, so `alpine` and `library/alpine` are one image.
 */
const PROXY_NAME = /^(.+?)\/dependency_proxy\/containers\/(.+)$/;

export interface ProxyName {
  groupPath: string;
  /** The image as the client asked for it (`alpine`). */
  requested: string;
  /** The upstream image name (`library/alpine`): the cache key. */
  image: string;
}

export function parseProxyName(name: string): ProxyName | undefined {
  const m = PROXY_NAME.exec(name);
  if (!m) return undefined;
  const requested = m[2] as string;
  return { groupPath: m[1] as string, requested, image: upstreamImage(requested) };
}

/** Docker Hub's name for `image`: official images live under `library/`. */
export function upstreamImage(image: string): string {
  return image.includes('/') ? image : `library/${image}`;
}
