import { Migration } from '@mikro-orm/migrations';

export class Migration20261127182823 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`dependency_proxy_tags\` (\`id\` integer not null primary key autoincrement, \`group_id\` integer not null, \`image_name\` text not null, \`tag\` text not null, \`digest\` text not null, \`revalidated_at\` datetime not null, \`read_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`dependency_proxy_tags_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`dependency_proxy_tags_group_id_index\` on \`dependency_proxy_tags\` (\`group_id\`);`);
    this.addSql(`create index \`dependency_proxy_tags_read_at_index\` on \`dependency_proxy_tags\` (\`read_at\`);`);
    this.addSql(`create unique index \`dependency_proxy_tags_group_id_image_name_tag_unique\` on \`dependency_proxy_tags\` (\`group_id\`, \`image_name\`, \`tag\`);`);

    this.addSql(`create table \`dependency_proxy_manifests\` (\`id\` integer not null primary key autoincrement, \`group_id\` integer not null, \`image_name\` text not null, \`digest\` text not null, \`content_type\` text not null, \`size\` bigint not null, \`payload\` blob not null, \`read_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`dependency_proxy_manifests_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`dependency_proxy_manifests_group_id_index\` on \`dependency_proxy_manifests\` (\`group_id\`);`);
    this.addSql(`create index \`dependency_proxy_manifests_read_at_index\` on \`dependency_proxy_manifests\` (\`read_at\`);`);
    this.addSql(`create unique index \`dependency_proxy_manifests_group_id_image_name_digest_unique\` on \`dependency_proxy_manifests\` (\`group_id\`, \`image_name\`, \`digest\`);`);

    this.addSql(`create table \`dependency_proxy_image_ttl_group_policies\` (\`id\` integer not null primary key autoincrement, \`group_id\` integer not null, \`enabled\` integer not null default true, \`ttl\` integer not null default 90, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`dependency_proxy_image_ttl_group_policies_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`dependency_proxy_image_ttl_group_policies_group_id_index\` on \`dependency_proxy_image_ttl_group_policies\` (\`group_id\`);`);
    this.addSql(`create unique index \`dependency_proxy_image_ttl_group_policies_group_id_unique\` on \`dependency_proxy_image_ttl_group_policies\` (\`group_id\`);`);

    this.addSql(`create table \`dependency_proxy_group_settings\` (\`id\` integer not null primary key autoincrement, \`group_id\` integer not null, \`enabled\` integer not null default true, \`identity\` text null, \`secret_encrypted\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`dependency_proxy_group_settings_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`dependency_proxy_group_settings_group_id_index\` on \`dependency_proxy_group_settings\` (\`group_id\`);`);
    this.addSql(`create unique index \`dependency_proxy_group_settings_group_id_unique\` on \`dependency_proxy_group_settings\` (\`group_id\`);`);

    this.addSql(`create table \`dependency_proxy_blobs\` (\`id\` integer not null primary key autoincrement, \`group_id\` integer not null, \`blob_id\` integer not null, \`read_at\` datetime not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`dependency_proxy_blobs_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade, constraint \`dependency_proxy_blobs_blob_id_foreign\` foreign key(\`blob_id\`) references \`blobs\`(\`id\`) on delete restrict on update cascade);`);
    this.addSql(`create index \`dependency_proxy_blobs_group_id_index\` on \`dependency_proxy_blobs\` (\`group_id\`);`);
    this.addSql(`create index \`dependency_proxy_blobs_read_at_index\` on \`dependency_proxy_blobs\` (\`read_at\`);`);
    this.addSql(`create index \`dependency_proxy_blobs_blob_id_index\` on \`dependency_proxy_blobs\` (\`blob_id\`);`);
    this.addSql(`create unique index \`dependency_proxy_blobs_group_id_blob_id_unique\` on \`dependency_proxy_blobs\` (\`group_id\`, \`blob_id\`);`);
  }

}
