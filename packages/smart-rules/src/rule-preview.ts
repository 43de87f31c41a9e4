import { compileRule } from './conditions/compile-rule.js';
import { nextMatchTime } from './conditions/next-match-time.js';
import type { SweepRule } from './rule-sweeper.js';
import type { TicketState } from './ticket-index.js';

/** One ticket of a rule's dry run. */
export interface PreviewItem {
  ticketId: string;
  /** The ticket matches the rule at `now`. */
  matchesNow: boolean;
  /**
   * `now`: the next sweep fires it. `later`: a sweep fires it at `firesAt` if nothing else changes.
   * `next_event`: it matches but the rule has no time conditions, so its next ticket event fires it.
   * `fired`: it fired already and fires again only after it stops matching.
   */
  when: 'now' | 'later' | 'next_event' | 'fired';
  /** Epoch ms of `now` / `later`; `null` for `next_event` and `fired`. */
  firesAt: number | null;
}

/**
 * The `preview` route's dry run: the known tickets the rule matches now or will match as time passes,
 * and when each would fire; it sends and records nothing. Tickets that neither match nor will are left
 * out. A match that needs a change condition (an event that has not happened) is not predicted. An
 * inactive rule is previewed as if it were active.
 */
export function previewRule(rule: SweepRule, tickets: readonly TicketState[], now: number): PreviewItem[] {
  const compiled = compileRule(rule);
  const matches = compiled.at(now);
  const items: PreviewItem[] = [];
  for (const t of tickets) {
    const fired = t.firedRules.includes(rule.id);
    if (matches(t.ticket, t, undefined)) {
      if (fired) items.push({ ticketId: t.id, matchesNow: true, when: 'fired', firesAt: null });
      else if (compiled.hasTimeConditions)
        items.push({ ticketId: t.id, matchesNow: true, when: 'now', firesAt: now });
      else items.push({ ticketId: t.id, matchesNow: true, when: 'next_event', firesAt: null });
      continue;
    }
    if (!compiled.hasTimeConditions) continue;
    // A ticket recorded as fired but no longer matching re-arms on the next sweep, so the prediction
    // holds for it as for any other.
    const at = nextMatchTime(rule, { ticket: t.ticket, anchors: t, now });
    if (at !== null) items.push({ ticketId: t.id, matchesNow: false, when: 'later', firesAt: at });
  }
  return items;
}
