import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createReceiverApp } from './app.js';
import { ConfigError, readConfig } from './config.js';
import { openDedupStore } from './dedup-store.js';

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const dedup = config.dedupStoreUrl ? openDedupStore(config.dedupStoreUrl) : undefined;
const { app } = createReceiverApp({
  keys: config.keys,
  store: dedup?.store,
  handlerDelayMs: config.handlerDelayMs,
  failOnceTicketId: config.failOnceTicketId,
});
const server = app.listen(config.port, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
console.log(`listening on http://127.0.0.1:${port}`);

let stopping = false;
// `on`, not `once`: a supervisor and tsx may both relay the signal, and a second one must not kill us.
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  console.log('SIGTERM: finishing requests in flight, then exiting');
  // A handler still running past 10 s is cut off; its claim's lease expires and the retry is processed.
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(async () => {
    await dedup?.close();
    console.log('stopped');
    process.exit(0);
  });
  // Keep-alive connections turn idle as their last response ends: close them as they do.
  setInterval(() => server.closeIdleConnections(), 50).unref();
});
