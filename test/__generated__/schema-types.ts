export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
};

/** Who may see a project's container registry (berth addition; GitLab has it in REST only): ENABLED follows the project's visibility, PRIVATE is members with Reporter and above, DISABLED is nobody. */
export type ContainerRegistryAccessLevel =
  | 'DISABLED'
  | 'ENABLED'
  | 'PRIVATE';

/** The user making the request (GitLab: CurrentUser). */
export type CurrentUser = {
  __typename?: 'CurrentUser';
  /** Whether the user is an instance administrator (berth addition). */
  admin: Scalars['Boolean']['output'];
  /** Global ID of the user, gid://berth/User/<id>. */
  id: Scalars['ID']['output'];
  /** Human-readable name of the user. */
  name: Scalars['String']['output'];
  /** State of the user: active or blocked. */
  state: Scalars['String']['output'];
  /** Username of the user. */
  username: Scalars['String']['output'];
};

/** Whether this berth instance and the services it needs are working. */
export type Health = {
  __typename?: 'Health';
  /** Whether the metadata database answered. */
  database: Scalars['Boolean']['output'];
  /** The database kind: sqlite or postgresql. */
  databaseKind: Scalars['String']['output'];
  /** "ok" when every check passed, otherwise "degraded". */
  status: Scalars['String']['output'];
  /** The blob storage driver in use. */
  storageDriver: Scalars['String']['output'];
};

/** A project: its container repositories live at <fullPath>[/<image>]. */
export type Project = {
  __typename?: 'Project';
  /** Access level of the container registry (berth addition). */
  containerRegistryAccessLevel: ContainerRegistryAccessLevel;
  /** Indicates if Container registry is enabled for the current user. */
  containerRegistryEnabled?: Maybe<Scalars['Boolean']['output']>;
  /** Timestamp of the project creation. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** Full path of the project. */
  fullPath: Scalars['ID']['output'];
  /** Global ID of the project, gid://berth/Project/<id>. */
  id: Scalars['ID']['output'];
  /** Name of the project. */
  name: Scalars['String']['output'];
  /** Path of the project (last component of fullPath). */
  path: Scalars['String']['output'];
  /** Visibility of the project: private, internal or public. */
  visibility: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** The user making the request; null when anonymous. */
  currentUser?: Maybe<CurrentUser>;
  /** Checks the database and reports what this instance runs on. */
  health: Health;
  /** Find a project by its full path; null when it does not exist or the caller may not see it. */
  project?: Maybe<Project>;
  /** berth's version. */
  version: Scalars['String']['output'];
};


export type QueryProjectArgs = {
  fullPath: Scalars['ID']['input'];
};
