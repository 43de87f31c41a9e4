import { ValidationError } from '@hookdesk/core';
import { previewRule } from '../rule-preview.js';
import { storedRuleOr404 } from './rule-admin.js';
import type { RuleServiceContext } from './service-context.js';

/** One ticket of `rules.preview()`: a dry run, nothing is sent or recorded. */
export interface SmartRulePreviewItem {
  ticketId: string;
  /** The ticket as Hookdesk last saw it. */
  ticket: unknown;
  /** The ticket matches the rule now. */
  matches: boolean;
  /**
   * `now`: the next sweep fires it. `later`: a sweep fires it at `firesAt` if nothing else changes.
   * `next_event`: it matches, but the rule has no time condition, so the ticket's next event fires it.
   * `fired`: it fired already, and fires again only after it stops matching.
   */
  when: 'now' | 'later' | 'next_event' | 'fired';
  /** ISO 8601 UTC for `now` and `later`; `null` otherwise. */
  firesAt: string | null;
}

export interface SmartRulePreview {
  /** Known open tickets that match now or will as time passes, in ticket id order; others are left out. */
  items: SmartRulePreviewItem[];
  /** True when more tickets qualified than `limit`. */
  truncated: boolean;
}

/** Most items `rules.preview()` returns by default. */
export const DEFAULT_PREVIEW_LIMIT = 500;

/**
 * Which known open tickets the stored rule matches now, or will, and when each would fire; sends
 * nothing. The decisions are `previewRule`'s, over the stored tickets a page at a time.
 */
export async function previewStoredRule(
  context: Pick<RuleServiceContext, 'deps' | 'options' | 'rules' | 'skipCorrupt'>,
  id: string,
  limit: number,
): Promise<SmartRulePreview> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`\`limit\` must be a positive integer, got ${String(limit)}.`);
  }
  const { storage, clock } = context.deps;
  const record = await storedRuleOr404(storage, id);
  const rule = context.rules.parse(record);
  if (!rule) {
    throw new ValidationError(
      `The stored smart rule ${id} is not valid any more; PATCH it with valid conditions to preview it.`,
      [{ path: 'conditions', message: 'invalid stored rule' }],
    );
  }
  const now = clock.now();
  const items: SmartRulePreviewItem[] = [];
  for await (const page of storage.tickets.pages(context.options.sweepPageSize, context.skipCorrupt)) {
    const tickets = new Map(page.map((t) => [t.id, t.ticket]));
    for (const item of previewRule(rule, page, now)) {
      if (items.length === limit) return { items, truncated: true };
      items.push({
        ticketId: item.ticketId,
        ticket: tickets.get(item.ticketId),
        matches: item.matchesNow,
        when: item.when,
        firesAt: item.firesAt === null ? null : new Date(item.firesAt).toISOString(),
      });
    }
  }
  return { items, truncated: false };
}
