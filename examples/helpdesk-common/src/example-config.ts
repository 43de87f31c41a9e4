import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseDuration, parseDurationList } from '@hookdesk/core';

/** The example helpdesks' settings, read from the environment of docs/examples.md. */
export interface ExampleConfig {
  port: number;
  /** Folder of the embedded store (used when `storeUrl` is not set). */
  dataDir: string;
  /** `redis://…` or `postgres://…`, or `undefined` for the embedded store. */
  storeUrl: string | undefined;
  adminToken: string;
  /** True when the token was generated rather than given, so it should be printed. */
  adminTokenGenerated: boolean;
  allowPrivateNetworks: boolean;
  /** Delays after the first attempt, or `undefined` for the docs/wire.md schedule. */
  retrySchedule: number[] | undefined;
  sweepIntervalMs: number;
  /**
   * `HOOKDESK_QUEUE=bullmq`: the BullMQ queue on this Redis (or, with a PostgreSQL store and no
   * `HOOKDESK_REDIS_URL`, on the store's PostgreSQL); this process records and enqueues only,
   * `hookdesk-worker` processes deliver. `undefined`: the in-process queue.
   */
  bullmqQueueUrl: string | undefined;
}

function port(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new Error(`PORT: "${text}" is not a port number; use a whole number from 0 to 65535.`);
  }
  return value;
}

function flag(text: string | undefined, name: string): boolean {
  if (text === undefined || text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new Error(`${name}: "${text}" is not understood; use 1 to turn it on or 0 to leave it off.`);
}

function storeUrl(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^(redis|rediss|postgres|postgresql):\/\//.test(text)) {
    throw new Error(
      `HOOKDESK_STORE: "${text}" is not a store URL; use redis://… or postgres://…, or leave it unset.`,
    );
  }
  return text;
}

function bullmqQueueUrl(env: NodeJS.ProcessEnv, store: string | undefined): string | undefined {
  const queue = env.HOOKDESK_QUEUE ?? '';
  if (queue === '') return undefined;
  if (queue !== 'bullmq') {
    throw new Error(
      `HOOKDESK_QUEUE: "${queue}" is not a queue; use bullmq, or leave it unset for the in-process queue.`,
    );
  }
  if (store === undefined) {
    throw new Error(
      'HOOKDESK_QUEUE=bullmq needs HOOKDESK_STORE: the worker processes must share the store (redis://… or postgres://…).',
    );
  }
  const redis = env.HOOKDESK_REDIS_URL || undefined;
  if (redis !== undefined && !/^rediss?:\/\//.test(redis)) {
    throw new Error(
      `HOOKDESK_REDIS_URL: "${redis.replace(/\/\/[^@/]*@/, '//…@')}" is not a Redis URL; use redis://host:port.`,
    );
  }
  // As hookdesk-worker decides: the queue beside the store unless HOOKDESK_REDIS_URL says where.
  return redis ?? store;
}

/** Reads docs/examples.md's variables; throws an error naming the variable when one is malformed. */
export function readExampleConfig(
  env: NodeJS.ProcessEnv,
  defaults: { port: number; dataDir: string },
): ExampleConfig {
  const token = env.HOOKDESK_ADMIN_TOKEN;
  const store = storeUrl(env.HOOKDESK_STORE);
  return {
    port: port(env.PORT, defaults.port),
    dataDir: resolve(env.HOOKDESK_DATA_DIR || defaults.dataDir),
    storeUrl: store,
    adminToken: token || randomBytes(18).toString('base64url'),
    adminTokenGenerated: !token,
    allowPrivateNetworks: flag(env.HOOKDESK_ALLOW_PRIVATE_NETWORKS, 'HOOKDESK_ALLOW_PRIVATE_NETWORKS'),
    retrySchedule: env.HOOKDESK_RETRY_SCHEDULE
      ? parseDurationList(env.HOOKDESK_RETRY_SCHEDULE, 'HOOKDESK_RETRY_SCHEDULE')
      : undefined,
    sweepIntervalMs: env.HOOKDESK_SWEEP_INTERVAL
      ? parseDuration(env.HOOKDESK_SWEEP_INTERVAL, 'HOOKDESK_SWEEP_INTERVAL')
      : 60_000,
    bullmqQueueUrl: bullmqQueueUrl(env, store),
  };
}
