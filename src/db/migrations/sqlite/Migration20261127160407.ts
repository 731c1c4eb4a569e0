import { Migration } from '@mikro-orm/migrations';

export class Migration20261127160407 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`deploy_tokens\` (\`id\` integer not null primary key autoincrement, \`project_id\` integer null, \`group_id\` integer null, \`name\` text not null, \`username\` text not null, \`token_digest\` text not null, \`scopes\` json not null, \`expires_at\` datetime null, \`revoked_at\` datetime null, \`created_at\` datetime not null, constraint \`deploy_tokens_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade, constraint \`deploy_tokens_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`deploy_tokens_project_id_index\` on \`deploy_tokens\` (\`project_id\`);`);
    this.addSql(`create index \`deploy_tokens_group_id_index\` on \`deploy_tokens\` (\`group_id\`);`);
    this.addSql(`create unique index \`deploy_tokens_username_unique\` on \`deploy_tokens\` (\`username\`);`);
    this.addSql(`create unique index \`deploy_tokens_token_digest_unique\` on \`deploy_tokens\` (\`token_digest\`);`);

    this.addSql(`create table \`container_tag_protection_rules\` (\`id\` integer not null primary key autoincrement, \`project_id\` integer not null, \`tag_name_pattern\` text not null, \`minimum_access_level_for_push\` text check (\`minimum_access_level_for_push\` in ('maintainer', 'owner', 'admin')) not null, \`minimum_access_level_for_delete\` text check (\`minimum_access_level_for_delete\` in ('maintainer', 'owner', 'admin')) not null, \`created_at\` datetime not null, constraint \`container_tag_protection_rules_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`container_tag_protection_rules_project_id_index\` on \`container_tag_protection_rules\` (\`project_id\`);`);
    this.addSql(`create unique index \`container_tag_protection_rules_project_id_tag_name_pattern_unique\` on \`container_tag_protection_rules\` (\`project_id\`, \`tag_name_pattern\`);`);

    this.addSql(`create table \`container_repository_protection_rules\` (\`id\` integer not null primary key autoincrement, \`project_id\` integer not null, \`repository_path_pattern\` text not null, \`minimum_access_level_for_push\` text check (\`minimum_access_level_for_push\` in ('maintainer', 'owner', 'admin')) null, \`minimum_access_level_for_delete\` text check (\`minimum_access_level_for_delete\` in ('maintainer', 'owner', 'admin')) null, \`created_at\` datetime not null, constraint \`container_repository_protection_rules_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`container_repository_protection_rules_project_id_index\` on \`container_repository_protection_rules\` (\`project_id\`);`);
    this.addSql(`create unique index \`container_repository_protection_rules_project_id_repository_path_pattern_unique\` on \`container_repository_protection_rules\` (\`project_id\`, \`repository_path_pattern\`);`);

    this.addSql(`create table \`signing_keys\` (\`kid\` text not null, \`algorithm\` text not null, \`private_key_pem\` text not null, \`public_key_pem\` text not null, \`created_at\` datetime not null, primary key (\`kid\`));`);

    this.addSql(`create table \`users\` (\`id\` integer not null primary key autoincrement, \`username\` text not null, \`email\` text not null, \`name\` text not null, \`password_hash\` text not null, \`admin\` integer not null default false, \`state\` text check (\`state\` in ('active', 'blocked')) not null default 'active', \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`users_username_unique\` on \`users\` (\`username\`);`);
    this.addSql(`create unique index \`users_email_unique\` on \`users\` (\`email\`);`);

    this.addSql(`create table \`personal_access_tokens\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`name\` text not null, \`token_digest\` text not null, \`scopes\` json not null, \`expires_at\` datetime null, \`revoked_at\` datetime null, \`last_used_at\` datetime null, \`created_at\` datetime not null, constraint \`personal_access_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`personal_access_tokens_user_id_index\` on \`personal_access_tokens\` (\`user_id\`);`);
    this.addSql(`create unique index \`personal_access_tokens_token_digest_unique\` on \`personal_access_tokens\` (\`token_digest\`);`);

    this.addSql(`create table \`members\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`group_id\` integer null, \`project_id\` integer null, \`access_level\` integer not null, \`expires_at\` datetime null, \`created_at\` datetime not null, constraint \`members_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`members_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade, constraint \`members_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`members_user_id_index\` on \`members\` (\`user_id\`);`);
    this.addSql(`create index \`members_group_id_index\` on \`members\` (\`group_id\`);`);
    this.addSql(`create index \`members_project_id_index\` on \`members\` (\`project_id\`);`);
    this.addSql(`create unique index \`members_user_id_project_id_unique\` on \`members\` (\`user_id\`, \`project_id\`);`);
    this.addSql(`create unique index \`members_user_id_group_id_unique\` on \`members\` (\`user_id\`, \`group_id\`);`);

    this.addSql(`create table \`ci_job_tokens\` (\`id\` integer not null primary key autoincrement, \`project_id\` integer not null, \`user_id\` integer not null, \`token_digest\` text not null, \`expires_at\` datetime not null, \`revoked_at\` datetime null, \`created_at\` datetime not null, constraint \`ci_job_tokens_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade, constraint \`ci_job_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`ci_job_tokens_project_id_index\` on \`ci_job_tokens\` (\`project_id\`);`);
    this.addSql(`create index \`ci_job_tokens_user_id_index\` on \`ci_job_tokens\` (\`user_id\`);`);
    this.addSql(`create unique index \`ci_job_tokens_token_digest_unique\` on \`ci_job_tokens\` (\`token_digest\`);`);

    this.addSql(`alter table \`projects\` add column \`container_registry_access_level\` text check (\`container_registry_access_level\` in ('enabled', 'private', 'disabled')) not null default 'enabled';`);

    this.addSql(`alter table \`uploads\` add column \`owner\` text null;`);
  }

}
