import http from 'node:http';
import type { Express } from 'express';

/**
 * How long a request's body may take once its headers are in (the SDK's `bodyTimeoutMs`): a Hookdesk
 * sender writes the whole body at once, and gives up on an attempt after 15 s.
 */
export const BODY_TIMEOUT_MS = 5_000;

/**
 * Bounds on the server itself, so a client that stalls in its headers or body, or idles on a
 * keep-alive connection, cannot hold a socket open (Node's defaults: 60 s, 5 min, checked every 30 s).
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 5_000,
  requestTimeout: 15_000,
  // How often Node enforces the two above.
  connectionsCheckingInterval: 1_000,
  keepAliveTimeout: 5_000,
} as const;

/** The example's HTTP server: the app under `SERVER_TIMEOUTS`. */
export function createServer(app: Express): http.Server {
  const { keepAliveTimeout, ...options } = SERVER_TIMEOUTS;
  const server = http.createServer(options, app);
  server.keepAliveTimeout = keepAliveTimeout;
  return server;
}
