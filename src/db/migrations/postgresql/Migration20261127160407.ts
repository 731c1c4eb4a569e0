import { Migration } from '@mikro-orm/migrations';

export class Migration20261127160407 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "deploy_tokens" ("id" serial primary key, "project_id" int null, "group_id" int null, "name" varchar(255) not null, "username" varchar(255) not null, "token_digest" varchar(255) not null, "scopes" jsonb not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "deploy_tokens" add constraint "deploy_tokens_username_unique" unique ("username");`);
    this.addSql(`alter table "deploy_tokens" add constraint "deploy_tokens_token_digest_unique" unique ("token_digest");`);

    this.addSql(`create table "container_tag_protection_rules" ("id" serial primary key, "project_id" int not null, "tag_name_pattern" varchar(100) not null, "minimum_access_level_for_push" text check ("minimum_access_level_for_push" in ('maintainer', 'owner', 'admin')) not null, "minimum_access_level_for_delete" text check ("minimum_access_level_for_delete" in ('maintainer', 'owner', 'admin')) not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "container_tag_protection_rules" add constraint "container_tag_protection_rules_project_id_tag_nam_f4375_unique" unique ("project_id", "tag_name_pattern");`);

    this.addSql(`create table "container_repository_protection_rules" ("id" serial primary key, "project_id" int not null, "repository_path_pattern" varchar(255) not null, "minimum_access_level_for_push" text check ("minimum_access_level_for_push" in ('maintainer', 'owner', 'admin')) null, "minimum_access_level_for_delete" text check ("minimum_access_level_for_delete" in ('maintainer', 'owner', 'admin')) null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "container_repository_protection_rules" add constraint "container_repository_protection_rules_project_id__dd3dd_unique" unique ("project_id", "repository_path_pattern");`);

    this.addSql(`create table "signing_keys" ("kid" varchar(255) not null, "algorithm" varchar(255) not null, "private_key_pem" text not null, "public_key_pem" text not null, "created_at" timestamptz not null, constraint "signing_keys_pkey" primary key ("kid"));`);

    this.addSql(`create table "users" ("id" serial primary key, "username" varchar(255) not null, "email" varchar(255) not null, "name" varchar(255) not null, "password_hash" varchar(255) not null, "admin" boolean not null default false, "state" text check ("state" in ('active', 'blocked')) not null default 'active', "created_at" timestamptz not null);`);
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`create table "personal_access_tokens" ("id" serial primary key, "user_id" int not null, "name" varchar(255) not null, "token_digest" varchar(255) not null, "scopes" jsonb not null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "personal_access_tokens_user_id_index" on "personal_access_tokens" ("user_id");`);
    this.addSql(`alter table "personal_access_tokens" add constraint "personal_access_tokens_token_digest_unique" unique ("token_digest");`);

    this.addSql(`create table "members" ("id" serial primary key, "user_id" int not null, "group_id" int null, "project_id" int null, "access_level" int not null, "expires_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "members_group_id_index" on "members" ("group_id");`);
    this.addSql(`create index "members_project_id_index" on "members" ("project_id");`);
    this.addSql(`alter table "members" add constraint "members_user_id_project_id_unique" unique ("user_id", "project_id");`);
    this.addSql(`alter table "members" add constraint "members_user_id_group_id_unique" unique ("user_id", "group_id");`);

    this.addSql(`create table "ci_job_tokens" ("id" serial primary key, "project_id" int not null, "user_id" int not null, "token_digest" varchar(255) not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "ci_job_tokens_project_id_index" on "ci_job_tokens" ("project_id");`);
    this.addSql(`alter table "ci_job_tokens" add constraint "ci_job_tokens_token_digest_unique" unique ("token_digest");`);

    this.addSql(`alter table "deploy_tokens" add constraint "deploy_tokens_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "deploy_tokens" add constraint "deploy_tokens_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "container_tag_protection_rules" add constraint "container_tag_protection_rules_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "container_repository_protection_rules" add constraint "container_repository_protection_rules_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "personal_access_tokens" add constraint "personal_access_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "members" add constraint "members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "members" add constraint "members_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "members" add constraint "members_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "ci_job_tokens" add constraint "ci_job_tokens_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "ci_job_tokens" add constraint "ci_job_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);


    this.addSql(`alter table "projects" add column "container_registry_access_level" text check ("container_registry_access_level" in ('enabled', 'private', 'disabled')) not null default 'enabled';`);

    this.addSql(`alter table "uploads" add column "owner" varchar(255) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "personal_access_tokens" drop constraint "personal_access_tokens_user_id_foreign";`);

    this.addSql(`alter table "members" drop constraint "members_user_id_foreign";`);

    this.addSql(`alter table "ci_job_tokens" drop constraint "ci_job_tokens_user_id_foreign";`);

    this.addSql(`drop table if exists "deploy_tokens" cascade;`);

    this.addSql(`drop table if exists "container_tag_protection_rules" cascade;`);

    this.addSql(`drop table if exists "container_repository_protection_rules" cascade;`);

    this.addSql(`drop table if exists "signing_keys" cascade;`);

    this.addSql(`drop table if exists "users" cascade;`);

    this.addSql(`drop table if exists "personal_access_tokens" cascade;`);

    this.addSql(`drop table if exists "members" cascade;`);

    this.addSql(`drop table if exists "ci_job_tokens" cascade;`);

    this.addSql(`alter table "projects" drop column "container_registry_access_level";`);


    this.addSql(`alter table "uploads" drop column "owner";`);
  }

}
