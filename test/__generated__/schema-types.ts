export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Represents non-fractional signed whole numeric values, as a string. */
  BigInt: { input: string; output: string; }
  /** A `ContainerRegistryProtectionRuleID` is a global ID. It is encoded as a string, e.g. "gid://berth/ContainerRegistry::Protection::Rule/1". */
  ContainerRegistryProtectionRuleID: { input: string; output: string; }
  /** A `ContainerRegistryProtectionTagRuleID` is a global ID. It is encoded as a string, e.g. "gid://berth/ContainerRegistry::Protection::TagRule/1". */
  ContainerRegistryProtectionTagRuleID: { input: string; output: string; }
  /** A `ContainerRepositoryID` is a global ID. It is encoded as a string, e.g. "gid://berth/ContainerRepository/1". */
  ContainerRepositoryID: { input: string; output: string; }
  /** A `DependencyProxyManifestID` is a global ID. It is encoded as a string, e.g. "gid://berth/DependencyProxy::Manifest/1". */
  DependencyProxyManifestID: { input: string; output: string; }
  /** Time represented in ISO 8601. */
  Time: { input: string; output: string; }
  /** A regexp containing patterns sourced from user input */
  UntrustedRegexp: { input: unknown; output: unknown; }
};

/** Access level to a resource */
export type AccessLevelEnum =
  | 'DEVELOPER'
  | 'GUEST'
  | 'MAINTAINER'
  | 'OWNER'
  | 'REPORTER';

export type CiJobTokenCreateInput = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  projectPath: Scalars['ID']['input'];
  /** Lifetime in seconds (default 3600, at most 86400). */
  ttlSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** The user the job runs as (default: the caller). */
  username?: InputMaybe<Scalars['String']['input']>;
};

/** A tag expiration policy designed to keep only the images that matter most. Deprecated in GitLab 17.5: use ContainerTagsExpirationPolicy. */
export type ContainerExpirationPolicy = {
  __typename?: 'ContainerExpirationPolicy';
  /** This container expiration policy schedule. */
  cadence: ContainerExpirationPolicyCadenceEnum;
  /** Timestamp of when the container expiration policy was created. */
  createdAt: Scalars['Time']['output'];
  /** Indicates whether the policy is enabled. */
  enabled: Scalars['Boolean']['output'];
  /** Number of tags to retain. */
  keepN?: Maybe<ContainerExpirationPolicyKeepEnum>;
  /** Tags with names matching the regex pattern will expire. */
  nameRegex?: Maybe<Scalars['UntrustedRegexp']['output']>;
  /** Tags with names matching the regex pattern will be preserved. */
  nameRegexKeep?: Maybe<Scalars['UntrustedRegexp']['output']>;
  /** Next time that the policy will get executed. */
  nextRunAt?: Maybe<Scalars['Time']['output']>;
  /** Tags older than the given age will expire. */
  olderThan?: Maybe<ContainerExpirationPolicyOlderThanEnum>;
  /** Timestamp of when the container expiration policy was updated. */
  updatedAt: Scalars['Time']['output'];
};

export type ContainerExpirationPolicyCadenceEnum =
  | 'EVERY_DAY'
  | 'EVERY_MONTH'
  | 'EVERY_THREE_MONTHS'
  | 'EVERY_TWO_WEEKS'
  | 'EVERY_WEEK';

export type ContainerExpirationPolicyKeepEnum =
  | 'FIFTY_TAGS'
  | 'FIVE_TAGS'
  | 'ONE_HUNDRED_TAGS'
  | 'ONE_TAG'
  | 'TEN_TAGS'
  | 'TWENTY_FIVE_TAGS';

export type ContainerExpirationPolicyOlderThanEnum =
  | 'FOURTEEN_DAYS'
  | 'NINETY_DAYS'
  | 'ONE_DAY'
  | 'ONE_HUNDRED_EIGHTY_DAYS'
  | 'ONE_THOUSAND_NINETY_FIVE_DAYS'
  | 'SEVEN_DAYS'
  | 'SEVEN_HUNDRED_THIRTY_DAYS'
  | 'SIXTY_DAYS'
  | 'THIRTY_DAYS'
  | 'THREE_DAYS'
  | 'THREE_HUNDRED_SIXTY_FIVE_DAYS';

/** The highest access levels of all the tag protection rules that match a tag; null when none matches (Developer+ may push and delete). */
export type ContainerProtectionAccessLevel = {
  __typename?: 'ContainerProtectionAccessLevel';
  /** Minimum GitLab access level required to delete container image tags from the container repository. */
  minimumAccessLevelForDelete?: Maybe<ContainerProtectionTagRuleAccessLevel>;
  /** Minimum GitLab access level required to push container image tags to the container repository. */
  minimumAccessLevelForPush?: Maybe<ContainerProtectionTagRuleAccessLevel>;
};

/** A container repository protection rule designed to prevent users with a certain access level or lower from altering the container registry. */
export type ContainerProtectionRepositoryRule = {
  __typename?: 'ContainerProtectionRepositoryRule';
  /** ID of the container repository protection rule. */
  id: Scalars['ContainerRegistryProtectionRuleID']['output'];
  /** Minimum GitLab access level required to delete container images from the container repository. */
  minimumAccessLevelForDelete?: Maybe<ContainerProtectionRepositoryRuleAccessLevel>;
  /** Minimum GitLab access level required to push container images to the container repository. */
  minimumAccessLevelForPush?: Maybe<ContainerProtectionRepositoryRuleAccessLevel>;
  /** Container repository path pattern protected by the protection rule. */
  repositoryPathPattern: Scalars['String']['output'];
};

/** Access level of a container registry protection rule resource */
export type ContainerProtectionRepositoryRuleAccessLevel =
  | 'ADMIN'
  | 'MAINTAINER'
  | 'OWNER';

