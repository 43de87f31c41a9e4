import type { IndexEntry, OrderedIndex } from './ordered-index.js';
import type { DeliveryRecord, DeliveryStatsBucket, DeliveryStatsRequest } from './records.js';
import { isoToMs, timePrefix } from './sort-key.js';
import { INDEX_SETS, type SettledStatus } from './storage-keys.js';

export const HOUR_MS = 60 * 60 * 1000;

/** Most hours one `log.stats` call counts: 31 days (docs/admin-api.md, `GET M/api/stats`). */
export const MAX_STATS_HOURS = 31 * 24;

const OUTCOMES: readonly SettledStatus[] = ['succeeded', 'failed'];
/** Stats members removed per index update when retention prunes an hour. */
const PRUNE_BATCH = 500;
/** Hours whose registry member this process remembers having written (the current one, mostly). */
const REMEMBERED_HOURS = 24;

type Target = Pick<DeliveryRecord, 'uuid' | 'webhookId' | 'ruleId'>;

/** One settle: a delivery reaching `succeeded` or `failed`, by attempt `attempt` or without one (`unsent`). */
export interface Settle {
  status: SettledStatus;
  /** Epoch ms the settle counts at: the settling attempt's start, or when it failed unsent. */
  atMs: number;
  /** The settling attempt's number; unsent: how many attempts it had. */
  attempt: number;
  /** Failed without an attempt (its body over the limit, its webhook gone or inactive). */
  unsent: boolean;
}

export const isSettled = (status: string): status is SettledStatus =>
  status === 'succeeded' || status === 'failed';

export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

// The parts of a member are URI-encoded, so `:` and `,` separate them unambiguously.
const part = (id: string) => encodeURIComponent(id);

/**
 * The member one settle adds to every set it counts in: `<uuid>:<attempt>[u]:<w=webhook,r=rule>`.
 * The same settle written twice (a repaired index write) is the same member, counted once; a
 * resend that settles again is a new attempt, a new member. The hour's sets of the webhook and the
 * rule are named in the member, so retention finds them from the hour's set of all deliveries.
 */
function statsMember(target: Target, settle: Settle): string {
  const scopes: string[] = [];
  if (target.webhookId !== null) scopes.push(`w=${part(target.webhookId)}`);
  if (target.ruleId !== null) scopes.push(`r=${part(target.ruleId)}`);
  return `${part(target.uuid)}:${settle.attempt}${settle.unsent ? 'u' : ''}:${scopes.join(',')}`;
}

/** The sets a member of hour `hourMs` and `outcome` is in, read back from the member. */
function setsOfMember(member: string, hourMs: number, outcome: SettledStatus): string[] {
  const sets = [INDEX_SETS.statsHour(hourMs, outcome)];
  const scopes = member.split(':')[2] ?? '';
  for (const scope of scopes === '' ? [] : scopes.split(',')) {
    let id: string;
    try {
      id = decodeURIComponent(scope.slice(2));
    } catch {
      continue;
    }
    if (scope.startsWith('w=')) sets.push(INDEX_SETS.statsWebhookHour(hourMs, outcome, id));
    else if (scope.startsWith('r=')) sets.push(INDEX_SETS.statsRuleHour(hourMs, outcome, id));
  }
  return sets;
}

/**
 * Every index entry one settle adds: its member in the hour's set of all deliveries and in its
 * webhook's or rule's, and the hour in the registry retention walks (`statsHours`).
 */
export function settleEntries(target: Target, settle: Settle): IndexEntry[] {
  const hour = hourOf(settle.atMs);
  const member = statsMember(target, settle);
  const entries: IndexEntry[] = [{ set: INDEX_SETS.statsHour(hour, settle.status), member }];
  if (target.webhookId !== null)
    entries.push({ set: INDEX_SETS.statsWebhookHour(hour, settle.status, target.webhookId), member });
  if (target.ruleId !== null)
    entries.push({ set: INDEX_SETS.statsRuleHour(hour, settle.status, target.ruleId), member });
  entries.push({ set: INDEX_SETS.statsHours, member: timePrefix(hour) });
  return entries;
}

/**
 * How a record that is created settled already counts: by its latest attempt, or, with none (or
 * an `error` saying why it failed unsent), when it was created.
 */
export function settleOfCreated(record: DeliveryRecord): Settle | null {
  if (!isSettled(record.status)) return null;
  const last = record.attempts.at(-1);
  if (last && record.error === undefined) {
    return { status: record.status, atMs: Date.parse(last.at), attempt: last.number, unsent: false };
  }
  return {
    status: record.status,
    atMs: Date.parse(record.createdAt),
    attempt: record.attemptCount,
    unsent: true,
  };
}

