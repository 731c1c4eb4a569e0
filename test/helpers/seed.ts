/**
 * Fills a project through /v2 with `repositories` repositories of `tags` tags each: one config and one
 * layer per repository, and a distinct manifest per tag (an annotation names it), pushed a few at a time.
 * The N+1 test and the GraphQL benchmark share it.
 */
import { imageManifest, type OciClient } from './oci-client.js';

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export const repositoryName = (i: number) => `img-${String(i).padStart(3, '0')}`;
export const tagName = (i: number) => `v${String(i).padStart(3, '0')}`;

export async function seedProject(
  client: OciClient,
  project: string,
  repositories: number,
  tags: number,
): Promise<void> {
  const names = Array.from({ length: repositories }, (_, i) => `${project}/${repositoryName(i)}`);
  await inParallel(names, 4, async (name) => {
    const config = await client.pushBlob(
      name,
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, name }),
    );
    const layer = await client.pushBlob(name, `layer of ${name} `.repeat(64));
    const tagNames = Array.from({ length: tags }, (_, i) => tagName(i));
    await inParallel(tagNames, 4, async (tag) => {
      const manifest = imageManifest(
        { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
        { annotations: { 'org.opencontainers.image.version': tag } },
      );
      const r = await client.pushManifest(name, tag, manifest);
      if (r.status !== 201) throw new Error(`seed ${name}:${tag}: ${r.status} ${r.body}`);
    });
  });
}