/** The connection type for ContainerProtectionRepositoryRule. */
export type ContainerProtectionRepositoryRuleConnection = {
  __typename?: 'ContainerProtectionRepositoryRuleConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<ContainerProtectionRepositoryRuleEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<ContainerProtectionRepositoryRule>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** An edge in a connection. */
export type ContainerProtectionRepositoryRuleEdge = {
  __typename?: 'ContainerProtectionRepositoryRuleEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<ContainerProtectionRepositoryRule>;
};

/** A container repository tag protection rule designed to prevent users with a certain access level or lower from altering the container registry. */
export type ContainerProtectionTagRule = {
  __typename?: 'ContainerProtectionTagRule';
  /** ID of the container repository tag protection rule. */
  id: Scalars['ContainerRegistryProtectionTagRuleID']['output'];
  /** Minimum GitLab access level required to delete container image tags from the container repository. */
  minimumAccessLevelForDelete?: Maybe<ContainerProtectionTagRuleAccessLevel>;
  /** Minimum GitLab access level required to push container image tags to the container repository. */
  minimumAccessLevelForPush?: Maybe<ContainerProtectionTagRuleAccessLevel>;
  /** The pattern that matches container image tags to protect. */
  tagNamePattern: Scalars['String']['output'];
};

/** Access level of a container registry tag protection rule resource */
export type ContainerProtectionTagRuleAccessLevel =
  | 'ADMIN'
  | 'MAINTAINER'
  | 'OWNER';

/** The connection type for ContainerProtectionTagRule. */
export type ContainerProtectionTagRuleConnection = {
  __typename?: 'ContainerProtectionTagRuleConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<ContainerProtectionTagRuleEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<ContainerProtectionTagRule>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** An edge in a connection. */
export type ContainerProtectionTagRuleEdge = {
  __typename?: 'ContainerProtectionTagRuleEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<ContainerProtectionTagRule>;
};

/** Who may see a project's container registry (berth addition; GitLab has it in REST only): ENABLED follows the project's visibility, PRIVATE is members with Reporter and above, DISABLED is nobody. */
export type ContainerRegistryAccessLevel =
  | 'DISABLED'
  | 'ENABLED'
  | 'PRIVATE';

/** A container repository */
export type ContainerRepository = {
  __typename?: 'ContainerRepository';
  /** Timestamp when the container repository was created. */
  createdAt: Scalars['Time']['output'];
  /** Tags cleanup status for the container repository. */
  expirationPolicyCleanupStatus?: Maybe<ContainerRepositoryCleanupStatus>;
  /** Timestamp when the cleanup done by the expiration policy was started on the container repository. */
  expirationPolicyStartedAt?: Maybe<Scalars['Time']['output']>;
  /** ID of the container repository. */
  id: Scalars['ID']['output'];
  /** Number of deleted tags from the last cleanup. */
  lastCleanupDeletedTagsCount?: Maybe<Scalars['Int']['output']>;
  /** Timestamp when a repository tag was last created or updated (berth: on lists too). */
  lastPublishedAt?: Maybe<Scalars['Time']['output']>;
  /** URL of the container repository. */
  location: Scalars['String']['output'];
  /**
   * Migration state of the container repository.
   * @deprecated Returns an empty string. This was used for the migration of GitLab.com, which is now complete. Deprecated in GitLab 17.0.
   */
  migrationState: Scalars['String']['output'];
  /** Name of the container repository. */
  name: Scalars['String']['output'];
  /** Path of the container repository. */
  path: Scalars['String']['output'];
  /** Project of the container registry. */
  project: Project;
  /** Whether any matching container protection rule exists for the container. */
  protectionRuleExists: Scalars['Boolean']['output'];
  /** Deduplicated size of the image repository in bytes. */
  size?: Maybe<Scalars['Float']['output']>;
  /** Status of the container repository. */
  status?: Maybe<ContainerRepositoryStatus>;
  /** Tags of the container repository (at most 20 a page). */
  tags?: Maybe<ContainerRepositoryTagConnection>;
  /** Number of tags associated with the image. */
  tagsCount: Scalars['Int']['output'];
  /** Timestamp when the container repository was updated. */
  updatedAt: Scalars['Time']['output'];
  /** Permissions for the current user on the resource. */
  userPermissions: ContainerRepositoryPermissions;
};


/** A container repository */
export type ContainerRepositoryTagsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  referrerType?: InputMaybe<Scalars['String']['input']>;
  referrers?: InputMaybe<Scalars['Boolean']['input']>;
  sort?: InputMaybe<ContainerRepositoryTagSort>;
};

/** What a cleanup policy would do to one container repository (berth). */
export type ContainerRepositoryCleanupPreview = {
  __typename?: 'ContainerRepositoryCleanupPreview';
  /** Number of tags the policy would delete. */
  deleteCount: Scalars['Int']['output'];
  /** Number of tags the policy would keep. */
  keepCount: Scalars['Int']['output'];
  /** The container repository. */
  repository: ContainerRepository;
  /** The decisions, by tag name; optionally only the deleted or only the kept ones. */
  tags: ContainerTagCleanupDecisionConnection;
};


/** What a cleanup policy would do to one container repository (berth). */
export type ContainerRepositoryCleanupPreviewTagsArgs = {
  action?: InputMaybe<ContainerTagCleanupAction>;
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** Status of the tags cleanup of a container repository */
export type ContainerRepositoryCleanupStatus =
  | 'ONGOING'
  | 'SCHEDULED'
  | 'UNFINISHED'
  | 'UNSCHEDULED';

/** The connection type for ContainerRepository. */
export type ContainerRepositoryConnection = {
  __typename?: 'ContainerRepositoryConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<ContainerRepositoryEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<ContainerRepository>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** Details of a container repository */
export type ContainerRepositoryDetails = {
  __typename?: 'ContainerRepositoryDetails';
  /** Timestamp when the container repository was created. */
  createdAt: Scalars['Time']['output'];
  /** Tags cleanup status for the container repository. */
  expirationPolicyCleanupStatus?: Maybe<ContainerRepositoryCleanupStatus>;
  /** Timestamp when the cleanup done by the expiration policy was started on the container repository. */
  expirationPolicyStartedAt?: Maybe<Scalars['Time']['output']>;
  /** ID of the container repository. */
  id: Scalars['ID']['output'];
  /** Number of deleted tags from the last cleanup. */
  lastCleanupDeletedTagsCount?: Maybe<Scalars['Int']['output']>;
  /** Timestamp when a repository tag was last created or updated (berth: on lists too). */
  lastPublishedAt?: Maybe<Scalars['Time']['output']>;
  /** URL of the container repository. */
  location: Scalars['String']['output'];
  /** An image manifest from the container repository. */
  manifest?: Maybe<Scalars['String']['output']>;
  /**
   * Migration state of the container repository.
   * @deprecated Returns an empty string. This was used for the migration of GitLab.com, which is now complete. Deprecated in GitLab 17.0.
   */
  migrationState: Scalars['String']['output'];
  /** Name of the container repository. */
  name: Scalars['String']['output'];
  /** Path of the container repository. */
  path: Scalars['String']['output'];
  /** Project of the container registry. */
  project: Project;
  /** Whether any matching container protection rule exists for the container. */
  protectionRuleExists: Scalars['Boolean']['output'];
  /** Deduplicated size of the image repository in bytes. */
  size?: Maybe<Scalars['Float']['output']>;
  /** Status of the container repository. */
  status?: Maybe<ContainerRepositoryStatus>;
  /** Details of one tag: the platform of an image, or the platform manifests of an image index. Null when there is no such tag. */
  tagDetails?: Maybe<ContainerRepositoryTagDetails>;
  /** Tags of the container repository (at most 20 a page). */
  tags?: Maybe<ContainerRepositoryTagConnection>;
  /** Number of tags associated with the image. */
  tagsCount: Scalars['Int']['output'];
  /** Timestamp when the container repository was updated. */
  updatedAt: Scalars['Time']['output'];
  /** Permissions for the current user on the resource. */
  userPermissions: ContainerRepositoryPermissions;
};


/** Details of a container repository */
export type ContainerRepositoryDetailsManifestArgs = {
  reference: Scalars['String']['input'];
};


/** Details of a container repository */
export type ContainerRepositoryDetailsTagDetailsArgs = {
  name: Scalars['String']['input'];
};


/** Details of a container repository */
export type ContainerRepositoryDetailsTagsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  referrerType?: InputMaybe<Scalars['String']['input']>;
  referrers?: InputMaybe<Scalars['Boolean']['input']>;
  sort?: InputMaybe<ContainerRepositoryTagSort>;
};

/** An edge in a connection. */
export type ContainerRepositoryEdge = {
  __typename?: 'ContainerRepositoryEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<ContainerRepository>;
};

/** A platform manifest of a multi-platform image (an entry of an image index) */
export type ContainerRepositoryImageManifest = {
  __typename?: 'ContainerRepositoryImageManifest';
  /** Digest of the manifest. */
  digest?: Maybe<Scalars['String']['output']>;
  /** Media type of the manifest. */
  mediaType?: Maybe<Scalars['String']['output']>;
  /** Platform of the manifest. */
  platform?: Maybe<ContainerRepositoryImagePlatform>;
  /** Size of the manifest, as the index declares it. */
  size?: Maybe<Scalars['BigInt']['output']>;
};

/** Architecture, operating system and variant an image manifest was built for */
export type ContainerRepositoryImagePlatform = {
  __typename?: 'ContainerRepositoryImagePlatform';
  /** CPU architecture, e.g. `amd64`, `arm64`. */
  architecture?: Maybe<Scalars['String']['output']>;
  /** Operating system, e.g. `linux`. */
  os?: Maybe<Scalars['String']['output']>;
  /** Operating system version (Windows images). */
  osVersion?: Maybe<Scalars['String']['output']>;
  /** CPU variant, e.g. `v8` for `arm64/v8`. */
  variant?: Maybe<Scalars['String']['output']>;
};

/** Check permissions for the current user on a container repository */
export type ContainerRepositoryPermissions = {
  __typename?: 'ContainerRepositoryPermissions';
  /** If `true`, the user can perform `destroy_container_image` on this resource */
  destroyContainerRepository: Scalars['Boolean']['output'];
};

/** A referrer for a container repository tag */
export type ContainerRepositoryReferrer = {
  __typename?: 'ContainerRepositoryReferrer';
  /** Artifact type of the referrer. */
  artifactType?: Maybe<Scalars['String']['output']>;
  /** Digest of the referrer. */
  digest?: Maybe<Scalars['String']['output']>;
  /** Permissions for the current user on the resource. */
  userPermissions: ContainerRepositoryTagPermissions;
};

/** Values for sorting container repositories */
export type ContainerRepositorySort =
  | 'CREATED_ASC'
  | 'CREATED_DESC'
  | 'NAME_ASC'
  | 'NAME_DESC'
  | 'UPDATED_ASC'
  | 'UPDATED_DESC';

/** Status of a container repository */
export type ContainerRepositoryStatus =
  | 'DELETE_FAILED'
  | 'DELETE_ONGOING'
  | 'DELETE_SCHEDULED';

/** A tag from a container repository */
export type ContainerRepositoryTag = {
  __typename?: 'ContainerRepositoryTag';
  /** Timestamp when the tag was created. */
  createdAt?: Maybe<Scalars['Time']['output']>;
  /** Digest of the tag. */
  digest?: Maybe<Scalars['String']['output']>;
  /** URL of the tag. */
  location: Scalars['String']['output'];
  /** Media type of the tag. */
  mediaType?: Maybe<Scalars['String']['output']>;
  /** Name of the tag. */
  name: Scalars['String']['output'];
  /** Path of the tag. */
  path: Scalars['String']['output'];
  /** Minimum GitLab access level required to push and delete container image tags. */
  protection?: Maybe<ContainerProtectionAccessLevel>;
  /** Timestamp when the tag was published. */
  publishedAt?: Maybe<Scalars['Time']['output']>;
  /** Referrers for the tag (with `referrers: true` on `tags`). */
  referrers?: Maybe<Array<ContainerRepositoryReferrer>>;
  /** Revision of the tag. */
  revision?: Maybe<Scalars['String']['output']>;
  /** Short revision of the tag. */
  shortRevision?: Maybe<Scalars['String']['output']>;
  /** Size of the tag. */
  totalSize?: Maybe<Scalars['BigInt']['output']>;
  /** Permissions for the current user on the resource. */
  userPermissions: ContainerRepositoryTagPermissions;
};

/** The connection type for ContainerRepositoryTag. */
export type ContainerRepositoryTagConnection = {
  __typename?: 'ContainerRepositoryTagConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<ContainerRepositoryTagEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<ContainerRepositoryTag>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** Details of a container repository tag, with the platform manifests of an index */
export type ContainerRepositoryTagDetails = {
  __typename?: 'ContainerRepositoryTagDetails';
  /** Timestamp when the tag was created. */
  createdAt?: Maybe<Scalars['Time']['output']>;
  /** Digest of the tag. */
  digest?: Maybe<Scalars['String']['output']>;
  /** URL of the tag. */
  location: Scalars['String']['output'];
  /** Platform manifests of the tag; only for an image index or manifest list. */
  manifests?: Maybe<Array<ContainerRepositoryImageManifest>>;
  /** Media type of the tag. */
  mediaType?: Maybe<Scalars['String']['output']>;
  /** Name of the tag. */
  name: Scalars['String']['output'];
  /** Path of the tag. */
  path: Scalars['String']['output'];
  /** Platform of the image; null for an image index. */
  platform?: Maybe<ContainerRepositoryImagePlatform>;
  /** Timestamp when the tag was published. */
  publishedAt?: Maybe<Scalars['Time']['output']>;
  /** Size of the tag. */
  totalSize?: Maybe<Scalars['BigInt']['output']>;
};

/** An edge in a connection. */
export type ContainerRepositoryTagEdge = {
  __typename?: 'ContainerRepositoryTagEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<ContainerRepositoryTag>;
};

/** Check permissions for the current user on a container repository tag */
export type ContainerRepositoryTagPermissions = {
  __typename?: 'ContainerRepositoryTagPermissions';
  /** If `true`, the user can perform `destroy_container_image_tag` on this resource */
  destroyContainerRepositoryTag: Scalars['Boolean']['output'];
};

/** Values for sorting tags */
export type ContainerRepositoryTagSort =
  | 'NAME_ASC'
  | 'NAME_DESC'
  | 'PUBLISHED_AT_ASC'
  | 'PUBLISHED_AT_DESC';

/** What a cleanup policy does with a tag (berth). */
export type ContainerTagCleanupAction =
  | 'DELETE'
  | 'KEEP';

/** What a cleanup policy decides for one tag, and why (berth). */
export type ContainerTagCleanupDecision = {
  __typename?: 'ContainerTagCleanupDecision';
  /** Deleted or kept. */
  action: ContainerTagCleanupAction;
  /** Digest of the manifest the tag points at. */
  digest: Scalars['String']['output'];
  /** Name of the tag. */
  name: Scalars['String']['output'];
  /** When the tag was last pushed (the time `olderThan` and `keepN` use). */
  publishedAt: Scalars['Time']['output'];
  /** The rule that decided. */
  reason: ContainerTagCleanupReason;
};

/** The connection type for ContainerTagCleanupDecision. */
export type ContainerTagCleanupDecisionConnection = {
  __typename?: 'ContainerTagCleanupDecisionConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<ContainerTagCleanupDecisionEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<ContainerTagCleanupDecision>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** An edge in a connection. */
export type ContainerTagCleanupDecisionEdge = {
  __typename?: 'ContainerTagCleanupDecisionEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<ContainerTagCleanupDecision>;
};

/** The rule of the cleanup policy that decided a tag, in GitLab's order of evaluation (berth). */
export type ContainerTagCleanupReason =
  /** Every delete rule selects it: deleted. */
  | 'DELETE'
  /** Among the newest `keepN` tags that matched the patterns. */
  | 'KEEP_N'
  /** The tag is `latest`, which is always kept. */
  | 'LATEST'
  /** The name matches `nameRegexKeep` (the tags to preserve). */
  | 'NAME_KEEP_MATCHED'
  /** The name does not match `nameRegex` (the tags to expire). */
  | 'NAME_NOT_MATCHED'
  /** Published more recently than `olderThan`. */
  | 'NOT_OLD_ENOUGH'
  /** A tag protection rule restricts deleting it. */
  | 'PROTECTED';

/** A tag expiration policy using regex patterns to control which images to keep or expire. Every field but `enabled` and `nextRunAt` needs the Maintainer role and is null for others. */
export type ContainerTagsExpirationPolicy = {
  __typename?: 'ContainerTagsExpirationPolicy';
  /** This container tags expiration policy schedule. */
  cadence?: Maybe<ContainerExpirationPolicyCadenceEnum>;
  /** Timestamp of when the container tags expiration policy was created. */
  createdAt?: Maybe<Scalars['Time']['output']>;
  /** Indicates whether the policy is enabled. */
  enabled: Scalars['Boolean']['output'];
  /** Number of tags to retain. */
  keepN?: Maybe<ContainerExpirationPolicyKeepEnum>;
  /** Tags with names matching the regex pattern will expire. */
  nameRegex?: Maybe<Scalars['UntrustedRegexp']['output']>;
  /** Tags with names matching the regex pattern will be preserved. */
  nameRegexKeep?: Maybe<Scalars['UntrustedRegexp']['output']>;
  /** Next time that the policy will get executed. */
  nextRunAt?: Maybe<Scalars['Time']['output']>;
  /** Tags older than the given age will expire. */
  olderThan?: Maybe<ContainerExpirationPolicyOlderThanEnum>;
  /** Timestamp of when the container tags expiration policy was updated. */
  updatedAt?: Maybe<Scalars['Time']['output']>;
};

/** What a cleanup policy would do to every container repository of a project, deleting nothing (berth). */
export type ContainerTagsExpirationPolicyPreview = {
  __typename?: 'ContainerTagsExpirationPolicyPreview';
  /** Number of tags the policy would delete, in all repositories. */
  deleteCount: Scalars['Int']['output'];
  /** Number of tags the policy would keep, in all repositories. */
  keepCount: Scalars['Int']['output'];
  /** Per container repository. */
  repositories: Array<ContainerRepositoryCleanupPreview>;
};

/** Policy rules to preview instead of the saved ones (berth). Omitted fields take GitLab's defaults (keepN 10, olderThan 90d); null turns a rule off. */
export type ContainerTagsExpirationPolicyPreviewInput = {
  /** Number of tags to retain. */
  keepN?: InputMaybe<ContainerExpirationPolicyKeepEnum>;
  /** Tags with names matching the regex pattern will expire. */
  nameRegex?: InputMaybe<Scalars['UntrustedRegexp']['input']>;
  /** Tags with names matching the regex pattern will be preserved. */
  nameRegexKeep?: InputMaybe<Scalars['UntrustedRegexp']['input']>;
  /** Tags older than the given age will expire. */
  olderThan?: InputMaybe<ContainerExpirationPolicyOlderThanEnum>;
};

/** Autogenerated input type of CreateContainerProtectionRepositoryRule */
export type CreateContainerProtectionRepositoryRuleInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Minimum GitLab access level required to delete container images from the container repository. */
  minimumAccessLevelForDelete?: InputMaybe<ContainerProtectionRepositoryRuleAccessLevel>;
  /** Minimum GitLab access level required to push container images to the container repository. */
  minimumAccessLevelForPush?: InputMaybe<ContainerProtectionRepositoryRuleAccessLevel>;
  /** Full path of the project where a protection rule is located. */
  projectPath: Scalars['ID']['input'];
  /** Container repository path pattern protected by the protection rule. Must start with the project’s full path. For example: `my-project/*-prod-*`. Wildcard character `*` is allowed anywhere after the project’s full path. */
  repositoryPathPattern: Scalars['String']['input'];
};

/** Autogenerated return type of CreateContainerProtectionRepositoryRule. */
export type CreateContainerProtectionRepositoryRulePayload = {
  __typename?: 'CreateContainerProtectionRepositoryRulePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Container repository protection rule after mutation. */
  containerProtectionRepositoryRule?: Maybe<ContainerProtectionRepositoryRule>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated return type of CreateContainerProtectionTagRule. */
export type CreateContainerProtectionTagRulePayload = {
  __typename?: 'CreateContainerProtectionTagRulePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Container repository tag protection rule after mutation. */
  containerProtectionTagRule?: Maybe<ContainerProtectionTagRule>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

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

/** Autogenerated input type of DeleteContainerProtectionRepositoryRule */
export type DeleteContainerProtectionRepositoryRuleInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Global ID of the container repository protection rule to delete. */
  id: Scalars['ContainerRegistryProtectionRuleID']['input'];
};

/** Autogenerated return type of DeleteContainerProtectionRepositoryRule. */
export type DeleteContainerProtectionRepositoryRulePayload = {
  __typename?: 'DeleteContainerProtectionRepositoryRulePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Container repository protection rule that was deleted successfully. */
  containerProtectionRepositoryRule?: Maybe<ContainerProtectionRepositoryRule>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of DeleteContainerProtectionTagRule */
export type DeleteContainerProtectionTagRuleInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Global ID of the tag protection rule to delete. */
  id: Scalars['ContainerRegistryProtectionTagRuleID']['input'];
};

/** Autogenerated return type of DeleteContainerProtectionTagRule. */
export type DeleteContainerProtectionTagRulePayload = {
  __typename?: 'DeleteContainerProtectionTagRulePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Deleted protection rule for container image tags. */
  containerProtectionTagRule?: Maybe<ContainerProtectionTagRule>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of DeleteContainerRepositoryTagsByRule */
export type DeleteContainerRepositoryTagsByRuleInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Report what would be deleted, deleting nothing. */
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  /** ID of the container repository. */
  id: Scalars['ContainerRepositoryID']['input'];
  /** Number of the newest matching tags to keep (`keep_n`). */
  keepN?: InputMaybe<Scalars['Int']['input']>;
  /** Tags with names matching this RE2 pattern are deleted (GitLab's `name_regex_delete`). */
  nameRegexDelete: Scalars['UntrustedRegexp']['input'];
  /** Tags with names matching this RE2 pattern are kept (`name_regex_keep`). */
  nameRegexKeep?: InputMaybe<Scalars['UntrustedRegexp']['input']>;
  /** Delete only tags older than this: `1h`, `1d`, `2w`, `1month` (`older_than`). */
  olderThan?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated return type of DeleteContainerRepositoryTagsByRule. */
export type DeleteContainerRepositoryTagsByRulePayload = {
  __typename?: 'DeleteContainerRepositoryTagsByRulePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Tags deleted (with `dryRun`, the tags that would be). */
  deletedTagNames: Array<Scalars['String']['output']>;
  /** Number of tags deleted (or that would be). */
  deletedTagsCount: Scalars['Int']['output'];
  /** Whether this was a dry run. */
  dryRun: Scalars['Boolean']['output'];
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Dependency proxy blob */
export type DependencyProxyBlob = {
  __typename?: 'DependencyProxyBlob';
  /** Date of creation. */
  createdAt: Scalars['Time']['output'];
  /** Name of the blob. */
  fileName: Scalars['String']['output'];
  /** Size of the blob file. */
  size: Scalars['String']['output'];
  /** Date of most recent update. */
  updatedAt: Scalars['Time']['output'];
};

/** The connection type for DependencyProxyBlob. */
export type DependencyProxyBlobConnection = {
  __typename?: 'DependencyProxyBlobConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<DependencyProxyBlobEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<DependencyProxyBlob>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** An edge in a connection. */
export type DependencyProxyBlobEdge = {
  __typename?: 'DependencyProxyBlobEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<DependencyProxyBlob>;
};

/** Group-level Dependency Proxy TTL policy settings */
export type DependencyProxyImageTtlGroupPolicy = {
  __typename?: 'DependencyProxyImageTtlGroupPolicy';
  /** Timestamp of creation. */
  createdAt?: Maybe<Scalars['Time']['output']>;
  /** Indicates whether the policy is enabled or disabled. */
  enabled: Scalars['Boolean']['output'];
  /** Number of days to retain a cached image file. */
  ttl?: Maybe<Scalars['Int']['output']>;
  /** Timestamp of the most recent update. */
  updatedAt?: Maybe<Scalars['Time']['output']>;
};

/** Dependency proxy manifest */
export type DependencyProxyManifest = {
  __typename?: 'DependencyProxyManifest';
  /** Date of creation. */
  createdAt: Scalars['Time']['output'];
  /** Digest of the manifest. */
  digest: Scalars['String']['output'];
  /** Name of the manifest (`<image>:<tag>.json`, or `<image>@<digest>.json` when no tag names it). */
  fileName: Scalars['String']['output'];
  /** ID of the manifest. */
  id: Scalars['DependencyProxyManifestID']['output'];
  /** Name of the image (as Docker Hub names it: `library/alpine`). */
  imageName: Scalars['String']['output'];
  /** Size of the manifest file. */
  size: Scalars['String']['output'];
  /** Status of the manifest. */
  status: DependencyProxyManifestStatus;
  /** Date of most recent update. */
  updatedAt: Scalars['Time']['output'];
};

/** The connection type for DependencyProxyManifest. */
export type DependencyProxyManifestConnection = {
  __typename?: 'DependencyProxyManifestConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<DependencyProxyManifestEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<DependencyProxyManifest>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** An edge in a connection. */
export type DependencyProxyManifestEdge = {
  __typename?: 'DependencyProxyManifestEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<DependencyProxyManifest>;
};

/** Status of a dependency proxy manifest */
export type DependencyProxyManifestStatus =
  | 'DEFAULT'
  | 'ERROR'
  | 'PENDING_DESTRUCTION'
  | 'PROCESSING';

/** Group-level Dependency Proxy settings */
export type DependencyProxySetting = {
  __typename?: 'DependencyProxySetting';
  /** Indicates whether the dependency proxy is enabled for the group. */
  enabled: Scalars['Boolean']['output'];
  /** Identity credential used to authenticate with Docker Hub when pulling images (the secret is never readable). */
  identity?: Maybe<Scalars['String']['output']>;
};

/** The upstream's pull limit as it last reported it (Docker Hub's ratelimit headers); berth addition */
export type DependencyProxyUpstreamRateLimit = {
  __typename?: 'DependencyProxyUpstreamRateLimit';
  /** Pulls allowed per window (`ratelimit-limit`). */
  limit?: Maybe<Scalars['Int']['output']>;
  /** Pulls left in the window (`ratelimit-remaining`). */
  remaining?: Maybe<Scalars['Int']['output']>;
};

export type DeployTokenCreateInput = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  expiresAt?: InputMaybe<Scalars['Time']['input']>;
  name: Scalars['String']['input'];
  /** Full path of the group or project. */
  path: Scalars['ID']['input'];
  /** read_registry and/or write_registry */
  scopes: Array<Scalars['String']['input']>;
  /** Default gitlab+deploy-token-<id>. */
  username?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated input type of DestroyContainerRepository */
export type DestroyContainerRepositoryInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** ID of the container repository. */
  id: Scalars['ContainerRepositoryID']['input'];
};

/** Autogenerated return type of DestroyContainerRepository. */
export type DestroyContainerRepositoryPayload = {
  __typename?: 'DestroyContainerRepositoryPayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Container repository policy after scheduling the deletion. */
  containerRepository: ContainerRepository;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of DestroyContainerRepositoryTags */
export type DestroyContainerRepositoryTagsInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** ID of the container repository. */
  id: Scalars['ContainerRepositoryID']['input'];
  /** Container repository tag(s) to delete. Total number can be less than 20. */
  tagNames: Array<Scalars['String']['input']>;
};

/** Autogenerated return type of DestroyContainerRepositoryTags. */
export type DestroyContainerRepositoryTagsPayload = {
  __typename?: 'DestroyContainerRepositoryTagsPayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Deleted container repository tags. */
  deletedTagNames: Array<Scalars['String']['output']>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** A group of projects and subgroups. */
export type Group = {
  __typename?: 'Group';
  /** Container repositories of the group and its subgroups. */
  containerRepositories?: Maybe<ContainerRepositoryConnection>;
  /** Number of container repositories in the group. */
  containerRepositoriesCount: Scalars['Int']['output'];
  /** Timestamp of the group creation. */
  createdAt: Scalars['Time']['output'];
  /** Number of dependency proxy blobs cached in the group. */
  dependencyProxyBlobCount: Scalars['Int']['output'];
  /** Dependency Proxy blobs. */
  dependencyProxyBlobs?: Maybe<DependencyProxyBlobConnection>;
  /** Number of dependency proxy images cached in the group. */
  dependencyProxyImageCount: Scalars['Int']['output'];
  /** Prefix for pulling images when using the dependency proxy. */
  dependencyProxyImagePrefix: Scalars['String']['output'];
  /** Dependency proxy TTL policy for the group. */
  dependencyProxyImageTtlPolicy?: Maybe<DependencyProxyImageTtlGroupPolicy>;
  /** Dependency Proxy manifests. */
  dependencyProxyManifests?: Maybe<DependencyProxyManifestConnection>;
  /** Dependency Proxy settings for the group. */
  dependencyProxySetting?: Maybe<DependencyProxySetting>;
  /** Total size of the dependency proxy cached images. */
  dependencyProxyTotalSize: Scalars['String']['output'];
  /** Total size of the dependency proxy cached images in bytes. */
  dependencyProxyTotalSizeBytes: Scalars['BigInt']['output'];
  /** The upstream's pull limit as it last reported it (Docker Hub's ratelimit-limit and ratelimit-remaining headers); null until it has. berth addition. */
  dependencyProxyUpstreamRateLimit?: Maybe<DependencyProxyUpstreamRateLimit>;
  /** Full path of the group. */
  fullPath: Scalars['ID']['output'];
  /** Global ID of the group, gid://berth/Group/<id>. */
  id: Scalars['ID']['output'];
  /** Name of the group. */
  name: Scalars['String']['output'];
  /** Path of the group (last component of fullPath). */
  path: Scalars['String']['output'];
  /** Visibility of the group: private, internal or public. */
  visibility: Scalars['String']['output'];
};


/** A group of projects and subgroups. */
export type GroupContainerRepositoriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ContainerRepositorySort>;
};


/** A group of projects and subgroups. */
export type GroupDependencyProxyBlobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A group of projects and subgroups. */
export type GroupDependencyProxyManifestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** Autogenerated input type of GroupCreate */
export type GroupCreateInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Full path of the new group; its parent group must exist. */
  fullPath: Scalars['ID']['input'];
  /** Name of the group (default: its path). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Visibility: private (default), internal or public. */
  visibility?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated return type of GroupCreate. */
export type GroupCreatePayload = {
  __typename?: 'GroupCreatePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
  /** The group created. */
  group?: Maybe<Group>;
};

/** Autogenerated input type of GroupDelete */
export type GroupDeleteInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Full path of the group to delete. */
  fullPath: Scalars['ID']['input'];
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

export type MemberPayload = {
  __typename?: 'MemberPayload';
  clientMutationId?: Maybe<Scalars['String']['output']>;
  errors: Array<Scalars['String']['output']>;
};

export type MemberRemoveInput = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  path: Scalars['ID']['input'];
  username: Scalars['String']['input'];
};

export type MemberSetInput = {
  accessLevel: AccessLevelEnum;
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  expiresAt?: InputMaybe<Scalars['Time']['input']>;
  /** Full path of the group or project. */
  path: Scalars['ID']['input'];
  username: Scalars['String']['input'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Issues a CI job token for a project (Maintainer), used as gitlab-ci-token. */
  ciJobTokenCreate?: Maybe<TokenCreatePayload>;
  /** Creates a repository protection rule to restrict access to a project's container registry. */
  createContainerProtectionRepositoryRule?: Maybe<CreateContainerProtectionRepositoryRulePayload>;
  /** Creates a protection rule to control which user roles can modify container image tags matching a specified pattern. */
  createContainerProtectionTagRule?: Maybe<CreateContainerProtectionTagRulePayload>;
  /** Deletes a container repository protection rule. */
  deleteContainerProtectionRepositoryRule?: Maybe<DeleteContainerProtectionRepositoryRulePayload>;
  /** Deletes a protection rule for container image tags. */
  deleteContainerProtectionTagRule?: Maybe<DeleteContainerProtectionTagRulePayload>;
  /** Deletes the tags of one container repository that match rules, with GitLab's bulk-delete semantics (`name_regex_delete`, `name_regex_keep`, `keep_n`, `older_than`; `latest` and protected tags are kept); synchronous, uncapped, with a dry run. Maintainer role (berth). */
  deleteContainerRepositoryTagsByRule?: Maybe<DeleteContainerRepositoryTagsByRulePayload>;
  /** Creates a deploy token of a group or project (Maintainer). */
  deployTokenCreate?: Maybe<TokenCreatePayload>;
  /** Destroys a container repository: scheduled now, removed in the background. */
  destroyContainerRepository?: Maybe<DestroyContainerRepositoryPayload>;
  /** Deletes tags of a container repository; protected tags are kept. */
  destroyContainerRepositoryTags?: Maybe<DestroyContainerRepositoryTagsPayload>;
  /** Creates a group; the caller becomes its Owner. Subgroups need Owner of the parent. */
  groupCreate?: Maybe<GroupCreatePayload>;
  /** Deletes a group (Owner) with its subgroups and all their projects, as `projectDelete` does, in one transaction. */
  groupDelete?: Maybe<NamespaceDeletePayload>;
  /** Removes a member from a group or project (Maintainer). */
  memberRemove?: Maybe<MemberPayload>;
  /** Adds a member or changes their role (Maintainer; only Owners grant Owner). */
  memberSet?: Maybe<MemberPayload>;
  /** Creates a personal access token for the current user. */
  personalAccessTokenCreate?: Maybe<TokenCreatePayload>;
  /** Creates a project in a group (Maintainer of the group). */
  projectCreate?: Maybe<ProjectCreatePayload>;
  /** Deletes a project (Owner) with its container repositories, members, tokens and rules, at once and in one transaction. Image bytes are left to garbage collection. */
  projectDelete?: Maybe<NamespaceDeletePayload>;
  /** Updates, renames or moves a project (even one with images). */
  projectUpdate?: Maybe<ProjectUpdatePayload>;
  /** Empties a group's dependency proxy cache, or removes one image from it (Owner). berth addition. */
  purgeDependencyProxyCache?: Maybe<PurgeDependencyProxyCachePayload>;
  /** Runs the saved cleanup policy over every container repository of the project now, enabled or not, and answers when it is done. Maintainer role (berth). */
  runContainerExpirationPolicy?: Maybe<RunContainerExpirationPolicyPayload>;
  /** Revokes a token: one's own personal token, or a deploy or job token where one is Maintainer. */
  tokenRevoke?: Maybe<TokenRevokePayload>;
  /** Updates (or creates) the cleanup policy of a project. Maintainer role. */
  updateContainerExpirationPolicy?: Maybe<UpdateContainerExpirationPolicyPayload>;
  /** Updates a container repository protection rule. */
  updateContainerProtectionRepositoryRule?: Maybe<UpdateContainerProtectionRepositoryRulePayload>;
  /** Updates a protection rule that controls who can modify container image tags. */
  updateContainerProtectionTagRule?: Maybe<UpdateContainerProtectionTagRulePayload>;
  /** Updates the dependency proxy image TTL policy of a group (Owner). */
  updateDependencyProxyImageTtlGroupPolicy?: Maybe<UpdateDependencyProxyImageTtlGroupPolicyPayload>;
  /** Updates the dependency proxy settings of a group (Owner). */
  updateDependencyProxySettings?: Maybe<UpdateDependencyProxySettingsPayload>;
};


export type MutationCiJobTokenCreateArgs = {
  input: CiJobTokenCreateInput;
};


export type MutationCreateContainerProtectionRepositoryRuleArgs = {
  input: CreateContainerProtectionRepositoryRuleInput;
};


export type MutationCreateContainerProtectionTagRuleArgs = {
  input: CreateContainerProtectionTagRuleInput;
};


export type MutationDeleteContainerProtectionRepositoryRuleArgs = {
  input: DeleteContainerProtectionRepositoryRuleInput;
};


export type MutationDeleteContainerProtectionTagRuleArgs = {
  input: DeleteContainerProtectionTagRuleInput;
};


export type MutationDeleteContainerRepositoryTagsByRuleArgs = {
  input: DeleteContainerRepositoryTagsByRuleInput;
};


export type MutationDeployTokenCreateArgs = {
  input: DeployTokenCreateInput;
};


export type MutationDestroyContainerRepositoryArgs = {
  input: DestroyContainerRepositoryInput;
};


export type MutationDestroyContainerRepositoryTagsArgs = {
  input: DestroyContainerRepositoryTagsInput;
};


export type MutationGroupCreateArgs = {
  input: GroupCreateInput;
};


export type MutationGroupDeleteArgs = {
  input: GroupDeleteInput;
};


export type MutationMemberRemoveArgs = {
  input: MemberRemoveInput;
};


export type MutationMemberSetArgs = {
  input: MemberSetInput;
};


export type MutationPersonalAccessTokenCreateArgs = {
  input: PersonalAccessTokenCreateInput;
};


export type MutationProjectCreateArgs = {
  input: ProjectCreateInput;
};


export type MutationProjectDeleteArgs = {
  input: ProjectDeleteInput;
};


export type MutationProjectUpdateArgs = {
  input: ProjectUpdateInput;
};


export type MutationPurgeDependencyProxyCacheArgs = {
  input: PurgeDependencyProxyCacheInput;
};


export type MutationRunContainerExpirationPolicyArgs = {
  input: RunContainerExpirationPolicyInput;
};


export type MutationTokenRevokeArgs = {
  input: TokenRevokeInput;
};


export type MutationUpdateContainerExpirationPolicyArgs = {
  input: UpdateContainerExpirationPolicyInput;
};


export type MutationUpdateContainerProtectionRepositoryRuleArgs = {
  input: UpdateContainerProtectionRepositoryRuleInput;
};


export type MutationUpdateContainerProtectionTagRuleArgs = {
  input: UpdateContainerProtectionTagRuleInput;
};


export type MutationUpdateDependencyProxyImageTtlGroupPolicyArgs = {
  input: UpdateDependencyProxyImageTtlGroupPolicyInput;
};


export type MutationUpdateDependencyProxySettingsArgs = {
  input: UpdateDependencyProxySettingsInput;
};

/** Autogenerated return type of ProjectDelete and GroupDelete. */
export type NamespaceDeletePayload = {
  __typename?: 'NamespaceDeletePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Information about pagination in a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** When paginating forwards, the cursor to continue. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** When paginating forwards, are there more items? */
  hasNextPage: Scalars['Boolean']['output'];
  /** When paginating backwards, are there more items? */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** When paginating backwards, the cursor to continue. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type PersonalAccessTokenCreateInput = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  expiresAt?: InputMaybe<Scalars['Time']['input']>;
  name: Scalars['String']['input'];
  /** api, read_api, read_registry, write_registry, read_virtual_registry, write_virtual_registry */
  scopes: Array<Scalars['String']['input']>;
};

/** A project: its container repositories live at <fullPath>[/<image>]. */
export type Project = {
  __typename?: 'Project';
  /**
   * Container expiration policy of the project.
   * @deprecated Use `containerTagsExpirationPolicy`. Deprecated in GitLab 17.5.
   */
  containerExpirationPolicy?: Maybe<ContainerExpirationPolicy>;
  /** Container protection rules for the project. */
  containerProtectionRepositoryRules?: Maybe<ContainerProtectionRepositoryRuleConnection>;
  /** Container repository tag protection rules for the project. */
  containerProtectionTagRules?: Maybe<ContainerProtectionTagRuleConnection>;
  /** Access level of the container registry (berth addition). */
  containerRegistryAccessLevel: ContainerRegistryAccessLevel;
  /** Indicates if Container registry is enabled for the current user. */
  containerRegistryEnabled?: Maybe<Scalars['Boolean']['output']>;
  /** Container repositories of the project. */
  containerRepositories?: Maybe<ContainerRepositoryConnection>;
  /** Number of container repositories in the project. */
  containerRepositoriesCount: Scalars['Int']['output'];
  /** Container tags expiration policy of the project. */
  containerTagsExpirationPolicy?: Maybe<ContainerTagsExpirationPolicy>;
  /** What the cleanup policy (the saved one, or `policy`) would delete and keep in every container repository of the project, with the reason for each tag; deletes nothing. Maintainer role (berth). */
  containerTagsExpirationPolicyPreview?: Maybe<ContainerTagsExpirationPolicyPreview>;
  /** Timestamp of the project creation. */
  createdAt: Scalars['Time']['output'];
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


/** A project: its container repositories live at <fullPath>[/<image>]. */
export type ProjectContainerProtectionRepositoryRulesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A project: its container repositories live at <fullPath>[/<image>]. */
export type ProjectContainerProtectionTagRulesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A project: its container repositories live at <fullPath>[/<image>]. */
export type ProjectContainerRepositoriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<ContainerRepositorySort>;
};


/** A project: its container repositories live at <fullPath>[/<image>]. */
export type ProjectContainerTagsExpirationPolicyPreviewArgs = {
  policy?: InputMaybe<ContainerTagsExpirationPolicyPreviewInput>;
};

/** The connection type for Project. */
export type ProjectConnection = {
  __typename?: 'ProjectConnection';
  /** Total count of collection. */
  count: Scalars['Int']['output'];
  /** A list of edges. */
  edges?: Maybe<Array<ProjectEdge>>;
  /** A list of nodes. */
  nodes?: Maybe<Array<Project>>;
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
};

/** Autogenerated input type of ProjectCreate */
export type ProjectCreateInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Access level of the container registry (default ENABLED). */
  containerRegistryAccessLevel?: InputMaybe<ContainerRegistryAccessLevel>;
  /** Full path of the new project, in an existing group. */
  fullPath: Scalars['ID']['input'];
  /** Name of the project (default: its path). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Visibility: private (default), internal or public. */
  visibility?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated return type of ProjectCreate. */
export type ProjectCreatePayload = {
  __typename?: 'ProjectCreatePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
  /** The project created. */
  project?: Maybe<Project>;
};

/** Autogenerated input type of ProjectDelete */
export type ProjectDeleteInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Full path of the project to delete. */
  fullPath: Scalars['ID']['input'];
};

/** An edge in a connection. */
export type ProjectEdge = {
  __typename?: 'ProjectEdge';
  /** A cursor for use in pagination. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node?: Maybe<Project>;
};

/** Autogenerated input type of ProjectUpdate */
export type ProjectUpdateInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** New container registry access level (Maintainer). */
  containerRegistryAccessLevel?: InputMaybe<ContainerRegistryAccessLevel>;
  /** Full path of the project to update. */
  fullPath: Scalars['ID']['input'];
  /** Full path of the group to move the project to (Owner, and Maintainer of that group). */
  namespacePath?: InputMaybe<Scalars['ID']['input']>;
  /** New last path component (rename; Owner). */
  path?: InputMaybe<Scalars['String']['input']>;
  /** New visibility: private, internal or public (Maintainer). */
  visibility?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated return type of ProjectUpdate. */
export type ProjectUpdatePayload = {
  __typename?: 'ProjectUpdatePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
  /** The project after the update. */
  project?: Maybe<Project>;
};

/** Input type of PurgeDependencyProxyCache (berth addition) */
export type PurgeDependencyProxyCacheInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Group path of the dependency proxy. */
  groupPath: Scalars['ID']['input'];
  /** Only this image (`alpine` and `library/alpine` are the same image); the whole cache when absent. */
  imageName?: InputMaybe<Scalars['String']['input']>;
};

/** Return type of PurgeDependencyProxyCache (berth addition). */
export type PurgeDependencyProxyCachePayload = {
  __typename?: 'PurgeDependencyProxyCachePayload';
  /** Blob links removed (the bytes go when garbage collection finds them unused). */
  blobs: Scalars['Int']['output'];
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
  /** Cached manifests removed. */
  manifests: Scalars['Int']['output'];
  /** Cached tags removed. */
  tags: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Find a container repository; null when it does not exist or the caller may not see it. */
  containerRepository?: Maybe<ContainerRepositoryDetails>;
  /** The user making the request; null when anonymous. */
  currentUser?: Maybe<CurrentUser>;
  /** Find a group by its full path; null when it does not exist or the caller may not see it. */
  group?: Maybe<Group>;
  /** Checks the database and reports what this instance runs on. */
  health: Health;
  /** Find a project by its full path; null when it does not exist or the caller may not see it. */
  project?: Maybe<Project>;
  /** Find projects visible to the current user. */
  projects?: Maybe<ProjectConnection>;
  /** berth's version. */
  version: Scalars['String']['output'];
};


export type QueryContainerRepositoryArgs = {
  id: Scalars['ContainerRepositoryID']['input'];
};


export type QueryGroupArgs = {
  fullPath: Scalars['ID']['input'];
};


export type QueryProjectArgs = {
  fullPath: Scalars['ID']['input'];
};


export type QueryProjectsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  membership?: InputMaybe<Scalars['Boolean']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  sort?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated input type of RunContainerExpirationPolicy */
export type RunContainerExpirationPolicyInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Project path where the container expiration policy is located. */
  projectPath: Scalars['ID']['input'];
};

/** Autogenerated return type of RunContainerExpirationPolicy. */
export type RunContainerExpirationPolicyPayload = {
  __typename?: 'RunContainerExpirationPolicyPayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Number of tags the run deleted, in all repositories. */
  deletedTagsCount?: Maybe<Scalars['Int']['output']>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
  /** Number of container repositories the run went through. */
  repositoriesCount?: Maybe<Scalars['Int']['output']>;
};

/** A created token: `token` holds the secret, shown this once. */
export type TokenCreatePayload = {
  __typename?: 'TokenCreatePayload';
  clientMutationId?: Maybe<Scalars['String']['output']>;
  errors: Array<Scalars['String']['output']>;
  /** The secret. It cannot be read again. */
  token?: Maybe<Scalars['String']['output']>;
  tokenInfo?: Maybe<TokenInfo>;
};

/** A token (personal, deploy or CI job), without its secret. */
export type TokenInfo = {
  __typename?: 'TokenInfo';
  expiresAt?: Maybe<Scalars['Time']['output']>;
  id: Scalars['ID']['output'];
  name?: Maybe<Scalars['String']['output']>;
  scopes: Array<Scalars['String']['output']>;
  /** The user name to sign in with (deploy tokens; `gitlab-ci-token` for job tokens). */
  username?: Maybe<Scalars['String']['output']>;
};

export type TokenRevokeInput = {
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** gid://berth/PersonalAccessToken/<id>, …/DeployToken/<id> or …/CiJobToken/<id> */
  id: Scalars['ID']['input'];
};

export type TokenRevokePayload = {
  __typename?: 'TokenRevokePayload';
  clientMutationId?: Maybe<Scalars['String']['output']>;
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of UpdateContainerExpirationPolicy */
export type UpdateContainerExpirationPolicyInput = {
  /** This container expiration policy schedule. */
  cadence?: InputMaybe<ContainerExpirationPolicyCadenceEnum>;
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Indicates whether this container expiration policy is enabled. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Number of tags to retain. */
  keepN?: InputMaybe<ContainerExpirationPolicyKeepEnum>;
  /** Tags with names matching the regex pattern will expire. */
  nameRegex?: InputMaybe<Scalars['UntrustedRegexp']['input']>;
  /** Tags with names matching the regex pattern will be preserved. */
  nameRegexKeep?: InputMaybe<Scalars['UntrustedRegexp']['input']>;
  /** Tags older than the given age will expire. */
  olderThan?: InputMaybe<ContainerExpirationPolicyOlderThanEnum>;
  /** Project path where the container expiration policy is located. */
  projectPath: Scalars['ID']['input'];
};

/** Autogenerated return type of UpdateContainerExpirationPolicy. */
export type UpdateContainerExpirationPolicyPayload = {
  __typename?: 'UpdateContainerExpirationPolicyPayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /**
   * Container expiration policy after mutation.
   * @deprecated Use `containerTagsExpirationPolicy`. Deprecated in GitLab 17.5.
   */
  containerExpirationPolicy?: Maybe<ContainerExpirationPolicy>;
  /** Container tags expiration policy after mutation. */
  containerTagsExpirationPolicy?: Maybe<ContainerTagsExpirationPolicy>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of UpdateContainerProtectionRepositoryRule */
export type UpdateContainerProtectionRepositoryRuleInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Global ID of the container repository protection rule to be updated. */
  id: Scalars['ContainerRegistryProtectionRuleID']['input'];
  /** Minimum GitLab access level required to delete container images (null unsets it). */
  minimumAccessLevelForDelete?: InputMaybe<ContainerProtectionRepositoryRuleAccessLevel>;
  /** Minimum GitLab access level required to push container images (null unsets it). */
  minimumAccessLevelForPush?: InputMaybe<ContainerProtectionRepositoryRuleAccessLevel>;
  /** Container repository path pattern protected by the protection rule. */
  repositoryPathPattern?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated return type of UpdateContainerProtectionRepositoryRule. */
export type UpdateContainerProtectionRepositoryRulePayload = {
  __typename?: 'UpdateContainerProtectionRepositoryRulePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Container repository protection rule after mutation. */
  containerProtectionRepositoryRule?: Maybe<ContainerProtectionRepositoryRule>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of UpdateContainerProtectionTagRule */
export type UpdateContainerProtectionTagRuleInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Global ID of the tag protection rule to update. */
  id: Scalars['ContainerRegistryProtectionTagRuleID']['input'];
  /** Minimum GitLab access level required to delete container image tags. */
  minimumAccessLevelForDelete?: InputMaybe<ContainerProtectionTagRuleAccessLevel>;
  /** Minimum GitLab access level required to push container image tags. */
  minimumAccessLevelForPush?: InputMaybe<ContainerProtectionTagRuleAccessLevel>;
  /** The pattern that matches container image tags to protect. */
  tagNamePattern?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated return type of UpdateContainerProtectionTagRule. */
export type UpdateContainerProtectionTagRulePayload = {
  __typename?: 'UpdateContainerProtectionTagRulePayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Protection rule for container image tags after creation. */
  containerProtectionTagRule?: Maybe<ContainerProtectionTagRule>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of UpdateDependencyProxyImageTtlGroupPolicy */
export type UpdateDependencyProxyImageTtlGroupPolicyInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Indicates whether the policy is enabled or disabled. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Group path for the group dependency proxy image TTL policy. */
  groupPath: Scalars['ID']['input'];
  /** Number of days to retain a cached image file. */
  ttl?: InputMaybe<Scalars['Int']['input']>;
};

/** Autogenerated return type of UpdateDependencyProxyImageTtlGroupPolicy. */
export type UpdateDependencyProxyImageTtlGroupPolicyPayload = {
  __typename?: 'UpdateDependencyProxyImageTtlGroupPolicyPayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Group image TTL policy after mutation. */
  dependencyProxyImageTtlPolicy?: Maybe<DependencyProxyImageTtlGroupPolicy>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of UpdateDependencyProxySettings */
export type UpdateDependencyProxySettingsInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Indicates whether the policy is enabled or disabled. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Group path for the group dependency proxy. */
  groupPath: Scalars['ID']['input'];
  /** Identity credential used to authenticate with Docker Hub when pulling images. Set with `secret`; empty clears both. */
  identity?: InputMaybe<Scalars['String']['input']>;
  /** Secret credential used to authenticate with Docker Hub. Never readable. */
  secret?: InputMaybe<Scalars['String']['input']>;
};

/** Autogenerated return type of UpdateDependencyProxySettings. */
export type UpdateDependencyProxySettingsPayload = {
  __typename?: 'UpdateDependencyProxySettingsPayload';
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: Maybe<Scalars['String']['output']>;
  /** Group dependency proxy settings after mutation. */
  dependencyProxySetting?: Maybe<DependencyProxySetting>;
  /** Errors encountered during execution of the mutation. */
  errors: Array<Scalars['String']['output']>;
};

/** Autogenerated input type of CreateContainerProtectionTagRule */
export type CreateContainerProtectionTagRuleInput = {
  /** A unique identifier for the client performing the mutation. */
  clientMutationId?: InputMaybe<Scalars['String']['input']>;
  /** Minimum GitLab access level required to delete container image tags from the container repository. */
  minimumAccessLevelForDelete?: InputMaybe<ContainerProtectionTagRuleAccessLevel>;
  /** Minimum GitLab access level required to push container image tags to the container repository. */
  minimumAccessLevelForPush?: InputMaybe<ContainerProtectionTagRuleAccessLevel>;
  /** Full project path where a protection rule is located. */
  projectPath: Scalars['ID']['input'];
  /** The pattern that matches container image tags to protect. For example, `v1.*`. Wildcard character `*` allowed. */
  tagNamePattern: Scalars['String']['input'];
};
