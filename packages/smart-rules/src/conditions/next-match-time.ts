import { type ConditionNode, isGroup } from '../condition-schema.js';
import { isChange } from './change-conditions.js';
import { assertDepth } from './compile-rule.js';
import { compileField, getter } from './field-conditions.js';
import type { RuleContext, RuleDefinition, TicketAnchors } from './rule-context.js';
import { compileTime, INF, type TimeLeaf, timesFor } from './time-conditions.js';

// Sets of instants as sorted, disjoint, non-empty half-open ranges [lo0, hi0, lo1, hi1, …].
type Times = number[];
const ALWAYS: Times = [-INF, INF];
const NEVER: Times = [];

function intersect(a: Times, b: Times): Times {
  const out: Times = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i] as number, b[j] as number);
    const hi = Math.min(a[i + 1] as number, b[j + 1] as number);
    if (lo < hi) out.push(lo, hi);
    if ((a[i + 1] as number) < (b[j + 1] as number)) i += 2;
    else j += 2;
  }
  return out;
}

function union(a: Times, b: Times): Times {
  const ranges: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) ranges.push([a[i] as number, a[i + 1] as number]);
  for (let i = 0; i < b.length; i += 2) ranges.push([b[i] as number, b[i + 1] as number]);
  ranges.sort((x, y) => x[0] - y[0]);
  const out: Times = [];
  for (const [lo, hi] of ranges) {
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number)) out[n - 1] = Math.max(out[n - 1] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

function timesOf(
  node: ConditionNode,
  rule: RuleDefinition,
  ticket: unknown,
  anchors: TicketAnchors,
  now: number,
  depth: number,
): Times {
  assertDepth(depth);
  if (isGroup(node)) {
    const isAll = 'all' in node;
    const items = isAll ? (node as { all: ConditionNode[] }).all : (node as { any: ConditionNode[] }).any;
    let acc = isAll ? ALWAYS : NEVER;
    for (const item of items) {
      const times = timesOf(item, rule, ticket, anchors, now, depth + 1);
      acc = isAll ? intersect(acc, times) : union(acc, times);
      if (isAll && acc.length === 0) break;
    }
    return acc;
  }
  if ('time' in node) {
    const leaves: TimeLeaf[] = [];
    compileTime(node, rule.workSchedule, leaves);
    const leaf = leaves[0] as TimeLeaf;
    const a = anchors[leaf.anchor];
    if (typeof a !== 'number' || Number.isNaN(a)) return NEVER;
    const [lo, hi] = timesFor(leaf, a);
    return lo < hi ? [lo, hi] : NEVER;
  }
  // Waiting brings no event, so no change; and a field holds or fails the same way at any time.
  if (isChange(node)) return NEVER;
  return compileField(node)(ticket, anchors, undefined, ALWAYS_BOUNDS) ? ALWAYS : NEVER;
}

const ALWAYS_BOUNDS = new Float64Array(0);

/**
 * For the `preview` route: the first instant at or after `context.now` at which the ticket matches
 * the rule if nothing but time changes (no further event, same anchors). `context.now` itself when it
 * matches already; `null` when it never will (or only an event could make it match). Whether the rule
 * has already fired for this ticket is the caller's to add.
 */
export function nextMatchTime(
  rule: RuleDefinition,
  context: Omit<RuleContext, 'schedule' | 'changes'>,
): number | null {
  const { ticket, anchors, now } = context;
  const categories = rule.categories;
  if (categories.length > 0 && !categories.includes(getter('category')(ticket) as string)) return null;
  const times = timesOf(rule.conditions, rule, ticket, anchors, now, 1);
  for (let i = 0; i < times.length; i += 2) {
    const hi = times[i + 1] as number;
    if (hi > now) {
      const lo = Math.max(times[i] as number, now);
      return Number.isFinite(lo) ? lo : null;
    }
  }
  return null;
}
