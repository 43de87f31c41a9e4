import type { RedisOptions } from 'bullmq';

/**
 * ioredis options for BullMQ from a `redis://` or `rediss://` URL (user, password, database
 * number in the path). By default a command waits for Redis to come back rather than failing
 * (`maxRetriesPerRequest: null`, what BullMQ's workers require). `failFast: true` is for web
 * processes: an enqueue while Redis is unreachable rejects at once, so the host answers an error
 * instead of acknowledging an event that is not queued.
 */
export function redisConnection(url: string, options: { failFast?: boolean } = {}): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`\`${url.replace(/\/\/[^@/]*@/, '//…@')}\` is not a URL: give redis://host:port.`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(
      `A BullMQ connection URL starts with redis:// or rediss://, got ${parsed.protocol}//.`,
    );
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new TypeError(`The database in a Redis URL is a number, got "${parsed.pathname.slice(1)}".`);
  }
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: options.failFast ? 1 : null,
  };
}
