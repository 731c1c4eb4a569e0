/** `node dist/bench/relay-main.js <upstream URL> <bytes per second>`: the bench's paced relay (relay.ts). */
import { relayUrl, serveRelay } from './relay.js';

const [target, rate] = process.argv.slice(2);
if (!target || !rate) {
  console.error('usage: relay-main.js <upstream URL> <bytes per second>');
  process.exit(2);
}
const server = await serveRelay(target, Number(rate));
console.log(relayUrl(server));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
