import type { OrderedIndex } from './ordered-index.js';
import { INDEX_SETS } from './storage-keys.js';

/** Firings released per index page when a rule is deleted. */
const RELEASE_PAGE = 500;

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
   */
  claim(ruleId: string, ticketId: string): Promise<boolean>;
  /** Forgets the firing: the ticket stopped matching and the rule re-arms for it. */
  release(ruleId: string, ticketId: string): Promise<void>;
  /** Whether the firing is recorded. */
  has(ruleId: string, ticketId: string): Promise<boolean>;
  /** Forgets every firing of the rule (it was deleted); returns how many. */
  releaseRule(ruleId: string): Promise<number>;
}

export function ruleFiringRepository(index: OrderedIndex): RuleFiringRepository {
  const member = (ticketId: string) => encodeURIComponent(ticketId);
  return {
    claim: (ruleId, ticketId) => index.addIfAbsent(INDEX_SETS.ruleFired(ruleId), member(ticketId)),
    release: (ruleId, ticketId) =>
      index.update({ remove: [{ set: INDEX_SETS.ruleFired(ruleId), member: member(ticketId) }] }),
    async has(ruleId, ticketId) {
      const m = member(ticketId);
      const found = await index.range(INDEX_SETS.ruleFired(ruleId), { from: m, limit: 1, order: 'asc' });
      return found[0] === m;
    },
    async releaseRule(ruleId) {
      const set = INDEX_SETS.ruleFired(ruleId);
      let released = 0;
      for (;;) {
        const members = await index.range(set, { limit: RELEASE_PAGE, order: 'asc' });
        if (members.length === 0) return released;
        await index.update({ remove: members.map((m) => ({ set, member: m })) });
        released += members.length;
      }
    },
  };
}
