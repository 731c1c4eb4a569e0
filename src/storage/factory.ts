/** Drivers register by name; the config's BERTH_STORAGE_DRIVER picks one. */
import type { StorageDriver } from './driver.js';
import { FilesystemDriver } from './filesystem/driver.js';
import { InMemoryDriver } from './inmemory/driver.js';

export type DriverParams = {
  path: string;
  /** Downloads through a native send loop where the driver has one (filesystem: when the addon is built). Default true. */
  nativeSend?: boolean;
};
type Factory = (params: DriverParams) => StorageDriver;

const factories = new Map<string, Factory>([
  ['filesystem', (p) => new FilesystemDriver(p.path, { nativeSend: p.nativeSend ?? true })],
  ['inmemory', () => new InMemoryDriver()],
]);

export const DRIVER_NAMES = [...factories.keys()];

export function createDriver(name: string, params: DriverParams): StorageDriver {
  const factory = factories.get(name);
  if (!factory) throw new Error(`unknown storage driver "${name}" (known: ${DRIVER_NAMES.join(', ')})`);
  return factory(params);
}
