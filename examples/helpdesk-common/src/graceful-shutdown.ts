import type { Server } from 'node:http';

/** docs/examples.md: SIGTERM shuts down within 10 s. Requests in flight get most of it, cleanup the rest. */
const DRAIN_MS = 5000;
const HARD_LIMIT_MS = 9500;

/**
 * On SIGTERM or SIGINT: stop accepting connections, let requests in flight finish (closing idle
 * keep-alive connections at once), then run `close` (Hookdesk and the store) and exit 0. What
 * Hookdesk has not sent yet stays in the store and goes out after the next start.
 */
export function exitGracefully(server: Server, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    const hardLimit = setTimeout(() => {
      console.error(`shutdown took longer than ${HARD_LIMIT_MS} ms; exiting anyway`);
      process.exit(1);
    }, HARD_LIMIT_MS);
    hardLimit.unref();
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const drainLimit = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    drainLimit.unref();
    drained.then(close).then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (error) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal (pnpm and tsx relay the one a terminal sends to the whole
  // group) must not fall through to Node's default, which exits at once.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
