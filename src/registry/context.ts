/** What every /v2 handler receives: the request, the parsed route and the services below. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BlobStore } from '../content/blob-store.js';
import type { UploadService } from '../content/upload-service.js';
import type { RegistryStore, RepositoryRow } from '../db/registry-store.js';
import { MAX_IMAGE_DEPTH } from '../db/registry-store.js';
import type { Logger } from '../observability/logger.js';
import { InvalidNameError, parseName } from '../oci/reference.js';
import type { ProxyService } from '../proxy/proxy.service.js';
import type { RegistryGuard, RequestAuth } from './authorize.js';
import { OciError } from './errors.js';

export interface RegistryDeps {
  guard: RegistryGuard;
  store: RegistryStore;
  blobs: BlobStore;
  uploads: UploadService;
  log: Logger;
  /** The dependency proxy, for `<group>/dependency_proxy/containers/<image>` names. */
  proxy?: ProxyService;
}

export class RequestContext {
  readonly head: boolean;
  /** Who is calling; set by the guard before the handler runs. */
  auth!: RequestAuth;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly deps: RegistryDeps,
    readonly query: URLSearchParams,
    /** Repository name ('' for routes without one). */
    readonly name: string,
    /** Tag, digest or upload id from the path ('' when absent). */
    readonly ref: string,
  ) {
    this.head = req.method === 'HEAD';
    if (name !== '') parseName(name);
  }

  /** The repository to read from; undefined when its project exists but nothing was pushed yet. */
  async pullRepository(): Promise<RepositoryRow | undefined> {
    const repo = await this.deps.store.findRepository(this.name);
    if (repo) return repo;
    await this.projectMatch();
    return undefined;
  }

  /** The repository to write to, created on first push inside an existing project. */
  async pushRepository(): Promise<RepositoryRow> {
    const repo = await this.deps.store.findRepository(this.name);
    if (repo) return repo;
    return this.deps.store.ensureRepository(await this.projectMatch(), this.name);
  }

  /** The path's own URL prefix, e.g. `/v2/group/project/image`. */
  get base(): string {
    return `/v2/${this.name}`;
  }

  private async projectMatch() {
    const match = await this.deps.store.findProjectFor(this.name);
    if (!match) {
      throw new OciError(
        'NAME_UNKNOWN',
        { name: this.name },
        `no project owns "${this.name}": create the project first`,
      );
    }
    const depth = match.imageName === '' ? 0 : match.imageName.split('/').length;
    if (depth > MAX_IMAGE_DEPTH) {
      const err = new InvalidNameError(
        this.name,
        `the image path "${match.imageName}" is ${depth} levels below project "${match.projectPath}"; at most ${MAX_IMAGE_DEPTH} are allowed`,
      );
      throw new OciError('NAME_INVALID', { name: this.name, rule: err.reason }, err.message);
    }
    return match;
  }
}
