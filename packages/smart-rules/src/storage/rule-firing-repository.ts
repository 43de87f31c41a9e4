import { type OrderedIndex, parseSortKey, sortKey, timePrefix } from '@hookdesk/storage';
import { SMART_RULE_SETS } from './smart-rule-keys.js';

/** Firings released per index page when a rule is deleted. */
const RELEASE_PAGE = 500;

/**
 * The set of firing intents: members `<at, 13 digits>:<firing id>:<rule id>:<ticket id>`, each part
 * URI-encoded (so none holds a `:`), oldest first.
 */
export const RULE_FIRING_INTENTS_SET = SMART_RULE_SETS.firingIntents;

/**
 * A firing about to be claimed: written before the claim and removed once its delivery is recorded
 * (or the claim went to someone else), so a firing whose process died in between can be found.
 */
export interface RuleFiringIntent {
  /** The firing's own id: the claim's holder and the uuid of its `smart_rule.triggered` delivery. */
  firingId: string;
  ruleId: string;
  ticketId: string;
  /** When the intent was written, epoch ms. */
  at: number;
}

/**
 * The durable, cross-process record of which smart rules have fired for which tickets: the
 * authority for "fires once per ticket, never twice across restarts or processes". Keyv has no
 * compare-and-set, so a claim is the backend's own atomic add-if-absent (`OrderedIndex.addIfAbsent`).
 * Every method rejects with a `StorageError` when the store is unreachable.
 */
export interface RuleFiringRepository {
  /**
   * Records that `ruleId` fired for `ticketId` unless that is recorded already; `true` when this
   * call recorded it, and only then may the caller send. Of racing processes exactly one wins.
   * `firingId` (a non-empty string, e.g. a uuid) is stored with the claim in the
   * same atomic step: `holder` reads it back, so a firing can tell whether the claim is its own.
   */
  claim(ruleId: string, ticketId: string, firingId?: string): Promise<boolean>;
  /** The `firingId` the claim was made with; `undefined` when there is no claim or it has none. */
  holder(ruleId: string, ticketId: string): Promise<string | undefined>;
  /** Forgets the firing and its holder: the ticket stopped matching and the rule re-arms for it. */
  release(ruleId: string, ticketId: string): Promise<void>;
  /** Whether the firing is recorded. */
  has(ruleId: string, ticketId: string): Promise<boolean>;
  /** Forgets every firing of the rule (it was deleted), holders included; returns how many. */
  releaseRule(ruleId: string): Promise<number>;
  /** Durably records an intent (see `RuleFiringIntent`); adding one that exists is a no-op. */
  addIntent(intent: RuleFiringIntent): Promise<void>;
  /** Up to `limit` intents written before `before` (epoch ms), oldest first; one range read. */
  intents(before: number, limit: number): Promise<RuleFiringIntent[]>;
  /** Removes the intent; removing one that is not there is a no-op. */
  removeIntent(intent: RuleFiringIntent): Promise<void>;
}

function intentMember({ firingId, ruleId, ticketId, at }: RuleFiringIntent): string {
  if (typeof firingId !== 'string' || firingId.length === 0) {
    throw new TypeError('`firingId` must be a non-empty string, e.g. crypto.randomUUID().');
  }
  const e = encodeURIComponent;
  return sortKey(at, `${e(firingId)}:${e(ruleId)}:${e(ticketId)}`);
}

function parseIntent(member: string): RuleFiringIntent | undefined {
  const key = parseSortKey(member);
  const parts = key?.id.split(':');
  if (!key || parts?.length !== 3) return undefined;
  try {
    const [firingId, ruleId, ticketId] = parts.map((part) => decodeURIComponent(part)) as [
      string,
      string,
      string,
    ];
    return { firingId, ruleId, ticketId, at: key.ms };
  } catch {
    return undefined;
  }
}

export function ruleFiringRepository(index: OrderedIndex): RuleFiringRepository {
  const member = (ticketId: string) => encodeURIComponent(ticketId);
  return {
    async claim(ruleId, ticketId, firingId) {
      // Not empty: the embedded store keeps the value as the key's data, where empty means none.
      if (firingId !== undefined && (typeof firingId !== 'string' || firingId.length === 0)) {
        throw new TypeError(
          `\`firingId\` must be a non-empty string, e.g. crypto.randomUUID(), got ${JSON.stringify(firingId)}.`,
        );
      }
      return index.addIfAbsent(SMART_RULE_SETS.ruleFired(ruleId), member(ticketId), firingId);
    },
    holder: (ruleId, ticketId) => index.memberValue(SMART_RULE_SETS.ruleFired(ruleId), member(ticketId)),
    release: (ruleId, ticketId) =>
      index.update({ remove: [{ set: SMART_RULE_SETS.ruleFired(ruleId), member: member(ticketId) }] }),
    async has(ruleId, ticketId) {
      const m = member(ticketId);
      const found = await index.range(SMART_RULE_SETS.ruleFired(ruleId), { from: m, limit: 1, order: 'asc' });
      return found[0] === m;
    },
    async releaseRule(ruleId) {
      const set = SMART_RULE_SETS.ruleFired(ruleId);
      let released = 0;
      for (;;) {
        const members = await index.range(set, { limit: RELEASE_PAGE, order: 'asc' });
        if (members.length === 0) return released;
        await index.update({ remove: members.map((m) => ({ set, member: m })) });
        released += members.length;
      }
    },
    addIntent: async (intent) =>
      index.update({ add: [{ set: RULE_FIRING_INTENTS_SET, member: intentMember(intent) }] }),
    async intents(before, limit) {
      const members = await index.range(RULE_FIRING_INTENTS_SET, {
        below: timePrefix(Math.max(0, Math.floor(before))),
        limit,
        order: 'asc',
      });
      // Only this repository writes the set; a member it cannot read was not written by it.
      return members.flatMap((m) => parseIntent(m) ?? []);
    },
    removeIntent: async (intent) =>
      index.update({ remove: [{ set: RULE_FIRING_INTENTS_SET, member: intentMember(intent) }] }),
  };
}
