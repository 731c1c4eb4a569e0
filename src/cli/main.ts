/**
 * Admin CLI, on the same configuration (BERTH_DATABASE_URL …) as the server:
 *   npm run berth -- group create <path> [--name <name>]
 *   npm run berth -- group list
 *   npm run berth -- project create <group/…/project> [--name <name>] [--visibility private|internal|public]
 *   npm run berth -- project list
 *   npm run berth -- project set <path> [--visibility …] [--registry-access enabled|private|disabled]
 *   npm run berth -- repository list
 *   npm run berth -- user create|block|unblock|password|list …
 *   npm run berth -- member add|remove …
 *   npm run berth -- token create pat|deploy|job …, token revoke pat|deploy|job <id>
 *   npm run berth -- protection add-repository|add-tag|list|remove …
 * Secrets (tokens, generated passwords) are printed once, on standard output, and stored only hashed.
 */
import { IdentityService } from '../auth/identity.service.js';
import { randomPassword } from '../auth/secrets.js';
import { createChangeBus } from '../cache/change-bus.js';
import { ConfigError, loadConfig, parseDuration } from '../config/config.js';
import { ContainerRepository } from '../db/entities/container-repository.entity.js';
import { initOrm } from '../db/orm.js';
import { RegistryStore } from '../db/registry-store.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { NamespacesService } from '../domain/namespaces.service.js';
import { ProtectionService } from '../domain/protection.service.js';

const USAGE = `usage: npm run berth -- <command>
  group create <path> [--name <name>] [--visibility private|internal|public]
  group list
  project create <group/…/project> [--name <name>] [--visibility private|internal|public]
  project list
  project set <path> [--visibility private|internal|public] [--registry-access enabled|private|disabled]
  repository list
  user create <username> [--email <email>] [--name <name>] [--password <pw>] [--admin]
  user block|unblock <username>
  user password <username> [--password <pw>]
  user list
  member add <username> <group or project path> guest|reporter|developer|maintainer|owner [--expires <date>]
  member remove <username> <group or project path>
  token create pat <username> --name <name> --scopes api,read_registry,… [--expires <date>]
  token create deploy <group or project path> --name <name> --scopes read_registry,write_registry [--username <u>] [--expires <date>]
  token create job <project path> --issuer <maintainer> [--user <username>] [--ttl 1h]
  token revoke pat|deploy|job <id>
  protection add-repository <project> <path pattern with *> [--push maintainer|owner|admin] [--delete …]
  protection add-tag <project> <RE2 tag pattern> --push maintainer|owner|admin --delete …
  protection list <project>
  protection remove repository|tag <id>
  gc run [--stopped]           review what garbage collection has queued and is due, now (the server does
                               this every BERTH_GC_INTERVAL); without BERTH_REDIS_URL only while berth is
                               stopped (--stopped says so), since uploads and collection share a lock`;

function date(raw: string): Date {
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw new ValidationError(`"${raw}" is not a date (write e.g. 2027-01-31)`);
  return d;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
}

