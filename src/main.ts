/** `npm start`: load the configuration, build berth, listen, and shut down cleanly on SIGTERM/SIGINT. */
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig, redact } from './config/config.js';
import { nativeSend } from './storage/filesystem/native-send.js';
import { VERSION } from './version.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`berth: ${err.message}`);
    process.exit(2);
  }
  throw err;
}

let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp(config);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`berth: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
const bound = await app.listen();
const port = new URL(bound).port;
const dbText =
  config.database.kind === 'sqlite' ? `SQLite ${config.database.path}` : `PostgreSQL ${redact(config.database.url)}`;
app.log.info(
  { version: VERSION, url: config.publicUrl, database: config.database.kind, storage: config.storageDriver },
  'berth started',
);
console.log(`berth ${VERSION} listening on ${config.host}:${port} (public URL ${config.publicUrl})
  database: ${dbText}
  storage:  ${config.storageDriver} ${config.storageDriver === 'filesystem' ? `${config.storagePath} (${sendLoopText(config)})` : ''}
  registry: ${config.publicUrl}/v2/    GraphQL: ${config.publicUrl}/graphql
  Images live in projects: create one with
    npm run berth -- group create mygroup
    npm run berth -- project create mygroup/myproject
  then push to ${new URL(config.publicUrl).host}/mygroup/myproject/<image>:<tag>`);
const host = new URL(config.publicUrl).host;
if (app.bootstrap.created) {
  console.log(`
  First start: created the administrator "root".`);
  if (app.bootstrap.generated) {
    console.log(`  Its password, shown this once (change it with npm run berth -- user password root):
    ${app.bootstrap.generated}`);
  } else {
    console.log('  Its password is the one in BERTH_ADMIN_PASSWORD.');
  }
  console.log(`  Sign in:  skopeo login --tls-verify=false -u root ${host}   (or docker/podman login)
  Better, a token:  npm run berth -- token create pat root --name cli --scopes api`);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'berth stopping');
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

function sendLoopText(c: Config): string {
  if (c.nativeSend === 'off') return 'downloads: JavaScript loop, BERTH_NATIVE_SEND=off';
  return nativeSend() ? 'downloads: native send loop' : 'downloads: JavaScript loop, the native addon is not built';
}
