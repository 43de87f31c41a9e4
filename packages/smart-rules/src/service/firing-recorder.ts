import { randomUUID } from 'node:crypto';
import type { Ticket } from '@hookdesk/wire';
import type { EvaluableRule } from '../smart-rule.js';
import type { RuleFiringIntent } from '../storage/rule-firing-repository.js';
import type { SmartRuleRecord } from '../storage/smart-rule-record.js';
import type { TicketEvent } from '../ticket-index.js';
import type { RuleServiceContext } from './service-context.js';

/**
 * The firing protocol: a firing is claimed in `storage.ruleFirings` (the backend's atomic
 * add-if-absent) before its delivery is recorded, so of several processes, or of a process before
 * and after a restart, one sends.
 *
 * The claim carries the firing's id, which becomes the delivery's uuid, and an intent naming the
 * firing is stored before the claim and removed once the delivery is recorded. A firing whose process
 * dies in between is neither lost nor sent twice: once its intent is older than `firingLeaseMs`, a
 * sweep (in any process) or the next start records the delivery, under the same uuid, if the claim
 * is still that firing's and the log does not hold it yet (`reconcile`).
 */
export class FiringRecorder {
  readonly #c: Pick<RuleServiceContext, 'deps' | 'options' | 'perTicket' | 'stopped'>;
  /** Ids of this process's firings between their intent and their recorded delivery. */
  readonly #inFlight = new Set<string>();

  constructor(context: Pick<RuleServiceContext, 'deps' | 'options' | 'perTicket' | 'stopped'>) {
    this.#c = context;
  }

  /**
   * Claims the firing (when it holds: a standing match) and records the delivery. Never sends
   * for a rule no longer active. A claim that another process or an earlier run holds sends nothing
   * but is held (`held: true`).
   *
   * A held firing gets an id, claimed with it and used as its delivery's uuid; its intent is stored
   * first and removed once the delivery is recorded. If recording fails, or the process dies, the
   * claim stays with the intent, and `reconcile` records the delivery once the lease is over:
   * giving the claim back instead could send twice, as a failed recording may have reached the log.
   */
  async claimAndSend(
    current: SmartRuleRecord | undefined,
    rule: EvaluableRule | undefined,
    ticket: unknown,
    ticketId: string,
    hold: boolean,
    event?: TicketEvent,
  ): Promise<{ uuids: string[]; held: boolean }> {
    if (!current?.active || !rule) return { uuids: [], held: false };
    const { deps } = this.#c;
    const target = { id: current.id, name: current.name, url: current.action.url };
    // A momentary match claims nothing: it fires for this event only, and the event's caller sees any
    // error. With the host's eventId its uuid is derived, so the event recorded again fires it once.
    if (!hold) {
      const firing = event?.eventId
        ? { id: deps.deliveryUuid(event.eventId, { webhookId: null, ruleId: rule.id }), at: event.at }
        : undefined;
      return { uuids: await deps.trigger(ticket as Ticket, target, firing), held: false };
    }
    const { ruleFirings } = deps.storage;
    const intent: RuleFiringIntent = {
      firingId: randomUUID(),
      ruleId: rule.id,
      ticketId,
      at: deps.clock.now(),
    };
    this.#inFlight.add(intent.firingId);
    try {
      await ruleFirings.addIntent(intent);
      if (!(await ruleFirings.claim(rule.id, ticketId, intent.firingId))) {
        await this.#dropIntent(intent);
        return { uuids: [], held: true };
      }
      const uuids = await deps.trigger(ticket as Ticket, target, firingOf(intent));
      await this.#dropIntent(intent);
      return { uuids, held: true };
    } finally {
      this.#inFlight.delete(intent.firingId);
    }
  }

  /** Removes a settled firing's intent; if that fails, `reconcile` removes it later. */
  async #dropIntent(intent: RuleFiringIntent): Promise<void> {
    await this.#c.deps.storage.ruleFirings.removeIntent(intent).catch((error: unknown) => {
      this.#c.deps.logger.warn(
        { err: error, firingId: intent.firingId },
        'Hookdesk could not remove a settled smart-rule firing intent; a later sweep removes it',
      );
    });
  }

  /**
   * Settles the intents older than `firingLeaseMs` (a page of `sweepPageSize`, oldest first): their
   * firing's process died, or recording failed, between claim and delivery. Resolves with the number
   * of deliveries recorded. Runs at start and before each sweep, never beside one in this process.
   */
  async reconcile(): Promise<number> {
    const { deps, options, perTicket } = this.#c;
    const { storage, clock, logger } = deps;
    const stale = await storage.ruleFirings.intents(
      clock.now() - options.firingLeaseMs,
      options.sweepPageSize,
    );
    let recorded = 0;
    for (const intent of stale) {
      if (this.#c.stopped()) break;
      // This process's own firing, still on its way (a slow store): it settles its intent itself.
      if (this.#inFlight.has(intent.firingId)) continue;
      try {
        recorded += await perTicket.run(intent.ticketId, () => this.#settle(intent));
      } catch (error) {
        // One firing that cannot be recorded (its ticket too large, say) must not hold up the others.
        logger.error(
          { err: error, firingId: intent.firingId, ruleId: intent.ruleId, ticketId: intent.ticketId },
          'Hookdesk could not record an unfinished smart-rule firing; the next sweep tries again',
        );
      }
    }
    return recorded;
  }

  /**
   * One stale intent: records its delivery (uuid: the firing id) when the claim is still that
   * firing's and the log does not hold the delivery; otherwise (the ticket stopped matching and the
   * claim was released, the rule was deleted, another firing holds the claim, or the delivery was
   * recorded after all) only removes the intent. Of a firing whose process is slow rather than dead,
   * both may record: the same uuid, which receivers deduplicate on.
   */
  async #settle(intent: RuleFiringIntent): Promise<number> {
    const { ruleFirings, log, smartRules, tickets } = this.#c.deps.storage;
    const { firingId, ruleId, ticketId } = intent;
    let uuids: string[] = [];
    if (
      (await ruleFirings.holder(ruleId, ticketId)) === firingId &&
      (await log.get(firingId)) === undefined
    ) {
      const rule = await smartRules.get(ruleId);
      const state = await tickets.get(ticketId);
      // A rule deactivated since sends nothing, as for any firing; a forgotten ticket has no body.
      if (rule?.active && state) {
        uuids = await this.#c.deps.trigger(
          state.ticket as Ticket,
          { id: rule.id, name: rule.name, url: rule.action.url },
          firingOf(intent),
        );
      }
    }
    await ruleFirings.removeIntent(intent);
    return uuids.length;
  }
}

/** The firing an intent names, as `trigger` takes it: its id and time become the delivery's uuid and time. */
function firingOf(intent: RuleFiringIntent): { id: string; at: number } {
  return { id: intent.firingId, at: intent.at };
}
