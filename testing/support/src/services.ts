import { Socket } from 'node:net';

/** Local service addresses the suites use, overridable for other machines. */
export const REDIS_URL = process.env.HOOKDESK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const POSTGRES_URL =
  process.env.HOOKDESK_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether something accepts TCP connections at the URL's host and port (within 1 s). */
export function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || defaultPort), hostname, () => done(true));
  });
}

export const redisAvailable = (): Promise<boolean> => reachable(REDIS_URL, 6379);
export const postgresAvailable = (): Promise<boolean> => reachable(POSTGRES_URL, 5432);

/**
 * Whether suites that need `service` should run. Without the service they are skipped locally
 * with a printed reason; under `CI=true` a missing service is an error (CI must test for real).
 */
export async function serviceGate(
  service: 'redis' | 'postgres',
  url: string = service === 'redis' ? REDIS_URL : POSTGRES_URL,
): Promise<boolean> {
  const up = await reachable(url, service === 'redis' ? 6379 : 5432);
  if (up) return true;
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true but ${service} is not answering at ${url}: start it (see .ci/run) so its tests run.`,
    );
  }
  console.warn(`Skipping the ${service} tests: nothing answers at ${url}. Start ${service} to run them.`);
  return false;
}

/**
 * `describe` when the service is up, `describe.skip` when it is not (locally), and a thrown
 * error under CI. Call with top-level await in a test file:
 * `const describeRedis = await describeWithService('redis', describe);`
 */
export async function describeWithService<D extends { skip: unknown }>(
  service: 'redis' | 'postgres',
  describe: D,
  url?: string,
): Promise<D | D['skip']> {
  return (await serviceGate(service, url)) ? describe : describe.skip;
}
