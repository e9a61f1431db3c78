// The embedded broker alone in a child process, so a test can read its memory from /proc without the
// test's own buffers in the figure. Prints {"port":N} once listening, then one {"refused":reason} line
// per refusal; stops on SIGTERM.
import { silentLogger } from '../../server/src/adapters/logger.js';
import { startEmbeddedBroker } from '../../server/src/adapters/mqtt/embedded-broker.js';

const broker = await startEmbeddedBroker({
  host: '127.0.0.1', port: 0, root: 'depots', logger: silentLogger,
  verifyCollector: async () => null,
  onRefused: (reason) => process.stdout.write(`${JSON.stringify({ refused: reason })}\n`),
});
process.stdout.write(`${JSON.stringify({ port: broker.port })}\n`);
process.on('SIGTERM', () => { void broker.close().then(() => process.exit(0)); });
