/**
 * Groups and projects. Paths follow the OCI name grammar (lowercase components), so every project path is
 * a valid registry name prefix; a path belongs to one group or one project, never both.
 */
import type { EntityManager } from '@mikro-orm/core';
import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { Group } from '../db/entities/group.entity.js';
import { Project, RegistryAccessLevel, Visibility } from '../db/entities/project.entity.js';
import { queueBlobs } from '../db/gc-queue.js';
import type { RegistryStore } from '../db/registry-store.js';
import { escapeLike } from '../db/sql.js';
import { componentProblem, MAX_NAME_LENGTH } from '../oci/reference.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';

/** Queueing for garbage collection: the registry store's dialect and review time. */
export type GcQueueing = Pick<RegistryStore, 'dialect' | 'gcReviewAfter'>;

export class NamespacesService {
  constructor(
    private readonly em: EntityManager,
    private readonly onChange: () => void = () => undefined,
    /** Where blobs let go of by a deletion are queued for garbage collection (the registry store). */
    private readonly gc?: GcQueueing,
  ) {}

  /** Creates a group; its parent (everything before the last "/") must exist. */
  async createGroup(fullPath: string, name?: string, visibility: string = Visibility.Private): Promise<Group> {
    const { parentPath, path } = this.split(fullPath);
    if (!Object.values(Visibility).includes(visibility as Visibility)) {
      throw new ValidationError(`visibility must be one of ${Object.values(Visibility).join(', ')}`);
    }
    const parent = parentPath === undefined ? undefined : await this.requireGroup(parentPath);
    await this.requireFree(fullPath);
    const group = this.em.create(Group, {
      name: name ?? path,
      path,
      fullPath,
      parent,
      visibility: visibility as Visibility,
      createdAt: new Date(),
    });
    await this.em.flush();
    return group;
  }

  /** Creates a project in an existing group. */
  async createProject(fullPath: string, options: { name?: string; visibility?: string } = {}): Promise<Project> {
    const { parentPath, path } = this.split(fullPath);
    if (parentPath === undefined) throw new ValidationError(`a project lives in a group: write <group>/${path}`);
    const visibility = (options.visibility ?? Visibility.Private) as Visibility;
    if (!Object.values(Visibility).includes(visibility)) {
      throw new ValidationError(`visibility must be one of ${Object.values(Visibility).join(', ')}`);
    }
    const group = await this.requireGroup(parentPath);
    await this.requireFree(fullPath);
    const project = this.em.create(Project, {
      name: options.name ?? path,
      path,
      fullPath,
      group,
      visibility,
      containerRegistryAccessLevel: RegistryAccessLevel.Enabled,
      createdAt: new Date(),
    });
    await this.em.flush();
    return project;
  }

  /** Changes a project's visibility and/or container registry access level. */
  async updateProject(
    fullPath: string,
    changes: { visibility?: string; registryAccessLevel?: string },
  ): Promise<Project> {
    const project = await this.em.findOne(Project, { fullPath });
    if (!project) throw new NotFoundError(`no project "${fullPath}"`);
    if (changes.visibility !== undefined) {
      if (!Object.values(Visibility).includes(changes.visibility as Visibility)) {
        throw new ValidationError(`visibility must be one of ${Object.values(Visibility).join(', ')}`);
      }
      project.visibility = changes.visibility as Visibility;
    }
    if (changes.registryAccessLevel !== undefined) {
      if (!Object.values(RegistryAccessLevel).includes(changes.registryAccessLevel as RegistryAccessLevel)) {
        throw new ValidationError(
          `the registry access level must be one of ${Object.values(RegistryAccessLevel).join(', ')}`,
        );
      }
      project.containerRegistryAccessLevel = changes.registryAccessLevel as RegistryAccessLevel;
    }
    await this.em.flush();
    this.onChange();
    return project;
  }

  /**
   * Renames and/or moves a project, even with images: a metadata change only (blobs are stored by digest,
   * not by name). The project's repositories and its repository protection patterns follow the new path
   * in one transaction; pulls by the new name work at once and the old name is free again.
   */
  async moveProject(fullPath: string, newFullPath: string): Promise<Project> {
    const project = await this.em.findOne(Project, { fullPath });
    if (!project) throw new NotFoundError(`no project "${fullPath}"`);
    if (newFullPath === fullPath) return project;
    const { parentPath, path } = this.split(newFullPath);
    if (parentPath === undefined) throw new ValidationError(`a project lives in a group: write <group>/${path}`);
    const group = await this.requireGroup(parentPath);
    await this.requireFree(newFullPath);
    const knex = this.knex();
    const rebase = (value: string) => `${newFullPath}${value.slice(fullPath.length)}`;
    await knex.transaction(async (trx) => {
      await trx('projects').where('id', project.id).update({ full_path: newFullPath, path, group_id: group.id });
      const repos: { id: number; path: string }[] = await trx('container_repositories')
        .select('id', 'path')
        .where('project_id', project.id);
      for (const r of repos)
        await trx('container_repositories')
          .where('id', r.id)
          .update({ path: rebase(r.path) });
      const rules: { id: number; repository_path_pattern: string }[] = await trx(
        'container_repository_protection_rules',
      )
        .select('id', 'repository_path_pattern')
        .where('project_id', project.id);
      for (const r of rules) {
        if (r.repository_path_pattern.toLowerCase().startsWith(fullPath.toLowerCase())) {
          await trx('container_repository_protection_rules')
            .where('id', r.id)
            .update({ repository_path_pattern: rebase(r.repository_path_pattern) });
        }
      }
    });
    this.em.clear();
    this.onChange();
    return (await this.em.findOne(Project, { id: project.id })) as Project;
  }