/** Checks a stats request and answers the start of every hour it spans. */
function hoursOf(request: DeliveryStatsRequest): number[] {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError('`log.stats` takes { since, until, webhookId?, ruleId? }.');
  }
  if (request.webhookId !== undefined && request.ruleId !== undefined) {
    throw new TypeError('Give `webhookId` or `ruleId`, not both: a delivery has a webhook or a rule.');
  }
  for (const name of ['webhookId', 'ruleId'] as const) {
    const id = request[name];
    if (id !== undefined && (typeof id !== 'string' || id === '')) {
      throw new TypeError(`\`${name}\` must be a non-empty string, got ${JSON.stringify(id)}.`);
    }
  }
  const since = isoToMs(request.since, 'since');
  const until = isoToMs(request.until, 'until');
  if (since >= until) {
    throw new TypeError(`\`since\` (${request.since}) must be before \`until\` (${request.until}).`);
  }
  const first = hourOf(since);
  const count = Math.ceil((until - first) / HOUR_MS);
  if (count > MAX_STATS_HOURS) {
    throw new TypeError(
      `\`since\` to \`until\` spans ${count} hours; one call counts at most ${MAX_STATS_HOURS} (31 days).`,
    );
  }
  // Validates the bounds: storage orders times from 1970 on.
  timePrefix(first);
  timePrefix(first + (count - 1) * HOUR_MS);
  return Array.from({ length: count }, (_, at) => first + at * HOUR_MS);
}

/** What the delivery log writes and reads of its stats (`log.stats`), over the shared ordered index. */
export interface DeliveryStats {
  /**
   * The entries of one settle, to add in the index update that moves the delivery (no write of
   * their own); the hour's registry member only when this process has not written it already.
   */
  entries(target: Target, settle: Settle): IndexEntry[];
  /** Call once an update carrying `entries` succeeded: their hours are registered. */
  written(entries: readonly IndexEntry[]): void;
  count(request: DeliveryStatsRequest): Promise<DeliveryStatsBucket[]>;
  /** Removes the stats of every hour that ended by `before` (epoch ms). */
  prune(before: number): Promise<void>;
}

/**
 * Per-hour counters as ordered sets: a settle adds one member to its hour's set and its webhook's
 * (or rule's) in the update that moves its log entries, and an hour's count is `count(set)`. Adding
 * a member is idempotent and atomic on every backend, so several processes count without races
 * and a repeated write counts once. Retention removes whole hours: the registry `stats:hours`
 * lists them, each hour's set of all deliveries names the other sets its members are in.
 */
export function deliveryStats(index: OrderedIndex): DeliveryStats {
  const registered = new Set<string>();

  return {
    entries(target, settle) {
      const entries = settleEntries(target, settle);
      const registry = entries[entries.length - 1]!;
      return registered.has(registry.member) ? entries.slice(0, -1) : entries;
    },

    written(entries) {
      for (const { set, member } of entries) {
        if (set !== INDEX_SETS.statsHours || registered.has(member)) continue;
        registered.add(member);
        // Oldest first out (a Set iterates in insertion order): settles come in time order.
        if (registered.size > REMEMBERED_HOURS) registered.delete(registered.values().next().value!);
      }
    },

    async count(request) {
      const hours = hoursOf(request);
      const { webhookId, ruleId } = request;
      const setOf = (hour: number, outcome: SettledStatus) =>
        webhookId !== undefined
          ? INDEX_SETS.statsWebhookHour(hour, outcome, webhookId)
          : ruleId !== undefined
            ? INDEX_SETS.statsRuleHour(hour, outcome, ruleId)
            : INDEX_SETS.statsHour(hour, outcome);
      // All at once: Redis pipelines them, the other backends answer from their own structure.
      const counts = await Promise.all(
        hours.flatMap((hour) => OUTCOMES.map((outcome) => index.count(setOf(hour, outcome)))),
      );
      return hours.map((hour, at) => ({
        start: new Date(hour).toISOString(),
        succeeded: counts[2 * at]!,
        failed: counts[2 * at + 1]!,
      }));
    },

    async prune(before) {
      const below = timePrefix(hourOf(Math.max(0, Math.floor(before))));
      for (;;) {
        const hours = await index.range(INDEX_SETS.statsHours, { below, limit: 100, order: 'asc' });
        if (hours.length === 0) return;
        for (const hour of hours) {
          const hourMs = Number(hour);
          for (const outcome of OUTCOMES) {
            const all = INDEX_SETS.statsHour(hourMs, outcome);
            for (;;) {
              const members = await index.range(all, { limit: PRUNE_BATCH, order: 'asc' });
              if (members.length === 0) break;
              const remove = members.flatMap((member) =>
                setsOfMember(member, hourMs, outcome).map((set) => ({ set, member })),
              );
              await index.update({ remove });
            }
          }
          // The hour last: a crash midway leaves it registered, and the next purge finishes it.
          registered.delete(hour);
          await index.update({ remove: [{ set: INDEX_SETS.statsHours, member: hour }] });
        }
      }
    },
  };
}
