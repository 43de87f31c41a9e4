import { parseDurationList } from '@hookdesk/core';
import type { PostgresPoolConfig } from 'bullmq';
import { redisConnection } from './redis-connection.js';
import type { WorkerOptions } from './start-worker.js';

/** What `hookdesk-worker` reads from its environment (README, "hookdesk-worker"). */
export interface WorkerConfig {
  /** The web processes' store: `redis://…` or `postgres://…`. */
  storeUrl: string;
  /** Where the queue lives: `redis://…` or `postgres://…`. */
  queueUrl: string;
  /** The PostgreSQL schema of BullMQ's tables (a queue on PostgreSQL only; BullMQ's default `bullmq`). */
  queueSchema: string | undefined;
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
  const redisUrl = env.HOOKDESK_REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new Error(
      'HOOKDESK_REDIS_URL must be a redis:// or rediss:// URL; for a queue on PostgreSQL set HOOKDESK_QUEUE_URL.',
    );
  }
  const queueUrlText = env.HOOKDESK_QUEUE_URL || undefined;
  if (queueUrlText !== undefined && redisUrl !== undefined && queueUrlText !== redisUrl) {
    throw new Error(
      'HOOKDESK_QUEUE_URL and HOOKDESK_REDIS_URL name different queues: set HOOKDESK_QUEUE_URL only.',
    );
  }
  // The queue lives beside the store unless told otherwise: a PostgreSQL-only helpdesk needs no Redis.
  const queueUrl = queueUrlText ?? redisUrl ?? storeUrl;
  if (!/^(redis|rediss|postgres|postgresql):\/\//.test(queueUrl)) {
    throw new Error('HOOKDESK_QUEUE_URL must be a redis://, rediss:// or postgres:// URL.');
  }
  const queueSchema = env.HOOKDESK_QUEUE_SCHEMA || undefined;
  if (queueSchema !== undefined) {
    if (!isPostgres(queueUrl)) {
      throw new Error(
        'HOOKDESK_QUEUE_SCHEMA is for a queue on PostgreSQL, and the queue is on Redis: unset it, or point HOOKDESK_QUEUE_URL at postgres://….',
      );
    }
    if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(queueSchema)) {
      throw new Error(
        `HOOKDESK_QUEUE_SCHEMA: "${queueSchema}" is not a schema name BullMQ takes: a letter or _, then letters, digits, _ or $ (at most 63).`,
      );
    }
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
    queueUrl,
    queueSchema,
    concurrency,
    queueName: env.HOOKDESK_QUEUE_NAME || undefined,
    namespace: env.HOOKDESK_NAMESPACE || undefined,
    allowPrivateNetworks: flag(env.HOOKDESK_ALLOW_PRIVATE_NETWORKS, 'HOOKDESK_ALLOW_PRIVATE_NETWORKS'),
    retrySchedule: env.HOOKDESK_RETRY_SCHEDULE
      ? parseDurationList(env.HOOKDESK_RETRY_SCHEDULE, 'HOOKDESK_RETRY_SCHEDULE')
      : undefined,
  };
}

function isPostgres(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** `startWorker`'s `connection` or `postgres` for the configured queue. */
export function workerQueue(config: WorkerConfig): Pick<WorkerOptions, 'connection' | 'postgres'> {
  if (!isPostgres(config.queueUrl)) return { connection: redisConnection(config.queueUrl) };
  if (config.queueSchema === undefined) return { postgres: config.queueUrl };
  const postgres: PostgresPoolConfig = { connectionString: config.queueUrl, schema: config.queueSchema };
  return { postgres };
}

/**
 * Where the queue lives, for the start-up line, never with credentials: `Redis at host:port`, or
 * `PostgreSQL at host:port/database, schema "bullmq"`.
 */
export function queueAddress(config: Pick<WorkerConfig, 'queueUrl' | 'queueSchema'>): string {
  const { hostname, port, pathname } = new URL(config.queueUrl);
  if (!isPostgres(config.queueUrl)) return `Redis at ${hostname}:${port || 6379}`;
  // A socket directory in `?host=` leaves the URL's host empty.
  const database = pathname.length > 1 ? pathname : '';
  return (
    `PostgreSQL at ${hostname || 'localhost'}:${port || 5432}${database}, ` +
    `schema "${config.queueSchema ?? 'bullmq'}"`
  );
}