  /**
   * Deletes a project with everything in it, in one transaction: its repositories (tags, manifests, blob
   * links, upload sessions), members, deploy and job tokens and protection rules. Its blobs are queued for
   * garbage collection, which deletes those no other repository or cache holds.
   */
  async deleteProject(fullPath: string): Promise<void> {
    const project = await this.em.findOne(Project, { fullPath });
    if (!project) throw new NotFoundError(`no project "${fullPath}"`);
    await this.knex().transaction((trx) =>
      deleteProjects(trx, trx('projects').select('id').where('id', project.id), this.gc),
    );
    this.em.clear();
    this.onChange();
  }

  /** Deletes a group with its subgroups and all their projects (as {@link deleteProject}), in one transaction. */
  async deleteGroup(fullPath: string): Promise<void> {
    const group = await this.em.findOne(Group, { fullPath });
    if (!group) throw new NotFoundError(`no group "${fullPath}"`);
    const below = `${escapeLike(fullPath)}/%`;
    await this.knex().transaction(async (trx) => {
      await deleteProjects(
        trx,
        trx('projects').select('id').whereRaw("full_path like ? escape '\\'", [below]),
        this.gc,
      );
      const groups: { id: number }[] = await trx('groups')
        .select('id')
        .where('id', group.id)
        .orWhereRaw("full_path like ? escape '\\'", [below])
        .orderByRaw('length(full_path) desc');
      if (this.gc) {
        const cached = trx('dependency_proxy_blobs')
          .select('blob_id')
          .whereIn(
            'group_id',
            groups.map((g) => g.id),
          );
        await queueBlobs(trx, this.gc.dialect, cached, 'group_delete', this.gc.gcReviewAfter());
      }
      for (const g of groups) await trx('groups').where('id', g.id).delete(); // children before parents
    });
    this.em.clear();
    this.onChange();
  }

  private knex(): Knex {
    return (this.em as unknown as SqlEntityManager).getKnex();
  }

  listGroups(): Promise<Group[]> {
    return this.em.find(Group, {}, { orderBy: { fullPath: 'asc' } });
  }

  listProjects(): Promise<Project[]> {
    return this.em.find(Project, {}, { orderBy: { fullPath: 'asc' } });
  }

  private split(fullPath: string): { parentPath?: string; path: string } {
    if (fullPath.length > MAX_NAME_LENGTH)
      throw new ValidationError(`path is longer than ${MAX_NAME_LENGTH} characters`);
    const parts = fullPath.split('/');
    for (const part of parts) {
      const problem = componentProblem(part);
      if (problem) throw new ValidationError(`path component "${part}" ${problem}`);
    }
    const path = parts.pop() as string;
    return { parentPath: parts.length > 0 ? parts.join('/') : undefined, path };
  }

  private async requireGroup(fullPath: string): Promise<Group> {
    const group = await this.em.findOne(Group, { fullPath });
    if (!group) throw new NotFoundError(`group "${fullPath}" does not exist`);
    return group;
  }

  private async requireFree(fullPath: string): Promise<void> {
    if ((await this.em.count(Group, { fullPath })) > 0) throw new ConflictError(`"${fullPath}" is already a group`);
    if ((await this.em.count(Project, { fullPath })) > 0) throw new ConflictError(`"${fullPath}" is already a project`);
  }
}

/**
 * Deletes the projects that `ids` selects. Links between manifests are removed first (a manifest an index
 * names may not be deleted before the index); the rest follows by the schema's cascades.
 */
async function deleteProjects(trx: Knex.Transaction, ids: Knex.QueryBuilder, gc?: GcQueueing): Promise<void> {
  const repositories = trx('container_repositories').select('id').whereIn('project_id', ids.clone());
  if (gc) {
    const held = trx('repository_blobs').select('blob_id').whereIn('repository_id', repositories.clone());
    await queueBlobs(trx, gc.dialect, held, 'project_delete', gc.gcReviewAfter());
  }
  const manifests = trx('manifests').select('id').whereIn('repository_id', repositories.clone());
  await trx('manifest_references').whereIn('parent_id', manifests.clone()).delete();
  await trx('manifest_references').whereIn('child_id', manifests.clone()).delete();
  await trx('projects').whereIn('id', ids.clone()).delete();
}
