export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
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

export type Query = {
  __typename?: 'Query';
  /** Checks the database and reports what this instance runs on. */
  health: Health;
  /** berth's version. */
  version: Scalars['String']['output'];
};
