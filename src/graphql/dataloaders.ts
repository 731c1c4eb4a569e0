/**
 * Per-request DataLoaders: every field that a list of repositories or tags asks for per item (a page of
 * tags, a size, referrers) is collected over one tick and answered by one grouped statement, so a project
 * page of 50 repositories × 20 tags costs the same number of SQL statements as one of 2 × 2 (the
 * statement-count test in test/graphql/n-plus-one.test.ts holds it to that).
 */
import DataLoader from 'dataloader';
import type { CleanupService, Policy } from '../cleanup/cleanup.service.js';
import type {
  ProjectRow,
  RegistryReadModel,
  RepositoryListRow,
  TagPage,
  TagPageArgs,
} from '../db/registry-read-model.js';

export interface TagPageKey {
  repositoryId: number;
  args: TagPageArgs;
}

export interface ReferrerKey {
  repositoryId: number;
  digest: string;
  artifactTypes?: string[];
}

export interface Referrer {
  digest: string;
  artifactType?: string;
}

export interface Loaders {
  /** A project's cleanup policy (saved or GitLab's defaults), by project id. */
  expirationPolicy: DataLoader<number, (Policy & { saved: boolean }) | undefined>;
  /** Name, path and creation time of a project, by id. */
  project: DataLoader<number, ProjectRow | undefined>;
  /** The repositories of a project (with tag counts), by project id. */
  projectRepositories: DataLoader<number, RepositoryListRow[]>;
  tagPage: DataLoader<TagPageKey, TagPage, string>;
  /** Manifest plus config and layer bytes, by manifest id. */
  totalSize: DataLoader<number, number>;
  /** Deduplicated bytes, by repository id. */
  repositorySize: DataLoader<number, number>;
  referrers: DataLoader<ReferrerKey, Referrer[], string>;
  /** Computes `load` once per request for `key` (a field that two resolvers of one request both need). */
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** Groups `keys` by `groupOf`, runs `load` once per group, and returns results in the keys' order. */
async function byGroup<K, V>(
  keys: readonly K[],
  groupOf: (key: K) => string,
  load: (group: K[]) => Promise<(key: K) => V>,
): Promise<V[]> {
  const groups = new Map<string, K[]>();
  for (const key of keys) {
    const g = groupOf(key);
    groups.set(g, [...(groups.get(g) ?? []), key]);
  }
  const answers = new Map<K, V>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const answer = await load(group);
      for (const key of group) answers.set(key, answer(key));
    }),
  );
  return keys.map((k) => answers.get(k) as V);
}

export function createLoaders(model: RegistryReadModel, cleanup?: Pick<CleanupService, 'policies'>): Loaders {
  const computed = new Map<string, Promise<unknown>>();
  return {
    once<T>(key: string, load: () => Promise<T>): Promise<T> {
      let pending = computed.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = load();
        computed.set(key, pending);
      }
      return pending;
    },
    expirationPolicy: new DataLoader(async (ids) => {
      const found = cleanup ? await cleanup.policies(ids) : new Map();
      return ids.map((id) => found.get(id));
    }),
    project: new DataLoader(async (ids) => {
      const found = await model.projectRows(ids);
      return ids.map((id) => found.get(id));
    }),
    projectRepositories: new DataLoader(async (ids) => {
      const found = await model.repositoriesOf(ids);
      return ids.map((id) => found.get(id) ?? []);
    }),
    tagPage: new DataLoader(
      (keys) =>
        byGroup(
          keys,
          (k) => JSON.stringify(k.args),
          async (group) => {
            const pages = await model.tagPages(
              group.map((k) => k.repositoryId),
              group[0]!.args,
            );
            return (k) => pages.get(k.repositoryId) as TagPage;
          },
        ),
      { cacheKeyFn: (k) => `${k.repositoryId} ${JSON.stringify(k.args)}` },
    ),
    totalSize: new DataLoader(async (ids) => {
      const sizes = await model.totalSizes(ids);
      return ids.map((id) => sizes.get(id) ?? 0);
    }),
    repositorySize: new DataLoader(async (ids) => {
      const sizes = await model.repositorySizes(ids);
      return ids.map((id) => sizes.get(id) ?? 0);
    }),
    referrers: new DataLoader(
      (keys) =>
        byGroup(
          keys,
          (k) => JSON.stringify(k.artifactTypes ?? []),
          async (group) => {
            const found = await model.referrersOf(
              [...new Set(group.map((k) => k.repositoryId))],
              group.map((k) => k.digest),
              group[0]!.artifactTypes,
            );
            return (k) => found.get(`${k.repositoryId} ${k.digest}`) ?? [];
          },
        ),
      { cacheKeyFn: (k) => `${k.repositoryId} ${k.digest} ${JSON.stringify(k.artifactTypes ?? [])}` },
    ),
  };
}
