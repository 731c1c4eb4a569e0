import { Migration } from '@mikro-orm/migrations';

export class Migration20261127182823 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "dependency_proxy_tags" ("id" serial primary key, "group_id" int not null, "image_name" varchar(255) not null, "tag" varchar(255) not null, "digest" varchar(255) not null, "revalidated_at" timestamptz not null, "read_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "dependency_proxy_tags_read_at_index" on "dependency_proxy_tags" ("read_at");`);
    this.addSql(`alter table "dependency_proxy_tags" add constraint "dependency_proxy_tags_group_id_image_name_tag_unique" unique ("group_id", "image_name", "tag");`);

    this.addSql(`create table "dependency_proxy_manifests" ("id" serial primary key, "group_id" int not null, "image_name" varchar(255) not null, "digest" varchar(255) not null, "content_type" varchar(255) not null, "size" bigint not null, "payload" bytea not null, "read_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "dependency_proxy_manifests_read_at_index" on "dependency_proxy_manifests" ("read_at");`);
    this.addSql(`alter table "dependency_proxy_manifests" add constraint "dependency_proxy_manifests_group_id_image_name_digest_unique" unique ("group_id", "image_name", "digest");`);

    this.addSql(`create table "dependency_proxy_image_ttl_group_policies" ("id" serial primary key, "group_id" int not null, "enabled" boolean not null default true, "ttl" int not null default 90, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "dependency_proxy_image_ttl_group_policies" add constraint "dependency_proxy_image_ttl_group_policies_group_id_unique" unique ("group_id");`);

    this.addSql(`create table "dependency_proxy_group_settings" ("id" serial primary key, "group_id" int not null, "enabled" boolean not null default true, "identity" varchar(255) null, "secret_encrypted" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`alter table "dependency_proxy_group_settings" add constraint "dependency_proxy_group_settings_group_id_unique" unique ("group_id");`);

    this.addSql(`create table "dependency_proxy_blobs" ("id" serial primary key, "group_id" int not null, "blob_id" int not null, "read_at" timestamptz not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "dependency_proxy_blobs_blob_id_index" on "dependency_proxy_blobs" ("blob_id");`);
    this.addSql(`create index "dependency_proxy_blobs_read_at_index" on "dependency_proxy_blobs" ("read_at");`);
    this.addSql(`alter table "dependency_proxy_blobs" add constraint "dependency_proxy_blobs_group_id_blob_id_unique" unique ("group_id", "blob_id");`);

    this.addSql(`alter table "dependency_proxy_tags" add constraint "dependency_proxy_tags_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dependency_proxy_manifests" add constraint "dependency_proxy_manifests_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dependency_proxy_image_ttl_group_policies" add constraint "dependency_proxy_image_ttl_group_policies_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dependency_proxy_group_settings" add constraint "dependency_proxy_group_settings_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "dependency_proxy_blobs" add constraint "dependency_proxy_blobs_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "dependency_proxy_blobs" add constraint "dependency_proxy_blobs_blob_id_foreign" foreign key ("blob_id") references "blobs" ("id") on update cascade on delete restrict;`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "dependency_proxy_tags" cascade;`);

    this.addSql(`drop table if exists "dependency_proxy_manifests" cascade;`);

    this.addSql(`drop table if exists "dependency_proxy_image_ttl_group_policies" cascade;`);

    this.addSql(`drop table if exists "dependency_proxy_group_settings" cascade;`);

    this.addSql(`drop table if exists "dependency_proxy_blobs" cascade;`);
  }

}
