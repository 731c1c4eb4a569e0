/** Per-request GraphQL context. Later issues add the actor, a forked EntityManager and DataLoaders. */
import type { OrmHandle } from '../db/orm.js';

export interface AppInfo {
  version: string;
  storageDriver: string;
}

export interface GraphQLContext {
  db: OrmHandle;
  info: AppInfo;
}
