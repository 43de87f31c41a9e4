import { createClient } from 'redis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type TestRedisClient = ReturnType<typeof createClient>;

/**
 * Whether Redis answers at REDIS_URL. Without it Redis tests skip with a printed reason locally,
 * and fail under CI=true, where Redis must be there.
 */
export async function redisAvailable(): Promise<boolean> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    await client.quit();
    return true;
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(
        `Redis is required under CI=true but ${REDIS_URL} does not answer: ${(error as Error).message}`,
      );
    }
    console.warn(
      `Skipping Redis tests: ${REDIS_URL} does not answer (${(error as Error).message}). Start Redis or set REDIS_URL.`,
    );
    return false;
  }
}

export async function connectRedis(): Promise<TestRedisClient> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  return client;
}
