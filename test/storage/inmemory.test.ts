import { InMemoryDriver } from '../../src/storage/inmemory/driver.js';
import { driverSuite } from './driver.suite.js';

driverSuite('inmemory', async () => new InMemoryDriver());
