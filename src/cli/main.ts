/**
 * Admin CLI, on the same configuration (BERTH_DATABASE_URL …) as the server:
 *   npm run berth -- group create <path> [--name <name>]
 *   npm run berth -- group list
 *   npm run berth -- project create <group/…/project> [--name <name>] [--visibility private|internal|public]
 *   npm run berth -- project list
 *   npm run berth -- repository list
 */
import { ConfigError, loadConfig } from '../config/config.js';
import { ContainerRepository } from '../db/entities/container-repository.entity.js';
import { initOrm } from '../db/orm.js';
import { RegistryStore } from '../db/registry-store.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { NamespacesService } from '../domain/namespaces.service.js';

const USAGE = `usage: npm run berth -- <command>
  group create <path> [--name <name>]
  group list
  project create <group/…/project> [--name <name>] [--visibility private|internal|public]
  project list
  repository list`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}

async function run(args: string[]): Promise<number> {
  const [noun, verb, target] = args;
  if (!noun || !verb) {
    console.error(USAGE);
    return 2;
  }
  const db = await initOrm(loadConfig().database);
  try {
    const ns = new NamespacesService(db.em.fork());
    switch (`${noun} ${verb}`) {
      case 'group create': {
        if (!target) break;
        const g = await ns.createGroup(target, option(args, 'name'));
        console.log(`created group ${g.fullPath}`);
        return 0;
      }
      case 'group list':
        for (const g of await ns.listGroups()) console.log(g.fullPath);
        return 0;
      case 'project create': {
        if (!target) break;
        const p = await ns.createProject(target, {
          name: option(args, 'name'),
          visibility: option(args, 'visibility'),
        });
        console.log(`created project ${p.fullPath} (${p.visibility})`);
        return 0;
      }
      case 'project list':
        for (const p of await ns.listProjects()) console.log(`${p.fullPath}\t${p.visibility}`);
        return 0;
      case 'repository list': {
        const store = new RegistryStore(db.em.getKnex(), db.dialect);
        const repos = await db.em.fork().find(ContainerRepository, {}, { orderBy: { path: 'asc' } });
        for (const r of repos) console.log(`${r.path}\t${await store.repositorySize(r.id)} bytes`);
        return 0;
      }
    }
    console.error(USAGE);
    return 2;
  } finally {
    await db.orm.close();
  }
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  if (
    err instanceof ConfigError ||
    err instanceof ValidationError ||
    err instanceof NotFoundError ||
    err instanceof ConflictError
  ) {
    console.error(`berth: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
