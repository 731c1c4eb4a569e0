import { Blob } from './blob.entity.js';
import { ContainerRepository } from './container-repository.entity.js';
import { Group } from './group.entity.js';
import { Manifest } from './manifest.entity.js';
import { ManifestBlob } from './manifest-blob.entity.js';
import { ManifestReference } from './manifest-reference.entity.js';
import { Project } from './project.entity.js';
import { RepositoryBlob } from './repository-blob.entity.js';
import { Tag } from './tag.entity.js';
import { Upload } from './upload.entity.js';

export {
  Blob,
  ContainerRepository,
  Group,
  Manifest,
  ManifestBlob,
  ManifestReference,
  Project,
  RepositoryBlob,
  Tag,
  Upload,
};

export const ENTITIES = [
  Group,
  Project,
  ContainerRepository,
  Blob,
  RepositoryBlob,
  Manifest,
  ManifestBlob,
  ManifestReference,
  Tag,
  Upload,
];
