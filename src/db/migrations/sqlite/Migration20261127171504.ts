import { Migration } from '@mikro-orm/migrations';

export class Migration20261127171504 extends Migration {

  override async up(): Promise<void> {
    // Only the new column: the generator's table rebuilds for unchanged tables are left out.
    this.addSql(`alter table \`groups\` add column \`visibility\` text check (\`visibility\` in ('private', 'internal', 'public')) not null default 'private';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`groups\` drop column \`visibility\`;`);
  }

}
