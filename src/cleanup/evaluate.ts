/**
 * GitLab's cleanup-policy semantics, exactly in GitLab's order (doc/development/packages/cleanup_policies.md),
 * as one pure function so the scheduled run, "run now", the preview and the bulk delete all decide alike:
 *
 *   1. `latest` is kept;
 *   2. only names matching `nameRegex` are candidates (no `nameRegex`: nothing is);
 *   3. names matching `nameRegexKeep` are kept;
 *   4. of the candidates, sorted newest first, the first `keepN` are kept;
 *   5. only candidates older than `olderThan` are deleted;
 *   6. protected tags are kept.
 *
 * Any keep rule wins; deleting needs every delete rule. Patterns are RE2 (linear time, re2js: never the
 * JavaScript engine on user input) and must match the whole tag name. GitLab writes `\A#{regex}\z`, which
 * for a pattern with a top-level `|` anchors only the first and last alternative (`a|b` matches any name
 * that starts with `a`); berth anchors the whole pattern, as GitLab's documentation promises.
 * Newest first means by publication time (when the tag last moved); ties are broken by name, ascending.
 */
import { RE2JS } from 're2js';

export interface CleanupRules {
  nameRegex?: string | null;
  nameRegexKeep?: string | null;
  keepN?: number | null;
  /** Only tags published longer ago than this are deleted; null = any age. */
  olderThanMs?: number | null;
}

export interface CandidateTag {
  name: string;
  /** When the tag was last pointed at its manifest (ms since the epoch). */
  publishedAt: number;
}

/** Why a tag is kept or deleted: GitLab's rule that decided. */
export type CleanupReason =
  | 'LATEST'
  | 'NAME_NOT_MATCHED'
  | 'NAME_KEEP_MATCHED'
  | 'KEEP_N'
  | 'NOT_OLD_ENOUGH'
  | 'PROTECTED'
  | 'DELETE';

export interface CleanupDecision<T extends CandidateTag = CandidateTag> {
  tag: T;
  delete: boolean;
  reason: CleanupReason;
}

export class InvalidPatternError extends Error {}

/** Compiles a tag-name pattern as a whole-name RE2 match; throws {@link InvalidPatternError} with RE2's reason. */
export function compilePattern(pattern: string, field: string): RE2JS {
  try {
    return RE2JS.compile(`(?:${pattern})`);
  } catch (err) {
    throw new InvalidPatternError(`${field} is not a valid RE2 regular expression: ${(err as Error).message}`);
  }
}

/** Decides every tag; `isProtected` answers for tags that every delete rule selected. */
export function evaluate<T extends CandidateTag>(
  tags: readonly T[],
  rules: CleanupRules,
  now: number,
  isProtected: (name: string) => boolean = () => false,
): CleanupDecision<T>[] {
  const match = rules.nameRegex ? compilePattern(rules.nameRegex, 'nameRegex') : undefined;
  const keep = rules.nameRegexKeep ? compilePattern(rules.nameRegexKeep, 'nameRegexKeep') : undefined;
  const decisions: CleanupDecision<T>[] = [];
  const candidates: T[] = [];
  for (const tag of tags) {
    if (tag.name === 'latest') decisions.push({ tag, delete: false, reason: 'LATEST' });
    else if (!match?.matches(tag.name)) decisions.push({ tag, delete: false, reason: 'NAME_NOT_MATCHED' });
    else if (keep?.matches(tag.name)) decisions.push({ tag, delete: false, reason: 'NAME_KEEP_MATCHED' });
    else candidates.push(tag);
  }
  candidates.sort((a, b) => b.publishedAt - a.publishedAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const keepN = Math.max(0, rules.keepN ?? 0);
  const cutoff = rules.olderThanMs == null ? Number.POSITIVE_INFINITY : now - rules.olderThanMs;
  candidates.forEach((tag, i) => {
    if (i < keepN) decisions.push({ tag, delete: false, reason: 'KEEP_N' });
    else if (!(tag.publishedAt < cutoff)) decisions.push({ tag, delete: false, reason: 'NOT_OLD_ENOUGH' });
    else if (isProtected(tag.name)) decisions.push({ tag, delete: false, reason: 'PROTECTED' });
    else decisions.push({ tag, delete: true, reason: 'DELETE' });
  });
  return decisions;
}

const DAY = 86_400_000;

/** GitLab's policy values (ContainerExpirationPolicy's *_options), raw → meaning. */
export const CADENCES: Record<string, { ms?: number; months?: number }> = {
  '1d': { ms: DAY },
  '7d': { ms: 7 * DAY },
  '14d': { ms: 14 * DAY },
  '1month': { months: 1 },
  '3month': { months: 3 },
};
export const OLDER_THAN = ['1d', '3d', '7d', '14d', '30d', '60d', '90d', '180d', '365d', '730d', '1095d'];
export const KEEP_N = [1, 5, 10, 25, 50, 100];

/** `7d` → ms (the policy's `olderThan` values). */
export function olderThanMs(raw: string | null | undefined): number | null {
  if (!raw) return null;
  const m = /^(\d+)d$/.exec(raw);
  return m ? Number(m[1]) * DAY : null;
}

/** The next run after `from` for a cadence (calendar months for `1month`/`3month`, as GitLab). */
export function nextRun(cadence: string, from: number): number {
  const c = CADENCES[cadence] ?? { ms: DAY };
  if (c.ms) return from + c.ms;
  const d = new Date(from);
  d.setUTCMonth(d.getUTCMonth() + (c.months ?? 1));
  return d.getTime();
}

/**
 * The bulk-delete API's `older_than` (GitLab's ChronicDuration strings: `1h`, `1d`, `2w`, `1month`, `1y`,
 * with optional spaces and long unit names); undefined when it cannot be read.
 */
export function parseOlderThan(raw: string): number | undefined {
  const units: [RegExp, number][] = [
    [/^(s|sec|secs|second|seconds)$/, 1000],
    [/^(m|min|mins|minute|minutes)$/, 60_000],
    [/^(h|hr|hrs|hour|hours)$/, 3_600_000],
    [/^(d|day|days)$/, DAY],
    [/^(w|wk|wks|week|weeks)$/, 7 * DAY],
    [/^(mo|month|months)$/, 30 * DAY],
    [/^(y|yr|yrs|year|years)$/, 365 * DAY],
  ];
  let total = 0;
  const parts = raw
    .trim()
    .toLowerCase()
    .match(/(\d+)\s*([a-z]+)/g);
  if (!parts || parts.join('').replace(/\s/g, '') !== raw.toLowerCase().replace(/\s/g, '')) return undefined;
  for (const part of parts) {
    const [, n, unit] = /(\d+)\s*([a-z]+)/.exec(part) as RegExpExecArray;
    const ms = units.find(([re]) => re.test(unit as string))?.[1];
    if (ms === undefined) return undefined;
    total += Number(n) * ms;
  }
  return total;
}
