import { Migration } from '@mikro-orm/migrations';

// Paths and tag names use the C collation: the OCI API lists them in byte order, as SQLite does.
export class Migration20261127131858 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "blobs" ("id" serial primary key, "digest" varchar(255) not null, "size" bigint not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "blobs" add constraint "blobs_digest_unique" unique ("digest");`);

    this.addSql(`create table "groups" ("id" serial primary key, "name" varchar(255) not null, "path" varchar(255) not null, "full_path" varchar(255) collate "C" not null, "parent_id" int null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "groups" add constraint "groups_full_path_unique" unique ("full_path");`);
    this.addSql(`create index "groups_parent_id_index" on "groups" ("parent_id");`);

    this.addSql(`create table "projects" ("id" serial primary key, "name" varchar(255) not null, "path" varchar(255) not null, "full_path" varchar(255) collate "C" not null, "group_id" int not null, "visibility" text check ("visibility" in ('private', 'internal', 'public')) not null default 'private', "created_at" timestamptz not null);`);
    this.addSql(`alter table "projects" add constraint "projects_full_path_unique" unique ("full_path");`);
    this.addSql(`create index "projects_group_id_index" on "projects" ("group_id");`);

    this.addSql(`create table "container_repositories" ("id" serial primary key, "project_id" int not null, "name" varchar(255) not null, "path" varchar(255) collate "C" not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "container_repositories" add constraint "container_repositories_path_unique" unique ("path");`);
    this.addSql(`alter table "container_repositories" add constraint "container_repositories_project_id_name_unique" unique ("project_id", "name");`);

    this.addSql(`create table "manifests" ("id" serial primary key, "repository_id" int not null, "digest" varchar(255) not null, "media_type" varchar(255) not null, "size" bigint not null, "config_digest" varchar(255) null, "config_media_type" varchar(255) null, "subject_digest" varchar(255) null, "artifact_type" varchar(255) null, "payload" bytea not null, "created_at" timestamptz not null);`);
    this.addSql(`create index "manifests_repository_id_subject_digest_index" on "manifests" ("repository_id", "subject_digest");`);
    this.addSql(`alter table "manifests" add constraint "manifests_repository_id_digest_unique" unique ("repository_id", "digest");`);

    this.addSql(`create table "manifest_references" ("parent_id" int not null, "child_id" int not null, constraint "manifest_references_pkey" primary key ("parent_id", "child_id"));`);
    this.addSql(`create index "manifest_references_child_id_index" on "manifest_references" ("child_id");`);

    this.addSql(`create table "manifest_blobs" ("manifest_id" int not null, "blob_id" int not null, "role" varchar(255) not null, constraint "manifest_blobs_pkey" primary key ("manifest_id", "blob_id"));`);
    this.addSql(`create index "manifest_blobs_blob_id_index" on "manifest_blobs" ("blob_id");`);

    this.addSql(`create table "repository_blobs" ("repository_id" int not null, "blob_id" int not null, "created_at" timestamptz not null, constraint "repository_blobs_pkey" primary key ("repository_id", "blob_id"));`);
    this.addSql(`create index "repository_blobs_blob_id_index" on "repository_blobs" ("blob_id");`);

    this.addSql(`create table "tags" ("id" serial primary key, "repository_id" int not null, "name" varchar(255) collate "C" not null, "manifest_id" int not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "tags_manifest_id_index" on "tags" ("manifest_id");`);
    this.addSql(`alter table "tags" add constraint "tags_repository_id_name_unique" unique ("repository_id", "name");`);

    this.addSql(`create table "uploads" ("id" varchar(255) not null, "repository_id" int not null, "size" bigint not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "uploads_pkey" primary key ("id"));`);

    this.addSql(`alter table "groups" add constraint "groups_parent_id_foreign" foreign key ("parent_id") references "groups" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "projects" add constraint "projects_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "container_repositories" add constraint "container_repositories_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "manifests" add constraint "manifests_repository_id_foreign" foreign key ("repository_id") references "container_repositories" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "manifest_references" add constraint "manifest_references_parent_id_foreign" foreign key ("parent_id") references "manifests" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "manifest_references" add constraint "manifest_references_child_id_foreign" foreign key ("child_id") references "manifests" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "manifest_blobs" add constraint "manifest_blobs_manifest_id_foreign" foreign key ("manifest_id") references "manifests" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "manifest_blobs" add constraint "manifest_blobs_blob_id_foreign" foreign key ("blob_id") references "blobs" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "repository_blobs" add constraint "repository_blobs_repository_id_foreign" foreign key ("repository_id") references "container_repositories" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "repository_blobs" add constraint "repository_blobs_blob_id_foreign" foreign key ("blob_id") references "blobs" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "tags" add constraint "tags_repository_id_foreign" foreign key ("repository_id") references "container_repositories" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "tags" add constraint "tags_manifest_id_foreign" foreign key ("manifest_id") references "manifests" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "uploads" add constraint "uploads_repository_id_foreign" foreign key ("repository_id") references "container_repositories" ("id") on update cascade on delete cascade;`);
  }

}
