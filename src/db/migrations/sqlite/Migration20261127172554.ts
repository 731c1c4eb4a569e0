import { Migration } from '@mikro-orm/migrations';

export class Migration20261127172554 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`container_repositories\` add column \`status\` varchar(255) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`container_repositories\` drop column \`status\`;`);
  }

}
