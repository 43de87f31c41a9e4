import { groupBySet, type IndexRange, type IndexUpdate, type OrderedIndex } from './ordered-index.js';

/** The part of a node-redis client (what `@keyv/redis` holds) that the index uses. */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
  multi(): { addCommand(args: string[]): unknown; exec(): Promise<unknown> };
}

/** The part of a `@keyv/redis` store the index uses. */
export interface RedisStoreLike {
  getClient(): Promise<RedisCommandClient>;
}

// Adds the member and, only if that added it, its value: one script, so no other command runs
// between the two (https://redis.io/docs/latest/develop/interact/programmability/eval-intro/).
const ADD_WITH_VALUE = `if redis.call('ZADD', KEYS[1], 'NX', '0', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  return 1
end
return 0`;

/**
 * Ordered sets as Redis sorted sets with every score 0, so members sort by bytes and
 * `ZRANGE … BYLEX` reads a range in O(log n + page). ZADD/ZREM are atomic per member: several
 * processes appending to one set never lose each other's entries. One update is one MULTI.
 * Members' values (`addIfAbsent`) live in one hash per set, `<set key> values`: no set name holds
 * a space, so it cannot be another set's key.
 */
export class RedisOrderedIndex implements OrderedIndex {
  constructor(
    readonly store: RedisStoreLike,
    /** Prefix of every sorted set's key, e.g. `hookdesk::index:`. */
    readonly keyPrefix: string,
  ) {}

  #valuesKey(set: string): string {
    return `${this.keyPrefix}${set} values`;
  }

  async update({ add = [], remove = [] }: IndexUpdate): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    const client = await this.store.getClient();
    const multi = client.multi();
    for (const [set, members] of groupBySet(remove)) {
      multi.addCommand(['ZREM', this.keyPrefix + set, ...members]);
      // In the same MULTI: a removed member never keeps a value (HDEL on no hash is a no-op).
      multi.addCommand(['HDEL', this.#valuesKey(set), ...members]);
    }
    for (const [set, members] of groupBySet(add)) {
      multi.addCommand(['ZADD', this.keyPrefix + set, ...members.flatMap((member) => ['0', member])]);
    }
    await multi.exec();
  }

  async addIfAbsent(set: string, member: string, value?: string): Promise<boolean> {
    const client = await this.store.getClient();
    if (value !== undefined) {
      const keys = [this.keyPrefix + set, this.#valuesKey(set)];
      return Number(await client.sendCommand(['EVAL', ADD_WITH_VALUE, '2', ...keys, member, value])) === 1;
    }
    // NX: only add, never update; the reply counts added members, so 1 means this call won.
    return Number(await client.sendCommand(['ZADD', this.keyPrefix + set, 'NX', '0', member])) === 1;
  }

  async memberValue(set: string, member: string): Promise<string | undefined> {
    const client = await this.store.getClient();
    const value = await client.sendCommand(['HGET', this.#valuesKey(set), member]);
    return typeof value === 'string' ? value : undefined;
  }

  async range(set: string, { from, below, limit, order }: IndexRange): Promise<string[]> {
    const client = await this.store.getClient();
    const low = from === undefined ? '-' : `[${from}`;
    const high = below === undefined ? '+' : `(${below}`;
    const bounds = order === 'asc' ? [low, high] : [high, low, 'REV'];
    const members = await client.sendCommand([
      'ZRANGE',
      this.keyPrefix + set,
      bounds[0]!,
      bounds[1]!,
      'BYLEX',
      ...bounds.slice(2),
      'LIMIT',
      '0',
      String(Math.min(limit, Number.MAX_SAFE_INTEGER)),
    ]);
    return members as string[];
  }

  async count(set: string): Promise<number> {
    const client = await this.store.getClient();
    return Number(await client.sendCommand(['ZCARD', this.keyPrefix + set]));
  }

  async close(): Promise<void> {}
}
