/**
 * Container registry protection rules (GitLab's ContainerRegistry::Protection::Rule and TagRule):
 * validation on save; enforcement is in auth/access.service.ts, at request time.
 */
import type { EntityManager } from '@mikro-orm/core';
import { RE2JS } from 're2js';
import { Project } from '../db/entities/project.entity.js';
import {
  ContainerRepositoryProtectionRule,
  ContainerTagProtectionRule,
  ProtectionAccessLevel,
} from '../db/entities/protection-rule.entity.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';

export const MAX_TAG_RULES = 5;
const LEVELS = Object.values(ProtectionAccessLevel) as string[];

function level(value: string | undefined, what: string): ProtectionAccessLevel | undefined {
  if (value === undefined || value === '') return undefined;
  if (!LEVELS.includes(value)) throw new ValidationError(`${what} must be one of ${LEVELS.join(', ')}`);
  return value as ProtectionAccessLevel;
}

function repositoryPattern(project: Project, raw: string): string {
  const pattern = raw.trim();
  if (pattern === '' || pattern.length > 255) throw new ValidationError('the path pattern needs 1 to 255 characters');
  if (!pattern.toLowerCase().startsWith(project.fullPath.toLowerCase())) {
    throw new ValidationError(`the path pattern must start with the project's full path "${project.fullPath}"`);
  }
  if (!/^[a-z0-9._/*-]+$/i.test(pattern)) {
    throw new ValidationError('the path pattern may hold path characters and "*" only');
  }
  return pattern;
}

function tagPattern(pattern: string): string {
  if (pattern === '' || pattern.length > 100)
    throw new ValidationError('the tag name pattern needs 1 to 100 characters');
  try {
    RE2JS.compile(pattern);
  } catch (err) {
    throw new ValidationError(`the tag name pattern is not a valid RE2 regular expression: ${(err as Error).message}`);
  }
  return pattern;
}

/** A change to a level: undefined keeps it, null or '' clears it. */
type LevelChange = string | null | undefined;

export class ProtectionService {
  constructor(
    private readonly em: EntityManager,
    private readonly onChange: () => void = () => undefined,
  ) {}

  private async project(fullPath: string): Promise<Project> {
    const project = await this.em.findOne(Project, { fullPath });
    if (!project) throw new NotFoundError(`no project "${fullPath}"`);
    return project;
  }

  async addRepositoryRule(
    projectPath: string,
    input: { pattern: string; push?: string; delete?: string },
  ): Promise<ContainerRepositoryProtectionRule> {
    const project = await this.project(projectPath);
    const pattern = repositoryPattern(project, input.pattern);
    const push = level(input.push, 'minimumAccessLevelForPush');
    const del = level(input.delete, 'minimumAccessLevelForDelete');
    if (!push && !del) throw new ValidationError('set at least one of the push and delete levels');
    const rule = this.em.create(ContainerRepositoryProtectionRule, {
      project,
      repositoryPathPattern: pattern,
      minimumAccessLevelForPush: push,
      minimumAccessLevelForDelete: del,
      createdAt: new Date(),
    });
    return this.insert(rule, pattern);
  }

  async addTagRule(
    projectPath: string,
    input: { pattern: string; push: string; delete: string },
  ): Promise<ContainerTagProtectionRule> {
    const project = await this.project(projectPath);
    const pattern = tagPattern(input.pattern);
    const push = level(input.push, 'minimumAccessLevelForPush');
    const del = level(input.delete, 'minimumAccessLevelForDelete');
    if (!push || !del) throw new ValidationError('Access levels should both be present');
    if ((await this.em.count(ContainerTagProtectionRule, { project })) >= MAX_TAG_RULES) {
      throw new ValidationError('Maximum number of protection rules have been reached.');
    }
    const rule = this.em.create(ContainerTagProtectionRule, {
      project,
      tagNamePattern: pattern,
      minimumAccessLevelForPush: push,
      minimumAccessLevelForDelete: del,
      createdAt: new Date(),
    });
    return this.insert(rule, pattern);
  }

  async updateRepositoryRule(
    id: number,
    changes: { pattern?: string; push?: LevelChange; delete?: LevelChange },
  ): Promise<ContainerRepositoryProtectionRule> {
    const rule = await this.em.findOne(ContainerRepositoryProtectionRule, { id }, { populate: ['project'] });
    if (!rule) throw new NotFoundError(`no repository protection rule ${id}`);
    if (changes.pattern !== undefined) rule.repositoryPathPattern = repositoryPattern(rule.project, changes.pattern);
    if (changes.push !== undefined)
      rule.minimumAccessLevelForPush = level(changes.push ?? undefined, 'minimumAccessLevelForPush');
    if (changes.delete !== undefined) {
      rule.minimumAccessLevelForDelete = level(changes.delete ?? undefined, 'minimumAccessLevelForDelete');
    }
    if (!rule.minimumAccessLevelForPush && !rule.minimumAccessLevelForDelete) {
      throw new ValidationError('set at least one of the push and delete levels');
    }
    return this.insert(rule, rule.repositoryPathPattern);
  }

  async updateTagRule(
    id: number,
    changes: { pattern?: string; push?: LevelChange; delete?: LevelChange },
  ): Promise<ContainerTagProtectionRule> {
    const rule = await this.em.findOne(ContainerTagProtectionRule, { id }, { populate: ['project'] });
    if (!rule) throw new NotFoundError(`no tag protection rule ${id}`);
    if (changes.pattern !== undefined) rule.tagNamePattern = tagPattern(changes.pattern);
    const push =
      changes.push === undefined
        ? rule.minimumAccessLevelForPush
        : level(changes.push ?? undefined, 'minimumAccessLevelForPush');
    const del =
      changes.delete === undefined
        ? rule.minimumAccessLevelForDelete
        : level(changes.delete ?? undefined, 'minimumAccessLevelForDelete');
    if (!push || !del) throw new ValidationError('Access levels should both be present');
    rule.minimumAccessLevelForPush = push;
    rule.minimumAccessLevelForDelete = del;
    return this.insert(rule, rule.tagNamePattern);
  }

  /** Saves a new rule; the database's unique index (project, pattern) decides about duplicates, race-free. */
  private async insert<T extends object>(rule: T, pattern: string): Promise<T> {
    try {
      await this.em.flush();
    } catch (err) {
      if ((err as { name?: string }).name === 'UniqueConstraintViolationException') {
        throw new ConflictError(`a rule for "${pattern}" exists already`);
      }
      throw err;
    }
    this.onChange();
    return rule;
  }

  async list(projectPath: string) {
    const project = await this.project(projectPath);
    return {
      repository: await this.em.find(ContainerRepositoryProtectionRule, { project }, { orderBy: { id: 'asc' } }),
      tags: await this.em.find(ContainerTagProtectionRule, { project }, { orderBy: { id: 'asc' } }),
    };
  }

  /** A rule with its project's full path, or undefined. */
  async find(kind: 'repository' | 'tag', id: number) {
    const entity = kind === 'repository' ? ContainerRepositoryProtectionRule : ContainerTagProtectionRule;
    return this.em.findOne(entity as typeof ContainerTagProtectionRule, { id }, { populate: ['project'] });
  }

  async remove(kind: 'repository' | 'tag', id: number): Promise<boolean> {
    const entity = kind === 'repository' ? ContainerRepositoryProtectionRule : ContainerTagProtectionRule;
    const n = await this.em.nativeDelete(entity as typeof ContainerTagProtectionRule, { id });
    this.onChange();
    return n > 0;
  }
}
