import { parseDurationList } from '@hookdesk/core';

/** What `hookdesk-worker` reads from its environment (README, "hookdesk-worker"). */
export interface WorkerConfig {
  /** The web processes' store: `redis://…` or `postgres://…`. */
  storeUrl: string;
  /** The Redis that holds the queue. */
  redisUrl: string;
  concurrency: number;
  queueName: string | undefined;
  /** The store namespace the web processes use (`createStorage`'s `namespace`). */
  namespace: string | undefined;
  allowPrivateNetworks: boolean;
  retrySchedule: number[] | undefined;
}

function flag(text: string | undefined, name: string): boolean {
  if (text === undefined || text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new Error(`${name}: "${text}" is not understood; use 1 to turn it on or 0 to leave it off.`);
}

/** Reads the worker's variables; throws an error naming the variable when one is missing or malformed. */
export function readWorkerConfig(env: NodeJS.ProcessEnv): WorkerConfig {
  const storeUrl = env.HOOKDESK_STORE ?? '';
  if (!/^(redis|rediss|postgres|postgresql):\/\//.test(storeUrl)) {
    throw new Error(
      storeUrl === ''
        ? 'HOOKDESK_STORE is not set: a worker shares the web processes’ store; set it to their redis://… or postgres://… URL.'
        : 'HOOKDESK_STORE is not a store URL a worker can share: use the web processes’ redis://… or postgres://… URL.',
    );
  }
  const redisUrl = env.HOOKDESK_REDIS_URL || (/^rediss?:\/\//.test(storeUrl) ? storeUrl : '');
  if (!/^rediss?:\/\//.test(redisUrl)) {
    throw new Error(
      redisUrl === ''
        ? 'HOOKDESK_REDIS_URL is not set: the queue lives in Redis; set it to redis://host:port.'
        : 'HOOKDESK_REDIS_URL must be a redis:// or rediss:// URL.',
    );
  }
  const concurrencyText = env.HOOKDESK_CONCURRENCY ?? '';
  const concurrency = concurrencyText === '' ? 100 : Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(
      `HOOKDESK_CONCURRENCY: "${concurrencyText}" is not a whole number from 1 (attempts in flight at once).`,
    );
  }
  return {
    storeUrl,
    redisUrl,
    concurrency,
    queueName: env.HOOKDESK_QUEUE_NAME || undefined,
    namespace: env.HOOKDESK_NAMESPACE || undefined,
    allowPrivateNetworks: flag(env.HOOKDESK_ALLOW_PRIVATE_NETWORKS, 'HOOKDESK_ALLOW_PRIVATE_NETWORKS'),
    retrySchedule: env.HOOKDESK_RETRY_SCHEDULE
      ? parseDurationList(env.HOOKDESK_RETRY_SCHEDULE, 'HOOKDESK_RETRY_SCHEDULE')
      : undefined,
  };
}

/** `host:port` of a Redis URL, for the start-up line: never its credentials. */
export function redisAddress(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 6379}`;
}
