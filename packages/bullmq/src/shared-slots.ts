import { leaseSlot, type SlotStore } from './slot-lease.js';

/** The subset of BullMQ's Redis client the slots use: named Lua commands. */
export interface ScriptClient {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  runCommand(name: string, args: unknown[]): Promise<unknown>;
}

// One sorted set per key: a member per holder, scored by when its hold lapses (Redis time, so the
// workers' clocks do not matter). Lapsed holders (a crashed worker's) are dropped before counting.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;
const RELEASE = `return redis.call('ZREM', KEYS[1], ARGV[1])`;
// Extends a hold that still exists (XX): a lapsed one stays lapsed.
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

const ACQUIRE_COMMAND = 'hookdeskAcquireSlot';
const RELEASE_COMMAND = 'hookdeskReleaseSlot';
const RENEW_COMMAND = 'hookdeskRenewSlot';
const defined = new WeakSet<object>();

/** The Redis side of `leaseSlot`: one sorted set per key, `setKey`. */
export function redisSlots(client: ScriptClient, setKey: string): SlotStore {
  if (!defined.has(client)) {
    client.defineCommand(ACQUIRE_COMMAND, { numberOfKeys: 1, lua: ACQUIRE });
    client.defineCommand(RELEASE_COMMAND, { numberOfKeys: 1, lua: RELEASE });
    client.defineCommand(RENEW_COMMAND, { numberOfKeys: 1, lua: RENEW });
    defined.add(client);
  }
  return {
    async take(token, limit, leaseMs) {
      return Number(await client.runCommand(ACQUIRE_COMMAND, [setKey, limit, leaseMs, token])) === 1;
    },
    async renew(token, leaseMs) {
      await client.runCommand(RENEW_COMMAND, [setKey, leaseMs, token]);
    },
    async release(token) {
      await client.runCommand(RELEASE_COMMAND, [setKey, token]);
    },
  };
}

/** `leaseSlot` on one Redis: at most `limit` holders of `setKey` across every process. */
export function acquireSharedSlot(
  client: ScriptClient,
  setKey: string,
  slot: { limit: number; leaseMs: number; holdMs: number; token: string },
): Promise<() => Promise<void>> {
  return leaseSlot(redisSlots(client, setKey), slot);
}
