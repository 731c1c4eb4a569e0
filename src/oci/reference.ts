/**
 * Repository names and tags (distribution-spec § Pulling manifests, "name" and "reference").
 *
 *   name      ::= component ("/" component)*
 *   component ::= [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
 *   tag       ::= [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
 *
 * The spec allows a registry to cap the name length; berth caps it at 255 as Distribution and GitLab do.
 */

export const MAX_NAME_LENGTH = 255;
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** A name that breaks the grammar; `reason` says which rule. */
export class InvalidNameError extends Error {
  constructor(
    readonly input: string,
    readonly reason: string,
  ) {
    super(`invalid repository name "${input.length > 80 ? `${input.slice(0, 80)}…` : input}": ${reason}`);
  }
}

/** Validates a repository name; returns its components or throws {@link InvalidNameError}. */
export function parseName(name: string): string[] {
  if (name.length === 0) throw new InvalidNameError(name, 'name is empty');
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidNameError(name, `name is ${name.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`);
  }
  const parts = name.split('/');
  for (const part of parts) {
    const reason = componentProblem(part);
    if (reason) throw new InvalidNameError(name, `path component "${part}" ${reason}`);
  }
  return parts;
}

/** Why a single path component breaks the grammar, or undefined when it is fine. */
export function componentProblem(part: string): string | undefined {
  if (part === '') return 'is empty (a leading, trailing or doubled "/")';
  if (COMPONENT.test(part)) return undefined;
  if (/[A-Z]/.test(part)) return 'contains uppercase letters (names must be lowercase)';
  if (/^[._-]/.test(part)) return 'starts with a separator ("." "_" "-"); it must start with a letter or digit';
  if (/[._-]$/.test(part)) return 'ends with a separator ("." "_" "-"); it must end with a letter or digit';
  if (part.includes('..')) return 'contains ".." (separators may not repeat, except "__" and "-")';
  if (/___|\._|_\.|-\.|\.-|_-|-_/.test(part)) return 'contains a sequence of separators that is not allowed';
  return 'contains characters outside [a-z0-9._-]';
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

export function isValidName(name: string): boolean {
  try {
    parseName(name);
    return true;
  } catch {
    return false;
  }
}
