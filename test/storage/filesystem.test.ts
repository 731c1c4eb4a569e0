import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemDriver } from '../../src/storage/filesystem/driver.js';
import { driverSuite } from './driver.suite.js';

driverSuite('filesystem', async () => new FilesystemDriver(mkdtempSync(join(tmpdir(), 'berth-fs-'))));
