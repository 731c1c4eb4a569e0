/** GitLab's visibility levels, for groups and projects. */
export enum Visibility {
  Private = 'private',
  Internal = 'internal',
  Public = 'public',
}
