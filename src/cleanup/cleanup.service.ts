/**
 * Cleanup (tag expiration) policies: storing them with GitLab's values and defaults, running them, on their
 * cadence or at once, over every repository of a project, previewing them, and GitLab's bulk delete by rule
 * on one repository. Every decision is evaluate.ts; every deletion is RegistryStore.deleteTags (batched,
 * queueing the untagged manifests for garbage collection).
 *
 * One run per project at a time, across instances with Redis (cache/locks.ts). A run marks the project's
 * repositories SCHEDULED, each ONGOING while it works on it and UNSCHEDULED when done; a crash leaves
 * some SCHEDULED or ONGOING, and the scheduler continues them (ONGOING ones shown as UNFINISHED until
 * then). No per-run cap: a run deletes everything the policy selects.
 */
import type { Knex } from '@mikro-orm/knex';
import type { AccessService } from '../auth/access.service.js';
import type { Locks } from '../cache/locks.js';
import type { Dialect } from '../db/orm.js';
import type { RegistryStore } from '../db/registry-store.js';
import { dbTime, toDate } from '../db/sql.js';
import { ValidationError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import { Counter } from '../observability/metrics.js';
import {
  CADENCES,
  type CleanupDecision,
  type CleanupRules,
  compilePattern,
  evaluate,
  InvalidPatternError,
  KEEP_N,
  nextRun,
  OLDER_THAN,
  olderThanMs,
} from './evaluate.js';

export interface Policy {
  enabled: boolean;
  cadence: string;
  keepN: number | null;
  olderThan: string | null;
  nameRegex: string | null;
  nameRegexKeep: string | null;
  nextRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** GitLab's defaults (container_expiration_policies in db/structure.sql), disabled until saved enabled. */
export const DEFAULT_POLICY = {
  enabled: false,
  cadence: '1d',
  keepN: 10,
  olderThan: '90d',
  nameRegex: null,
  nameRegexKeep: null,
} as const;

export type PolicyChanges = Partial<
  Pick<Policy, 'enabled' | 'cadence' | 'keepN' | 'olderThan' | 'nameRegex' | 'nameRegexKeep'>
>;

export interface TagCandidate {
  name: string;
  publishedAt: number;
  digest: string;
}

export interface RepositoryPlan {
  repositoryId: number;
  decisions: CleanupDecision<TagCandidate>[];
}

export interface RunResult {
  repositories: number;
  deletedTags: number;
}

const REGEX_MAX = 255;
const statuses = {
  unscheduled: 'cleanup_unscheduled',
  scheduled: 'cleanup_scheduled',
  unfinished: 'cleanup_unfinished',
  ongoing: 'cleanup_ongoing',
} as const;

export class CleanupMetrics {
  readonly runs = new Counter<string>(
    'berth_cleanup_runs_total',
    'Cleanup policy runs over a project, by trigger.',
    'trigger',
  );
  readonly deletedTags = new Counter('berth_cleanup_deleted_tags_total', 'Tags cleanup policies deleted.');

  render(): string {
    return [this.runs.render(), this.deletedTags.render()].join('\n');
  }
}

export class CleanupService {
  readonly metrics = new CleanupMetrics();

  constructor(
    private readonly deps: {
      knex: Knex;
      dialect: Dialect;
      store: RegistryStore;
      access: AccessService;
      locks: Locks;
      log: Logger;
    },
  ) {}

  private get knex(): Knex {
    return this.deps.knex;
  }

  private now(): number {
    return this.deps.store.clock();
  }

  private time(ms: number): Date | number {
    return dbTime(this.deps.dialect, ms);
  }

  /** The project's policy: saved, or GitLab's defaults (`createdAt`/`updatedAt` then the project's creation). */
  async policy(projectId: number): Promise<Policy & { saved: boolean }> {
    return (await this.policies([projectId])).get(projectId) as Policy & { saved: boolean };
  }

  /** The policies of several projects, in two statements (GraphQL lists ask for many at once). */
  async policies(projectIds: readonly number[]): Promise<Map<number, Policy & { saved: boolean }>> {
    const out = new Map<number, Policy & { saved: boolean }>();
    const rows = await this.knex('container_expiration_policies')
      .select('*')
      .whereIn('project_id', projectIds as number[]);
    for (const row of rows) {
      out.set(Number(row.project_id), {
        enabled: !!row.enabled,
        cadence: row.cadence,
        keepN: row.keep_n ?? null,
        olderThan: row.older_than ?? null,
        nameRegex: row.name_regex ?? null,
        nameRegexKeep: row.name_regex_keep ?? null,
        nextRunAt: row.next_run_at ? toDate(row.next_run_at) : null,
        createdAt: toDate(row.created_at),
        updatedAt: toDate(row.updated_at),
        saved: true,
      });
    }
    const unsaved = projectIds.filter((id) => !out.has(id));
    if (unsaved.length > 0) {
      const projects = await this.knex('projects').select('id', 'created_at').whereIn('id', unsaved);
      for (const p of projects) {
        const created = toDate(p.created_at);
        out.set(Number(p.id), {
          ...DEFAULT_POLICY,
          nextRunAt: null,
          createdAt: created,
          updatedAt: created,
          saved: false,
        });
      }
    }
    return out;
  }

  /**
   * Saves changes (an upsert, as GitLab's update service). Values outside GitLab's lists and patterns RE2
   * cannot compile are refused with a {@link ValidationError}; saving an enabled policy (re)starts its
   * interval: the next run is one cadence from now.
   */
  async save(projectId: number, changes: PolicyChanges): Promise<Policy> {
    const current = await this.policy(projectId);
    const next = { ...current, ...changes };
    const problems: string[] = [];
    if (!(next.cadence in CADENCES)) problems.push(`Cadence is not included in the list`);
    if (next.keepN !== null && !KEEP_N.includes(next.keepN)) problems.push('Keep n is not included in the list');
    if (next.olderThan !== null && !OLDER_THAN.includes(next.olderThan))
      problems.push('Older than is not included in the list');
    for (const [field, label] of [
      ['nameRegex', 'Name regex'],
      ['nameRegexKeep', 'Name regex keep'],
    ] as const) {
      const value = next[field];
      if (value === null || value === '') continue;
      if (value.length > REGEX_MAX) problems.push(`${label} is too long (maximum is ${REGEX_MAX} characters)`);
      else {
        try {
          compilePattern(value, field);
        } catch (err) {
          if (!(err instanceof InvalidPatternError)) throw err;
          problems.push(
            `${label} not valid RE2 syntax: ${err.message.replace(/^\w+ is not a valid RE2 regular expression: /, '')}`,
          );
        }
      }
    }
    if (problems.length > 0) throw new ValidationError(problems.join(', '));
    const now = this.now();
    const scheduleChanged =
      !current.saved ||
      changes.enabled !== undefined ||
      (changes.cadence !== undefined && changes.cadence !== current.cadence);
    const nextRunAt = next.enabled
      ? scheduleChanged || !current.nextRunAt
        ? nextRun(next.cadence, now)
        : current.nextRunAt.getTime()
      : null;
    const values = {
      enabled: next.enabled,
      cadence: next.cadence,
      keep_n: next.keepN,
      older_than: next.olderThan,
      name_regex: next.nameRegex || null,
      name_regex_keep: next.nameRegexKeep || null,
      next_run_at: nextRunAt === null ? null : this.time(nextRunAt),
      updated_at: this.time(now),
    };
    await this.knex('container_expiration_policies')
      .insert({ project_id: projectId, created_at: this.time(now), ...values })
      .onConflict('project_id')
      .merge(values);
    return this.policy(projectId);
  }

  /** The tags of a repository, with their publication times and digests. */
  private async tags(repositoryId: number): Promise<TagCandidate[]> {
    const rows: { name: string; updated_at: unknown; digest: string }[] = await this.knex('tags as t')
      .join('manifests as m', 'm.id', 't.manifest_id')
      .select('t.name', 't.updated_at', 'm.digest')
      .where('t.repository_id', repositoryId);
    return rows.map((r) => ({ name: r.name, publishedAt: toDate(r.updated_at).getTime(), digest: r.digest }));
  }

  /** Whether a tag protection rule of the project keeps `name` from a policy run (any rule that restricts deletes). */
  private async policyProtection(projectId: number): Promise<(name: string) => boolean> {
    const rules = await this.deps.access.tagRules(projectId);
    return (name) => rules.some((r) => r.delete > 0 && r.pattern.matcher(name).find());
  }

  /** What `rules` decide for one repository; nothing is deleted. */
  async plan(
    repositoryId: number,
    rules: CleanupRules,
    isProtected: (name: string) => boolean,
  ): Promise<CleanupDecision<TagCandidate>[]> {
    return evaluate(await this.tags(repositoryId), rules, this.now(), isProtected);
  }

  /** The policy (saved, or `rules`) over every repository of the project, deleting nothing. */
  async preview(projectId: number, rules?: CleanupRules): Promise<RepositoryPlan[]> {
    const effective = rules ?? toRules(await this.policy(projectId));
    const isProtected = await this.policyProtection(projectId);
    const repos = await this.repositories(projectId);
    const plans: RepositoryPlan[] = [];
    for (const id of repos) plans.push({ repositoryId: id, decisions: await this.plan(id, effective, isProtected) });
    return plans;
  }

  private async repositories(projectId: number): Promise<number[]> {
    const rows: { id: number }[] = await this.knex('container_repositories')
      .select('id')
      .where('project_id', projectId)
      .whereNull('status')
      .orderBy('id');
    return rows.map((r) => r.id);
  }

  /**
   * Runs the saved policy over the project now (whether or not it is enabled; the scheduler runs only
   * enabled ones). `{ ran: false }` when a run of this project is already going, here or elsewhere.
   */
  async run(
    projectId: number,
    options: { resume?: boolean; trigger?: string } = {},
  ): Promise<{ ran: false } | ({ ran: true } & RunResult)> {
    const result = await this.deps.locks.tryRun(`cleanup:project:${projectId}`, () =>
      this.runLocked(projectId, options),
    );
    if (!result.ran) return { ran: false };
    this.metrics.runs.inc(options.trigger ?? (options.resume ? 'resume' : 'manual'));
    this.metrics.deletedTags.inc('', result.value.deletedTags);
    return { ran: true, ...result.value };
  }

  private async runLocked(projectId: number, { resume = false }): Promise<RunResult> {
    const policy = await this.policy(projectId);
    const rules = toRules(policy);
    const isProtected = await this.policyProtection(projectId);
    const repos = this.knex('container_repositories').where('project_id', projectId).whereNull('status');
    if (resume) {
      await repos.clone().where('expiration_policy_cleanup_status', statuses.ongoing).update({
        expiration_policy_cleanup_status: statuses.unfinished,
      });
    } else {
      await repos.clone().update({ expiration_policy_cleanup_status: statuses.scheduled });
    }
    const todo: { id: number }[] = await repos
      .clone()
      .select('id')
      .whereIn('expiration_policy_cleanup_status', [statuses.scheduled, statuses.unfinished, statuses.ongoing])
      .orderBy('id');
    let deletedTags = 0;
    for (const { id } of todo) {
      const started = this.now();
      await this.setStatus(id, {
        expiration_policy_cleanup_status: statuses.ongoing,
        expiration_policy_started_at: this.time(started),
      });
      const decisions = await this.plan(id, rules, isProtected);
      const doomed = decisions.filter((d) => d.delete).map((d) => d.tag.name);
      const n = await this.deps.store.deleteTags(id, doomed);
      deletedTags += n;
      await this.setStatus(id, {
        expiration_policy_cleanup_status: statuses.unscheduled,
        expiration_policy_completed_at: this.time(this.now()),
        last_cleanup_deleted_tags_count: n,
      });
      if (n > 0)
        this.deps.log.info(
          { projectId, repositoryId: id, deletedTags: n, ms: this.now() - started },
          'cleanup policy: tags deleted',
        );
    }
    return { repositories: todo.length, deletedTags };
  }

  private async setStatus(repositoryId: number, values: Record<string, unknown>): Promise<void> {
    await this.knex('container_repositories').where('id', repositoryId).update(values);
  }

  /** A run for the scheduler: one project's failure is logged (its statuses say where it stopped), not thrown. */
  private async runSafely(projectId: number, options: { resume?: boolean; trigger?: string }): Promise<boolean> {
    try {
      return (await this.run(projectId, options)).ran;
    } catch (err) {
      this.deps.log.error({ err, projectId }, 'cleanup policy run failed; the next tick continues it');
      return false;
    }
  }

  /**
   * The scheduler's tick: runs every enabled policy whose time has come (moving its next run one cadence
   * on first, as GitLab does; the instance whose update moves it is the one that runs it), then continues
   * runs a crash interrupted. Returns the projects it ran.
   */
  async runDue(): Promise<number[]> {
    const now = this.now();
    const due: { project_id: number; cadence: string; next_run_at: unknown }[] = await this.knex(
      'container_expiration_policies',
    )
      .select('project_id', 'cadence', 'next_run_at')
      .where('enabled', true)
      .andWhere('next_run_at', '<=', this.time(now));
    const ran: number[] = [];
    for (const p of due) {
      // Claimed by moving its next run on, only if no other instance did first: one run per due time.
      const claimed = await this.knex('container_expiration_policies')
        .where({ project_id: p.project_id, next_run_at: p.next_run_at })
        .update({ next_run_at: this.time(nextRun(p.cadence, now)) });
      if (claimed === 0) continue;
      if (await this.runSafely(p.project_id, { trigger: 'schedule' })) ran.push(p.project_id);
    }
    const interrupted: { project_id: number }[] = await this.knex('container_repositories')
      .distinct('project_id')
      .whereNull('status')
      .whereIn('expiration_policy_cleanup_status', [statuses.scheduled, statuses.ongoing, statuses.unfinished]);
    for (const { project_id } of interrupted) {
      if (ran.includes(project_id)) continue;
      if (await this.runSafely(project_id, { resume: true })) ran.push(project_id);
    }
    return ran;
  }
}

export function toRules(p: Pick<Policy, 'nameRegex' | 'nameRegexKeep' | 'keepN' | 'olderThan'>): CleanupRules {
  return {
    nameRegex: p.nameRegex,
    nameRegexKeep: p.nameRegexKeep,
    keepN: p.keepN,
    olderThanMs: olderThanMs(p.olderThan),
  };
}
