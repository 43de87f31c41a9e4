import {
  type ConnectionOptions,
  createPostgresBackend,
  type IQueueBackend,
  isPgPool,
  type JobProgress,
  type PgPool,
  type PostgresPoolConfig,
  type PostgresQueueBackend,
  type Processor,
  Queue,
  type RedisQueueBackend,
  Worker,
  type WorkerOptions,
} from 'bullmq';

/**
 * Where a delivery queue lives: Redis (BullMQ's default backend) or PostgreSQL (BullMQ's
 * PostgreSQL backend, in a schema of its own; `prefix` is a Redis notion).
 */
export type QueueBackend =
  | { kind: 'redis'; connection: ConnectionOptions; prefix?: string }
  | { kind: 'postgres'; connection: PostgresPoolConfig };

/** The options `queueBackend` reads, as `BullmqDeliveryQueueOptions` has them. */
export interface QueueBackendOptions {
  connection?: ConnectionOptions;
  postgres?: string | PostgresPoolConfig;
  prefix?: string;
}

/** Which backend the options name, or a `TypeError` saying what to give. */
export function queueBackend(options: QueueBackendOptions): QueueBackend {
  const { connection, postgres, prefix } = options;
  if (connection !== undefined && postgres !== undefined) {
    throw new TypeError('Give `connection` (the queue on Redis) or `postgres` (on PostgreSQL), not both.');
  }
  if (postgres === undefined) {
    if (connection === undefined) {
      throw new TypeError(
        '`connection` or `postgres` is required: ioredis options or an ioredis instance for BullMQ on ' +
          'Redis (see `redisConnection`), or a postgres:// URL for BullMQ on PostgreSQL.',
      );
    }
    return prefix === undefined ? { kind: 'redis', connection } : { kind: 'redis', connection, prefix };
  }
  if (prefix !== undefined) {
    throw new TypeError(
      "`prefix` is BullMQ's key prefix on Redis; on PostgreSQL the queue's namespace is a schema: " +
        'give `postgres: { connectionString, schema }`.',
    );
  }
  if (typeof postgres === 'string') {
    if (!/^postgres(ql)?:\/\//.test(postgres)) {
      throw new TypeError(
        `\`postgres\` is a postgres:// or postgresql:// URL or pool options, got a string starting with "${postgres.slice(0, 11)}".`,
      );
    }
    return { kind: 'postgres', connection: { connectionString: postgres, migrate: true } };
  }
  if (isPgPool(postgres) || typeof postgres !== 'object' || postgres === null) {
    throw new TypeError(
      '`postgres` takes a postgres:// URL or node-postgres pool options (`{ connectionString, schema, max }`), ' +
        'not a pg.Pool: BullMQ pins the pools it builds to its schema.',
    );
  }
  // Created or brought up to date at first connect (serialized by BullMQ's advisory lock), as the
  // store's tables are, unless the options say otherwise.
  const explicit = postgres.migrate !== undefined || postgres.skipMigrations !== undefined;
  return { kind: 'postgres', connection: explicit ? postgres : { ...postgres, migrate: true } };
}

/** BullMQ's queue of the delivery jobs, on either backend. */
// biome-ignore lint/suspicious/noExplicitAny: the connection options differ by backend
export type JobsQueue<T> = Queue<T, unknown, string, T, unknown, string, IQueueBackend, any>;
// biome-ignore lint/suspicious/noExplicitAny: as JobsQueue
export type JobsWorker<T> = Worker<T, void, string, IQueueBackend, JobProgress, any>;

export function openQueue<T>(backend: QueueBackend, name: string): JobsQueue<T> {
  // Commands go out at once (ioredis holds them until connected), so an enqueue fails when Redis
  // does (after `maxRetriesPerRequest` reconnections) instead of waiting for a ready connection.
  if (backend.kind === 'redis') {
    const { kind: _, ...base } = backend;
    return new Queue<T>(name, { ...base, skipWaitingForReady: true }) as unknown as JobsQueue<T>;
  }
  return new Queue<T, unknown, string, T, unknown, string, PostgresQueueBackend, PostgresPoolConfig>(
    name,
    { connection: backend.connection, skipWaitingForReady: true },
    createPostgresBackend,
  ) as unknown as JobsQueue<T>;
}

export function openWorker<T>(
  backend: QueueBackend,
  name: string,
  processor: Processor<T, void>,
  options: Omit<WorkerOptions, 'connection' | 'prefix'>,
): JobsWorker<T> {
  if (backend.kind === 'redis') {
    const { kind: _, ...base } = backend;
    return new Worker<T, void>(name, processor, { ...options, ...base }) as unknown as JobsWorker<T>;
  }
  return new Worker<T, void, string, PostgresQueueBackend, JobProgress, PostgresPoolConfig>(
    name,
    processor,
    { ...options, connection: backend.connection },
    createPostgresBackend,
  ) as unknown as JobsWorker<T>;
}

/** The Redis client behind a queue on Redis, for the commands BullMQ has no method for. */
export function redisClientOf<T>(queue: JobsQueue<T>): Promise<unknown> {
  return (queue.getBackend() as unknown as RedisQueueBackend).client;
}

/** The pool and schema behind a queue on PostgreSQL, for Hookdesk's own table beside BullMQ's. */
export function postgresPoolOf<T>(queue: JobsQueue<T>): { pool: PgPool; schema: string } {
  const { connection } = queue.getBackend() as unknown as PostgresQueueBackend;
  return { pool: connection.pool, schema: connection.schema };
}
