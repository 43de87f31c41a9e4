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

const ACQUIRE_COMMAND = 'hookdeskAcquireSlot';
const RELEASE_COMMAND = 'hookdeskReleaseSlot';
const defined = new WeakSet<object>();

/**
 * At most `limit` holders per key across every process on one Redis: the per-webhook bound of
 * `concurrencyPerWebhook` for a queue that several workers share. A waiting caller looks again
 * after 10 ms, backing off to 200 ms.
 */
export async function acquireSharedSlot(
  client: ScriptClient,
  setKey: string,
  limit: number,
  holdMs: number,
  token: string,
): Promise<() => Promise<void>> {
  if (!defined.has(client)) {
    client.defineCommand(ACQUIRE_COMMAND, { numberOfKeys: 1, lua: ACQUIRE });
    client.defineCommand(RELEASE_COMMAND, { numberOfKeys: 1, lua: RELEASE });
    defined.add(client);
  }
  for (let wait = 10; ; wait = Math.min(200, wait * 2)) {
    const held = await client.runCommand(ACQUIRE_COMMAND, [setKey, limit, Math.ceil(holdMs), token]);
    if (Number(held) === 1) break;
    await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
  }
  return async () => {
    await client.runCommand(RELEASE_COMMAND, [setKey, token]);
  };
}
