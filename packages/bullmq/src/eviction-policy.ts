/**
 * Why a Redis server's `INFO` says it may lose queued jobs, or `null` when it may not. BullMQ
 * needs `maxmemory-policy noeviction`: under any other policy a full Redis evicts keys, and an
 * evicted job is a delivery no worker will ever send.
 */
export function evictionProblem(info: string): string | null {
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy === undefined || policy === 'noeviction') return null;
  return (
    `Redis's maxmemory-policy is ${policy}: when Redis fills up it will evict queued deliveries, and ` +
    'those are never sent. Set `maxmemory-policy noeviction` (CONFIG SET maxmemory-policy noeviction, ' +
    'and in redis.conf) for the Redis that holds the Hookdesk queue.'
  );
}
