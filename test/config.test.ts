import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.js';

test('defaults are the embedded profile', () => {
  const c = loadConfig({});
  assert.equal(c.port, 5000);
  assert.equal(c.publicUrl, 'http://localhost:5000');
  assert.equal(c.database.kind, 'sqlite');
  assert.match(c.database.kind === 'sqlite' ? c.database.path : '', /data\/berth\.sqlite$/);
  assert.match(c.storagePath, /data\/storage$/);
  assert.equal(c.storageDriver, 'filesystem');
  assert.equal(c.redisUrl, undefined);
  assert.equal(c.uploadPurgeAgeMs, 7 * 86_400_000);
});

test('production values are read', () => {
  const c = loadConfig({
    BERTH_PORT: '8080',
    BERTH_PUBLIC_URL: 'https://registry.example.com/',
    BERTH_DATABASE_URL: 'postgres://u:p@db:5432/berth',
    BERTH_REDIS_URL: 'redis://cache:6379',
    BERTH_UPLOAD_PURGE_AGE: '36h',
  });
  assert.equal(c.port, 8080);
  assert.equal(c.publicUrl, 'https://registry.example.com');
  assert.deepEqual(c.database, { kind: 'postgresql', url: 'postgres://u:p@db:5432/berth' });
  assert.equal(c.redisUrl, 'redis://cache:6379');
  assert.equal(c.uploadPurgeAgeMs, 36 * 3_600_000);
});

test('every bad value gets its own clear message, and passwords are not echoed', () => {
  try {
    loadConfig({
      BERTH_PORT: 'eighty',
      BERTH_PUBLIC_URL: 'ftp://x',
      BERTH_DATABASE_URL: 'mysql://root:hunter2@db/x',
      BERTH_STORAGE_DRIVER: 'floppy',
      BERTH_REDIS_URL: 'http://cache',
      BERTH_LOG_LEVEL: 'loud',
      BERTH_UPLOAD_PURGE_AGE: 'a week',
      BERTH_NATIVE_SEND: 'fast',
    });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.equal(err.problems.length, 8, text);
    for (const name of [
      'BERTH_PORT',
      'BERTH_PUBLIC_URL',
      'BERTH_DATABASE_URL',
      'BERTH_STORAGE_DRIVER',
      'BERTH_REDIS_URL',
      'BERTH_LOG_LEVEL',
      'BERTH_UPLOAD_PURGE_AGE',
      'BERTH_NATIVE_SEND',
    ]) {
      assert.match(text, new RegExp(name));
    }
    assert.doesNotMatch(text, /hunter2/);
  }
});

test('npm start refuses a bad configuration with exit code 2 and the message', () => {
  try {
    execFileSync(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, BERTH_PORT: '99999' },
      stdio: 'pipe',
    });
    assert.fail('expected a non-zero exit');
  } catch (err) {
    const e = err as { status: number; stderr: Buffer };
    assert.equal(e.status, 2);
    assert.match(e.stderr.toString(), /BERTH_PORT="99999" is not a TCP port/);
  }
});

test('registry token settings: defaults, and bad values refused with the rule', () => {
  const c = loadConfig({});
  assert.equal(c.registryTokenTtlMs, 15 * 60_000);
  assert.equal(c.uploadTokenGraceMs, 3_600_000);
  assert.equal(c.registryService, 'container_registry');
  assert.equal(c.registryIssuer, 'berth-issuer');
  assert.equal(c.adminPassword, undefined);
  assert.equal(c.publicUrlSet, false);
  assert.equal(loadConfig({ BERTH_PUBLIC_URL: 'https://r.example' }).publicUrlSet, true);
  try {
    loadConfig({
      BERTH_REGISTRY_TOKEN_TTL: '10s',
      BERTH_UPLOAD_TOKEN_GRACE: '2d',
      BERTH_ADMIN_PASSWORD: 'short',
    });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    assert.match(text, /BERTH_REGISTRY_TOKEN_TTL must be between 1m and 24h/);
    assert.match(text, /BERTH_UPLOAD_TOKEN_GRACE must be at most 24h/);
    assert.match(text, /BERTH_ADMIN_PASSWORD must be at least 8 characters/);
    assert.doesNotMatch(text, /short/, 'the password itself is not echoed');
  }
});

test('BERTH_HASH_THREADS: unset = chosen at start, 0..16 taken, anything else refused', () => {
  assert.equal(loadConfig({}).hashThreads, undefined);
  assert.equal(loadConfig({ BERTH_HASH_THREADS: '0' }).hashThreads, 0);
  assert.equal(loadConfig({ BERTH_HASH_THREADS: '3' }).hashThreads, 3);
  for (const bad of ['-1', '1.5', 'two', '17']) {
    assert.throws(
      () => loadConfig({ BERTH_HASH_THREADS: bad }),
      (err: unknown) =>
        err instanceof ConfigError && /BERTH_HASH_THREADS="[^"]+" must be a whole number/.test(err.message),
      bad,
    );
  }
});
