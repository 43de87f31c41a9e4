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

/**
 * At most `limit` holders per key across every process on one Redis: the per-webhook bound of
 * `concurrencyPerWebhook` for a queue that several workers share. A hold lasts `leaseMs` and is
 * renewed every half of it while its holder lives, for at most `holdMs` in all, so a crashed
 * worker's slots free themselves within `leaseMs`, as its jobs do. A waiting caller looks again
 * after 10 ms, backing off to 200 ms.
 */
export async function acquireSharedSlot(
  client: ScriptClient,
  setKey: string,
  slot: { limit: number; leaseMs: number; holdMs: number; token: string },
): Promise<() => Promise<void>> {
  if (!defined.has(client)) {
    client.defineCommand(ACQUIRE_COMMAND, { numberOfKeys: 1, lua: ACQUIRE });
    client.defineCommand(RELEASE_COMMAND, { numberOfKeys: 1, lua: RELEASE });
    client.defineCommand(RENEW_COMMAND, { numberOfKeys: 1, lua: RENEW });
    defined.add(client);
  }
  const leaseMs = Math.ceil(Math.min(slot.leaseMs, slot.holdMs));
  for (let wait = 10; ; wait = Math.min(200, wait * 2)) {
    const held = await client.runCommand(ACQUIRE_COMMAND, [setKey, slot.limit, leaseMs, slot.token]);
    if (Number(held) === 1) break;
    await new Promise((resolve) => setTimeout(resolve, wait * (0.5 + Math.random())));
  }
  const until = Date.now() + slot.holdMs;
  const renewal = setInterval(() => {
    if (Date.now() + leaseMs > until) {
      clearInterval(renewal);
      return;
    }
    // A renewal lost to an outage only lets the hold lapse early: the bound is then loose, never stuck.
    client.runCommand(RENEW_COMMAND, [setKey, leaseMs, slot.token]).catch(() => {});
  }, leaseMs / 2);
  renewal.unref();
  return async () => {
    clearInterval(renewal);
    await client.runCommand(RELEASE_COMMAND, [setKey, slot.token]);
  };
}
