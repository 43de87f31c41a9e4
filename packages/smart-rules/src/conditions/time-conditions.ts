import type { TimeCondition } from '../condition-schema.js';
import type { WorkSchedule } from '../work-schedule-schema.js';
import { type WorkingClock, workingClock } from '../working-hours.js';
import type { CompiledCondition, TicketAnchors } from './rule-context.js';

/** A time condition as `CompiledRule.at` and `nextMatchTime` read it. */
export interface TimeLeaf {
  time: TimeCondition['time'];
  op: 'gt' | 'lt';
  anchor: keyof TicketAnchors;
  /** The threshold in whole ms, so comparisons are exact integer arithmetic. */
  thr: number;
  clock: WorkingClock;
}

const ANCHOR_OF: Record<TimeCondition['time'], keyof TicketAnchors> = {
  since_created: 'createdAt',
  since_updated: 'updatedAt',
  since_status_changed: 'statusChangedAt',
  since_due: 'dueAt',
  until_due: 'dueAt',
};

export const INF = Number.POSITIVE_INFINITY;

/**
 * A time condition, compiled: it pushes its leaf onto `leaves` (its index `k` picks its two slots of
 * `bounds`) and holds when its anchor lies in `[bounds[2k], bounds[2k + 1])`.
 */
export function compileTime(
  c: TimeCondition,
  schedule: WorkSchedule | null,
  leaves: TimeLeaf[],
): CompiledCondition {
  const k = leaves.length;
  const anchor = ANCHOR_OF[c.time];
  leaves.push({
    time: c.time,
    op: c.op,
    anchor,
    thr: Math.round(c.hours * 3_600_000),
    clock: workingClock(c.clock === 'working' ? schedule : null),
  });
  const lo = 2 * k;
  const hi = lo + 1;
  return (_t, anchors, _c, bounds) => {
    const x = anchors[anchor];
    return typeof x === 'number' && x >= (bounds[lo] as number) && x < (bounds[hi] as number);
  };
}

/**
 * The instants `[lo, hi)` the anchor must lie in for the condition to hold at `now`. Derivation, with
 * `W` the clock's running total and `reach(x)` the first instant where `W >= x`: "more than h since a"
 * is `W(now) - W(a) > h`, i.e. `W(a) < W(now) - h`, i.e. `a < reach(W(now) - h)`. `since_*` counts
 * an anchor in the future as 0 h (clock skew between host and Hookdesk); `since_due` needs the due
 * time passed and `until_due` needs it still ahead, so an overdue ticket is never "due within 4 h".
 */
export function boundsAt(leaf: TimeLeaf, now: number, out: Float64Array, k: number): void {
  const { clock, thr } = leaf;
  const wn = clock.at(now);
  let lo: number;
  let hi: number;
  if (leaf.time === 'until_due') {
    if (leaf.op === 'gt') {
      lo = clock.reach(wn + thr + 1);
      hi = INF;
    } else {
      lo = now;
      hi = clock.reach(wn + thr);
    }
  } else if (leaf.op === 'gt') {
    lo = -INF;
    hi = clock.reach(wn - thr);
  } else if (leaf.time === 'since_due') {
    lo = clock.reach(wn - thr + 1);
    hi = now + 1;
  } else if (thr === 0) {
    lo = INF;
    hi = INF;
  } else {
    lo = clock.reach(wn - thr + 1);
    hi = INF;
  }
  out[2 * k] = lo;
  out[2 * k + 1] = hi;
}

/** The instants `[lo, hi)` of `t` at which the condition holds, for an anchor `a`: `boundsAt` solved for `t`. */
export function timesFor(leaf: TimeLeaf, a: number): [number, number] {
  const { clock, thr } = leaf;
  const wa = clock.at(a);
  if (leaf.time === 'until_due') {
    return leaf.op === 'gt' ? [-INF, clock.reach(wa - thr)] : [clock.reach(wa - thr + 1), a + 1];
  }
  if (leaf.op === 'gt') return [clock.reach(wa + thr + 1), INF];
  if (leaf.time === 'since_due') return [a, clock.reach(wa + thr)];
  return thr === 0 ? [INF, INF] : [-INF, clock.reach(wa + thr)];
}
