import { Migration } from '@mikro-orm/migrations';

export class Migration20261127203816 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`gc_blob_review_queue\` (\`digest\` text not null, \`review_after\` datetime not null, \`event\` text not null, primary key (\`digest\`));`);
    this.addSql(`create index \`gc_blob_review_queue_review_after_index\` on \`gc_blob_review_queue\` (\`review_after\`);`);

    this.addSql(`create table \`gc_manifest_review_queue\` (\`manifest_id\` integer not null, \`review_after\` datetime not null, \`event\` text not null, constraint \`gc_manifest_review_queue_manifest_id_foreign\` foreign key(\`manifest_id\`) references \`manifests\`(\`id\`) on delete cascade on update cascade, primary key (\`manifest_id\`));`);
    this.addSql(`create index \`gc_manifest_review_queue_review_after_index\` on \`gc_manifest_review_queue\` (\`review_after\`);`);

    this.addSql(`create table \`container_expiration_policies\` (\`id\` integer not null primary key autoincrement, \`project_id\` integer not null, \`enabled\` integer not null default false, \`cadence\` text not null default '1d', \`keep_n\` integer null default 10, \`older_than\` text null default '90d', \`name_regex\` text null, \`name_regex_keep\` text null, \`next_run_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`container_expiration_policies_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`container_expiration_policies_project_id_index\` on \`container_expiration_policies\` (\`project_id\`);`);
    this.addSql(`create unique index \`container_expiration_policies_project_id_unique\` on \`container_expiration_policies\` (\`project_id\`);`);
    this.addSql(`create index \`container_expiration_policies_next_run_at_index\` on \`container_expiration_policies\` (\`next_run_at\`);`);

    this.addSql(`alter table \`container_repositories\` add column \`expiration_policy_cleanup_status\` text not null default 'cleanup_unscheduled';`);
    this.addSql(`alter table \`container_repositories\` add column \`expiration_policy_started_at\` datetime null;`);
    this.addSql(`alter table \`container_repositories\` add column \`expiration_policy_completed_at\` datetime null;`);
    this.addSql(`alter table \`container_repositories\` add column \`last_cleanup_deleted_tags_count\` integer null;`);
  }

}
