import { Migration } from '@mikro-orm/migrations';

export class Migration20261127203816 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "gc_blob_review_queue" ("digest" varchar(255) not null, "review_after" timestamptz not null, "event" varchar(255) not null, constraint "gc_blob_review_queue_pkey" primary key ("digest"));`);
    this.addSql(`create index "gc_blob_review_queue_review_after_index" on "gc_blob_review_queue" ("review_after");`);

    this.addSql(`create table "gc_manifest_review_queue" ("manifest_id" int not null, "review_after" timestamptz not null, "event" varchar(255) not null, constraint "gc_manifest_review_queue_pkey" primary key ("manifest_id"));`);
    this.addSql(`create index "gc_manifest_review_queue_review_after_index" on "gc_manifest_review_queue" ("review_after");`);

    this.addSql(`create table "container_expiration_policies" ("id" serial primary key, "project_id" int not null, "enabled" boolean not null default false, "cadence" varchar(255) not null default '1d', "keep_n" int null default 10, "older_than" varchar(255) null default '90d', "name_regex" text null, "name_regex_keep" text null, "next_run_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "container_expiration_policies" add constraint "container_expiration_policies_project_id_unique" unique ("project_id");`);
    this.addSql(`create index "container_expiration_policies_next_run_at_index" on "container_expiration_policies" ("next_run_at");`);

    this.addSql(`alter table "gc_manifest_review_queue" add constraint "gc_manifest_review_queue_manifest_id_foreign" foreign key ("manifest_id") references "manifests" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "container_expiration_policies" add constraint "container_expiration_policies_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "container_repositories" add column "expiration_policy_cleanup_status" varchar(255) not null default 'cleanup_unscheduled', add column "expiration_policy_started_at" timestamptz null, add column "expiration_policy_completed_at" timestamptz null, add column "last_cleanup_deleted_tags_count" int null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "gc_blob_review_queue" cascade;`);

    this.addSql(`drop table if exists "gc_manifest_review_queue" cascade;`);

    this.addSql(`drop table if exists "container_expiration_policies" cascade;`);

    this.addSql(`alter table "container_repositories" drop column "expiration_policy_cleanup_status", drop column "expiration_policy_started_at", drop column "expiration_policy_completed_at", drop column "last_cleanup_deleted_tags_count";`);
  }

}
