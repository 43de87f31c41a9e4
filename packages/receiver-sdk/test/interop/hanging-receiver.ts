// A receiver process whose handler never returns: the test kills it with SIGKILL mid-handler.
// Usage: hanging-receiver.ts REDIS_URL KEY_PREFIX LEASE_MS KEY
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { createReceiver, nodeReceiver } from '../../src/index.js';

const [redisUrl, keyPrefix, leaseMs, key] = process.argv.slice(2) as [string, string, string, string];
const client = createClient({ url: redisUrl });
await client.connect();
const receiver = createReceiver({
  keys: key,
  store: client,
  keyPrefix,
  leaseMs: Number(leaseMs),
  handler: (event) => {
    process.stdout.write(`handling ${event.uuid}\n`);
    return new Promise(() => {});
  },
});
const server = http.createServer(nodeReceiver(receiver)).listen(0, '127.0.0.1', () => {
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
});
