#!/usr/bin/env node
/**
 * Builds berth's optional native addon, native/send.c → native/build/send.node (the blob
 * download loop, see src/storage/filesystem/native-send.ts). Runs at `npm install` (postinstall) and as
 * `npm run build:native`. It needs Linux, a C compiler (`cc`, or $CC) and Node's headers (include/node
 * beside the node binary, as every Node.js distribution ships them); nothing is downloaded. When any of
 * that is missing it says so in one line and exits 0: berth then uses its JavaScript copy loop, as
 * before. BERTH_SKIP_NATIVE=1 skips it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'send.c');
const out = join(root, 'native', 'build', 'send.node');
const say = (text) => console.log(`berth: ${text}`);
const without = (why) => {
  say(`native send addon not built (${why}); blob downloads use the event loop and libuv's pool instead.`);
  process.exit(0);
};

if (process.env.BERTH_SKIP_NATIVE) without('BERTH_SKIP_NATIVE is set');
if (process.platform !== 'linux') without(`the native sender is Linux-only, this is ${process.platform}`);
const headers = [
  join(dirname(process.execPath), '..', 'include', 'node'),
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
].find((dir) => dir && existsSync(join(dir, 'node_api.h')));
if (!headers) without(`no node_api.h in ${join(dirname(process.execPath), '..', 'include', 'node')}`);

const cc = process.env.CC || 'cc';
const partial = join(dirname(out), `send.${process.pid}.tmp.node`); // .node: require() loads it as an addon
mkdirSync(dirname(out), { recursive: true });
const args = ['-O2', '-std=gnu11', '-Wall', '-shared', '-fPIC', '-I', headers, '-o', partial, source, '-lpthread'];
const compiled = spawnSync(cc, args, { encoding: 'utf8' });
if (compiled.error || compiled.status !== 0) {
  rmSync(partial, { force: true });
  const detail = compiled.error
    ? compiled.error.message
    : compiled.stderr.trim().split('\n').slice(-3).join(' | ') || `exit status ${compiled.status}`;
  without(`${cc} failed: ${detail}`);
}
// Load it in a fresh process before putting it in place: a module that cannot load is no module.
const loads = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(partial)}).start`], { encoding: 'utf8' });
if (loads.status !== 0) {
  rmSync(partial, { force: true });
  without(`it does not load: ${loads.stderr.trim().split('\n')[0]}`);
}
renameSync(partial, out);
say(`native send addon built (${out}): blob downloads read and send on threads of their own.`);
