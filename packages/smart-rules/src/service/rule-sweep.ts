import { compileRule } from '../conditions/compile-rule.js';
import { sweepRules } from '../rule-sweeper.js';
import type { EvaluableRule } from '../smart-rule.js';
import type { SmartRuleRecord } from '../storage/smart-rule-record.js';
import { pruneFired, withFired } from '../ticket-index.js';
import type { RuleServiceContext } from './service-context.js';

/** What one sweep did. */
export interface SmartRuleSweepResult {
  /** Open tickets looked at (none when no active rule has a time condition). */
  tickets: number;
  /** `smart_rule.triggered` deliveries recorded. */
  fired: number;
  /** (rule, ticket) pairs re-armed because the ticket stopped matching. */
  rearmed: number;
  /** Closed tickets forgotten after `closedTicketRetentionMs`. */
  purged: number;
  /**
   * `smart_rule.triggered` deliveries recorded for firings left unfinished (claimed, but their
   * process died, or recording failed, before the delivery was recorded), with the firing's id as uuid.
   */
  recovered: number;
}

/**
 * One sweep: settles unfinished firings, then evaluates the active rules with time conditions over
 * every open ticket a page at a time (`sweepRules` decides), re-checking each decision on the ticket's
 * latest state before it claims, sends or re-arms; then forgets closed tickets past their retention.
 */
export async function sweepOnce(
  context: RuleServiceContext,
  holding: () => Promise<boolean> = async () => true,
): Promise<SmartRuleSweepResult> {
  const { deps, options, perTicket } = context;
  const { storage, clock } = deps;
  const now = clock.now();
  const result: SmartRuleSweepResult = { tickets: 0, fired: 0, rearmed: 0, purged: 0, recovered: 0 };
  result.recovered = await context.firings.reconcile();
  // Read fresh each sweep: a rule changed in another process is swept as it is now.
  const { active, ids } = await context.rules.read(true);
  const timed = active.filter((rule) => compileRule(rule).hasTimeConditions);
  if (timed.length > 0) {
    const byId = new Map(timed.map((r) => [r.id, r]));
    for await (const page of storage.tickets.pages(options.sweepPageSize, context.skipCorrupt)) {
      // Another process took the sweep over: it sweeps these tickets, this one stops.
      if (context.stopped() || !(await holding())) break;
      result.tickets += page.length;
      const { fire, rearm } = sweepRules(timed, page, now);
      if (fire.length === 0 && rearm.length === 0) continue;
      // One fresh read per rule per page, not per firing: deactivation still stops a sweep within a page.
      const current = new Map<string, SmartRuleRecord | undefined>();
      for (const ruleId of new Set(fire.map((f) => f.ruleId)))
        current.set(ruleId, await storage.smartRules.get(ruleId));
      const work = new Map<string, { fire: string[]; rearm: string[] }>();
      const entry = (ticketId: string) => {
        let w = work.get(ticketId);
        if (!w) {
          w = { fire: [], rearm: [] };
          work.set(ticketId, w);
        }
        return w;
      };
      for (const f of fire) entry(f.ticketId).fire.push(f.ruleId);
      for (const r of rearm) entry(r.ticketId).rearm.push(r.ruleId);
      for (const [ticketId, w] of work) {
        await perTicket.run(ticketId, async () => {
          // Decide on the latest state: an event may have changed the ticket since the page was
          // read (here, or in another process), and a decision on the stale copy could fire for a
          // ticket that no longer matches, or re-arm one that still does.
          const latest = await storage.tickets.get(ticketId);
          if (!latest || latest.closedAt !== null) return;
          const matchesNow = (ruleId: string) => {
            const rule = byId.get(ruleId) as EvaluableRule;
            return compileRule(rule).at(now)(latest.ticket, latest, undefined);
          };
          const changes = new Map<string, boolean>();
          for (const ruleId of w.rearm) {
            if (matchesNow(ruleId)) continue;
            await storage.ruleFirings.release(ruleId, ticketId);
            changes.set(ruleId, false);
            result.rearmed++;
          }
          for (const ruleId of w.fire) {
            if (!matchesNow(ruleId)) continue;
            const sent = await context.firings.claimAndSend(
              current.get(ruleId),
              byId.get(ruleId),
              latest.ticket,
              ticketId,
              true,
            );
            result.fired += sent.uuids.length;
            if (sent.held) changes.set(ruleId, true);
          }
          // Only the fired-rule copy changes here: apply it to the state as it is now, so an event
          // written by another process while this one claimed and recorded is not overwritten.
          const stored = changes.size > 0 ? await storage.tickets.get(ticketId) : latest;
          if (!stored) return;
          let state = pruneFired(stored, ids);
          for (const [ruleId, fired] of changes) state = withFired(state, ruleId, fired);
          if (state !== stored) await storage.tickets.put(state);
        });
      }
    }
  }
  result.purged = await storage.tickets.purgeClosed(now - options.closedTicketRetentionMs);
  if (result.fired > 0 || result.rearmed > 0 || result.purged > 0 || result.recovered > 0) {
    deps.logger.info({ ...result }, 'smart-rule sweep');
  }
  return result;
}