async function run(args: string[]): Promise<number> {
  const [noun, verb, target, extra, third] = args;
  if (!noun || !verb) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const db = await initOrm(config.database);
  // With BERTH_REDIS_URL, running servers hear of every change at once (otherwise within a second).
  const bus = await createChangeBus(config.redisUrl, () => undefined);
  const changed = () => bus.publish('access');
  try {
    const gc = new RegistryStore(db.em.getKnex(), db.dialect, { gcReviewDelayMs: config.gcReviewDelayMs });
    const ns = new NamespacesService(db.em.fork(), changed, gc);
    const ids = new IdentityService(db.em.fork(), changed);
    const rules = new ProtectionService(db.em.fork(), changed);
    switch (`${noun} ${verb}`) {
      case 'group create': {
        if (!target) break;
        const g = await ns.createGroup(target, option(args, 'name'), option(args, 'visibility'));
        console.log(`created group ${g.fullPath} (${g.visibility})`);
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
      case 'project set': {
        if (!target) break;
        const p = await ns.updateProject(target, {
          visibility: option(args, 'visibility'),
          registryAccessLevel: option(args, 'registry-access'),
        });
        console.log(`project ${p.fullPath}: visibility ${p.visibility}, registry ${p.containerRegistryAccessLevel}`);
        return 0;
      }
      case 'user create': {
        if (!target) break;
        const given = option(args, 'password');
        const password = given ?? randomPassword();
        const u = await ids.createUser({
          username: target,
          email: option(args, 'email'),
          name: option(args, 'name'),
          password,
          admin: args.includes('--admin'),
        });
        console.log(`created user ${u.username}${u.admin ? ' (administrator)' : ''}`);
        if (!given) console.log(`password: ${password}`);
        return 0;
      }
      case 'user block':
      case 'user unblock':
        if (!target) break;
        await ids.setBlocked(target, verb === 'block');
        console.log(`${verb}ed ${target}`);
        return 0;
      case 'user password': {
        if (!target) break;
        const given = option(args, 'password');
        const password = given ?? randomPassword();
        await ids.setPassword(target, password);
        console.log(given ? `password of ${target} changed` : `password of ${target}: ${password}`);
        return 0;
      }
      case 'user list': {
        const { User } = await import('../db/entities/user.entity.js');
        for (const u of await db.em.fork().find(User, {}, { orderBy: { username: 'asc' } })) {
          console.log(`${u.username}\t${u.email}\t${u.state}${u.admin ? '\tadmin' : ''}`);
        }
        return 0;
      }
      case 'member add': {
        if (!target || !extra || !third) break;
        const expires = option(args, 'expires');
        await ids.setMember(target, extra, third, expires ? date(expires) : undefined);
        console.log(`${target} is ${third} of ${extra}`);
        return 0;
      }
      case 'member remove':
        if (!target || !extra) break;
        console.log((await ids.removeMember(target, extra)) ? 'removed' : 'no such membership');
        return 0;
      case 'token create': {
        const scopes = (option(args, 'scopes') ?? '').split(',').filter(Boolean);
        const expires = option(args, 'expires');
        const expiresAt = expires ? date(expires) : undefined;
        if (target === 'pat' && extra) {
          const { token, secret } = await ids.createPersonalAccessToken(extra, {
            name: option(args, 'name') ?? 'cli',
            scopes,
            expiresAt,
          });
          console.log(`personal access token ${token.id} for ${extra} (${token.scopes.join(', ')})\n${secret}`);
          return 0;
        }
        if (target === 'deploy' && extra) {
          const { token, secret } = await ids.createDeployToken(extra, {
            name: option(args, 'name') ?? 'cli',
            scopes,
            expiresAt,
            username: option(args, 'username'),
          });
          console.log(`deploy token ${token.id}, username ${token.username} (${token.scopes.join(', ')})\n${secret}`);
          return 0;
        }
        if (target === 'job' && extra) {
          const issuer = option(args, 'issuer');
          if (!issuer) break;
          const problems: string[] = [];
          const ttl = parseDuration('--ttl', option(args, 'ttl') ?? '1h', problems);
          if (problems.length > 0) throw new ValidationError(problems.join('; '));
          const { token, secret } = await ids.createJobToken(issuer, extra, {
            username: option(args, 'user'),
            ttlMs: ttl,
          });
          console.log(`job token ${token.id} for ${extra}, expires ${token.expiresAt.toISOString()}\n${secret}`);
          return 0;
        }
        break;
      }
      case 'token revoke': {
        if ((target !== 'pat' && target !== 'deploy' && target !== 'job') || !extra) break;
        console.log((await ids.revoke(target, Number(extra))) ? 'revoked' : 'no such active token');
        return 0;
      }
      case 'protection add-repository': {
        if (!target || !extra) break;
        const r = await rules.addRepositoryRule(target, {
          pattern: extra,
          push: option(args, 'push'),
          delete: option(args, 'delete'),
        });
        console.log(`repository rule ${r.id}: ${r.repositoryPathPattern}`);
        return 0;
      }
      case 'protection add-tag': {
        if (!target || !extra) break;
        const r = await rules.addTagRule(target, {
          pattern: extra,
          push: option(args, 'push') ?? '',
          delete: option(args, 'delete') ?? '',
        });
        console.log(`tag rule ${r.id}: ${r.tagNamePattern}`);
        return 0;
      }
      case 'protection list': {
        if (!target) break;
        const { repository, tags } = await rules.list(target);
        for (const r of repository) {
          console.log(
            `repository ${r.id}\t${r.repositoryPathPattern}\tpush ${r.minimumAccessLevelForPush ?? '-'}\tdelete ${r.minimumAccessLevelForDelete ?? '-'}`,
          );
        }
        for (const r of tags) {
          console.log(
            `tag ${r.id}\t${r.tagNamePattern}\tpush ${r.minimumAccessLevelForPush}\tdelete ${r.minimumAccessLevelForDelete}`,
          );
        }
        return 0;
      }
      case 'protection remove': {
        if ((target !== 'repository' && target !== 'tag') || !extra) break;
        console.log((await rules.remove(target, Number(extra))) ? 'removed' : 'no such rule');
        return 0;
      }
      case 'gc run': {
        if (!config.redisUrl && !args.includes('--stopped')) {
          throw new ValidationError(
            'without BERTH_REDIS_URL, run garbage collection here only while berth is stopped, and say so with --stopped',
          );
        }
        const { createDriver } = await import('../storage/factory.js');
        const { createLocks } = await import('../cache/locks.js');
        const { GarbageCollector, GcMetrics } = await import('../gc/collector.js');
        const { createLogger } = await import('../observability/logger.js');
        const driver = createDriver(config.storageDriver, { path: config.storagePath });
        const locks = await createLocks(config.redisUrl, () => undefined);
        try {
          const collector = new GarbageCollector({
            knex: db.em.getKnex(),
            dialect: db.dialect,
            driver,
            locks,
            store: gc,
            log: createLogger('warn'),
            metrics: new GcMetrics(),
          });
          const r = await collector.collect();
          const q = await collector.queued();
          console.log(
            `deleted ${r.manifests} manifests and ${r.blobs} blobs (${r.bytes} bytes); ${q.manifests} manifests and ${q.blobs} blobs wait for their review time`,
          );
        } finally {
          await locks.close();
          await driver.close?.();
        }
        return 0;
      }
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
    await bus.close();
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
