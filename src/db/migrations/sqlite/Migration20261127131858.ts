import { Migration } from '@mikro-orm/migrations';

export class Migration20261127131858 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`blobs\` (\`id\` integer not null primary key autoincrement, \`digest\` text not null, \`size\` bigint not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`blobs_digest_unique\` on \`blobs\` (\`digest\`);`);

    this.addSql(`create table \`groups\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`path\` text not null, \`full_path\` text not null, \`parent_id\` integer null, \`created_at\` datetime not null, constraint \`groups_parent_id_foreign\` foreign key(\`parent_id\`) references \`groups\`(\`id\`) on delete restrict on update cascade);`);
    this.addSql(`create unique index \`groups_full_path_unique\` on \`groups\` (\`full_path\`);`);
    this.addSql(`create index \`groups_parent_id_index\` on \`groups\` (\`parent_id\`);`);

    this.addSql(`create table \`projects\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`path\` text not null, \`full_path\` text not null, \`group_id\` integer not null, \`visibility\` text check (\`visibility\` in ('private', 'internal', 'public')) not null default 'private', \`created_at\` datetime not null, constraint \`projects_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete restrict on update cascade);`);
    this.addSql(`create unique index \`projects_full_path_unique\` on \`projects\` (\`full_path\`);`);
    this.addSql(`create index \`projects_group_id_index\` on \`projects\` (\`group_id\`);`);

    this.addSql(`create table \`container_repositories\` (\`id\` integer not null primary key autoincrement, \`project_id\` integer not null, \`name\` text not null, \`path\` text not null, \`created_at\` datetime not null, constraint \`container_repositories_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`container_repositories_project_id_index\` on \`container_repositories\` (\`project_id\`);`);
    this.addSql(`create unique index \`container_repositories_path_unique\` on \`container_repositories\` (\`path\`);`);
    this.addSql(`create unique index \`container_repositories_project_id_name_unique\` on \`container_repositories\` (\`project_id\`, \`name\`);`);

    this.addSql(`create table \`manifests\` (\`id\` integer not null primary key autoincrement, \`repository_id\` integer not null, \`digest\` text not null, \`media_type\` text not null, \`size\` bigint not null, \`config_digest\` text null, \`config_media_type\` text null, \`subject_digest\` text null, \`artifact_type\` text null, \`payload\` blob not null, \`created_at\` datetime not null, constraint \`manifests_repository_id_foreign\` foreign key(\`repository_id\`) references \`container_repositories\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`manifests_repository_id_index\` on \`manifests\` (\`repository_id\`);`);
    this.addSql(`create index \`manifests_repository_id_subject_digest_index\` on \`manifests\` (\`repository_id\`, \`subject_digest\`);`);
    this.addSql(`create unique index \`manifests_repository_id_digest_unique\` on \`manifests\` (\`repository_id\`, \`digest\`);`);

    this.addSql(`create table \`manifest_references\` (\`parent_id\` integer not null, \`child_id\` integer not null, constraint \`manifest_references_parent_id_foreign\` foreign key(\`parent_id\`) references \`manifests\`(\`id\`) on delete cascade on update cascade, constraint \`manifest_references_child_id_foreign\` foreign key(\`child_id\`) references \`manifests\`(\`id\`) on delete restrict on update cascade, primary key (\`parent_id\`, \`child_id\`));`);
    this.addSql(`create index \`manifest_references_parent_id_index\` on \`manifest_references\` (\`parent_id\`);`);
    this.addSql(`create index \`manifest_references_child_id_index\` on \`manifest_references\` (\`child_id\`);`);

    this.addSql(`create table \`manifest_blobs\` (\`manifest_id\` integer not null, \`blob_id\` integer not null, \`role\` text not null, constraint \`manifest_blobs_manifest_id_foreign\` foreign key(\`manifest_id\`) references \`manifests\`(\`id\`) on delete cascade on update cascade, constraint \`manifest_blobs_blob_id_foreign\` foreign key(\`blob_id\`) references \`blobs\`(\`id\`) on delete restrict on update cascade, primary key (\`manifest_id\`, \`blob_id\`));`);
    this.addSql(`create index \`manifest_blobs_manifest_id_index\` on \`manifest_blobs\` (\`manifest_id\`);`);
    this.addSql(`create index \`manifest_blobs_blob_id_index\` on \`manifest_blobs\` (\`blob_id\`);`);

    this.addSql(`create table \`repository_blobs\` (\`repository_id\` integer not null, \`blob_id\` integer not null, \`created_at\` datetime not null, constraint \`repository_blobs_repository_id_foreign\` foreign key(\`repository_id\`) references \`container_repositories\`(\`id\`) on delete cascade on update cascade, constraint \`repository_blobs_blob_id_foreign\` foreign key(\`blob_id\`) references \`blobs\`(\`id\`) on delete restrict on update cascade, primary key (\`repository_id\`, \`blob_id\`));`);
    this.addSql(`create index \`repository_blobs_repository_id_index\` on \`repository_blobs\` (\`repository_id\`);`);
    this.addSql(`create index \`repository_blobs_blob_id_index\` on \`repository_blobs\` (\`blob_id\`);`);

    this.addSql(`create table \`tags\` (\`id\` integer not null primary key autoincrement, \`repository_id\` integer not null, \`name\` text not null, \`manifest_id\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`tags_repository_id_foreign\` foreign key(\`repository_id\`) references \`container_repositories\`(\`id\`) on delete cascade on update cascade, constraint \`tags_manifest_id_foreign\` foreign key(\`manifest_id\`) references \`manifests\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`tags_repository_id_index\` on \`tags\` (\`repository_id\`);`);
    this.addSql(`create index \`tags_manifest_id_index\` on \`tags\` (\`manifest_id\`);`);
    this.addSql(`create unique index \`tags_repository_id_name_unique\` on \`tags\` (\`repository_id\`, \`name\`);`);

    this.addSql(`create table \`uploads\` (\`id\` text not null, \`repository_id\` integer not null, \`size\` bigint not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`uploads_repository_id_foreign\` foreign key(\`repository_id\`) references \`container_repositories\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`uploads_repository_id_index\` on \`uploads\` (\`repository_id\`);`);
  }

}
