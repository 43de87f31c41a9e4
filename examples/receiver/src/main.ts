import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createReceiverApp } from './app.js';
import { ConfigError, readConfig } from './config.js';
import { openDedupStore } from './dedup-store.js';
import { createServer } from './server.js';

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const dedup = config.dedupStoreUrl ? openDedupStore(config.dedupStoreUrl) : undefined;
if (config.acceptSha1Only && dedup === undefined) {
  console.warn(
    'HOOKDESK_ACCEPT_SHA1_ONLY=1 without HOOKDESK_DEDUP_STORE: X-Hookdesk-Signature covers no time, and processed uuids kept in memory are forgotten on restart, so a captured request replayed then is processed again. Set HOOKDESK_DEDUP_STORE=redis://….',
  );
}
const { app } = createReceiverApp({
  keys: config.keys,
  store: dedup?.store,
  acceptSha1Only: config.acceptSha1Only,
  leaseMs: config.leaseMs,
  handlerDelayMs: config.handlerDelayMs,
  failOnceTicketId: config.failOnceTicketId,
});
const server = createServer(app).listen(config.port, '127.0.0.1');
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
