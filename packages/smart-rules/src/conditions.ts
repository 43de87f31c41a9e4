import {
  type ChangeCondition,
  type ConditionGroup,
  type ConditionNode,
  type FieldCondition,
  isGroup,
  MAX_CONDITION_DEPTH,
  type TimeCondition,
} from './condition-schema.js';
import { instantOf, sameJson, valueAt } from './ticket-path.js';
import type { WorkSchedule } from './work-schedule-schema.js';
import { type WorkingClock, workingClock } from './working-hours.js';

/**
 * The instants (epoch ms, or `null` when unknown) time conditions count from. The engine resolves
 * them as docs/admin-api.md says (`created_at`, else the `ticket.created` event seen; …); any object with
 * these four fields will do, so a stored ticket state can be passed as it is.
 */
export interface TicketAnchors {
  createdAt: number | null;
  updatedAt: number | null;
  statusChangedAt: number | null;
  dueAt: number | null;
}

/** `changes` of a `ticket.updated` event (docs/wire.md): `{ field: { old, new } }` per top-level field. */
export type TicketChanges = Record<string, { old: unknown; new: unknown }>;

/** Everything a rule's conditions are evaluated against. */
export interface RuleContext {
  /** The ticket as the host gave it. */
  ticket: unknown;
  /** `changes` of the `ticket.updated` event being handled; `undefined` on other events and on sweeps. */
  changes?: TicketChanges | undefined;
  anchors: TicketAnchors;
  /** The instant of evaluation, epoch ms: the event's time, or the sweep's. */
  now: number;
  /** The rule's `workSchedule`: what `working` clocks count; `null` is around the clock. */
  schedule: WorkSchedule | null;
}

/** The parts of a (schema-parsed) smart rule that matching reads. */
export interface RuleDefinition {
  /** The rule applies only to tickets whose `category` is listed; `[]` means every ticket. */
  categories: readonly string[];
  workSchedule: WorkSchedule | null;
  conditions: ConditionGroup;
}

/** Does the ticket match the rule at the instant the matcher was made for? Never throws on any ticket. */
export type RuleMatcher = (ticket: unknown, anchors: TicketAnchors, changes?: TicketChanges) => boolean;

/** A rule compiled once: field paths split, values parsed, time conditions ready to become bounds. */
export interface CompiledRule {
  /** True when some condition counts hours: only such rules can change their answer without an event. */
  readonly hasTimeConditions: boolean;
  /** True when some condition is a change condition (`changed`, `changed_from`, `changed_to`). */
  readonly hasChangeConditions: boolean;
  /**
   * A matcher for instant `now`. Each time condition's threshold is turned into bounds on its anchor
   * once here (working-hours math included), so a ticket then costs a few comparisons: make one
   * matcher per sweep or event and use it for every ticket.
   */
  at(now: number): RuleMatcher;
}

type Node = (
  ticket: unknown,
  anchors: TicketAnchors,
  changes: TicketChanges | undefined,
  bounds: Float64Array,
) => boolean;

interface TimeLeaf {
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

const INF = Number.POSITIVE_INFINITY;

function isChange(node: FieldCondition | ChangeCondition): node is ChangeCondition {
  return node.op === 'changed' || node.op === 'changed_from' || node.op === 'changed_to';
}

// Keys a plain JSON object or array inherits: only these need an own-property check, which is
// otherwise the slowest part of a field lookup on a sweep over 100,000 tickets.
function inherited(key: string): boolean {
  return key in Object.prototype || key in Array.prototype;
}

function getter(field: string): (ticket: unknown) => unknown {
  const segments = field.split('.');
  if (segments.some(inherited)) return (ticket) => valueAt(ticket, segments);
  if (segments.length === 1) {
    const key = segments[0] as string;
    return (ticket) =>
      typeof ticket === 'object' && ticket !== null ? (ticket as Record<string, unknown>)[key] : undefined;
  }
  if (segments.length === 2) {
    const [a, b] = segments as [string, string];
    return (ticket) => {
      if (typeof ticket !== 'object' || ticket === null) return undefined;
      const inner = (ticket as Record<string, unknown>)[a];
      return typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>)[b] : undefined;
    };
  }
  return (ticket) => {
    let value = ticket;
    for (let i = 0; i < segments.length; i++) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[segments[i] as string];
    }
    return value;
  };
}

function isSet(value: unknown): boolean {
  return (
    value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)
  );
}

function compileField(c: FieldCondition): Node {
  const get = getter(c.field);
  switch (c.op) {
    case 'is': {
      const v = c.value;
      return (t) => get(t) === v;
    }
    case 'is_not': {
      const v = c.value;
      return (t) => get(t) !== v;
    }
    case 'in': {
      const set = new Set<unknown>(c.value);
      return (t) => set.has(get(t));
    }
    case 'not_in': {
      const set = new Set<unknown>(c.value);
      return (t) => !set.has(get(t));
    }
    case 'contains':
    case 'not_contains': {
      const v = c.value;
      const negate = c.op === 'not_contains';
      return (t) => {
        const x = get(t);
        const hit =
          typeof x === 'string' ? typeof v === 'string' && x.includes(v) : Array.isArray(x) && x.includes(v);
        return hit !== negate;
      };
    }
    case 'is_set':
      return (t) => isSet(get(t));
    case 'is_not_set':
      return (t) => !isSet(get(t));
    case 'gt':
    case 'lt': {
      const gt = c.op === 'gt';
      if (typeof c.value === 'number') {
        const v = c.value;
        return (t) => {
          const x = get(t);
          return typeof x === 'number' && (gt ? x > v : x < v);
        };
      }
      const v = Date.parse(c.value);
      return (t) => {
        const x = instantOf(get(t));
        // NaN (no date there) compares false both ways.
        return gt ? x > v : x < v;
      };
    }
  }
}

function compileChange(c: ChangeCondition): Node {
  const [head, ...rest] = c.field.split('.') as [string, ...string[]];
  const op = c.op;
  const value = op === 'changed' ? undefined : (c as { value: unknown }).value;
  return (_t, _a, changes) => {
    if (changes === undefined || changes === null || !Object.hasOwn(changes, head)) return false;
    const entry = changes[head];
    if (typeof entry !== 'object' || entry === null) return false;
    let before = entry.old;
    let after = entry.new;
    if (rest.length > 0) {
      // `changes` lists top-level fields; a nested path changed when its value differs inside them.
      before = valueAt(before, rest);
      after = valueAt(after, rest);
      if (sameJson(before, after)) return false;
    }
    if (op === 'changed') return true;
    return ((op === 'changed_from' ? before : after) ?? null) === value;
  };
}

function compileTime(c: TimeCondition, schedule: WorkSchedule | null, leaves: TimeLeaf[]): Node {
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

interface Flags {
  time: boolean;
  change: boolean;
}

/** Unparsed conditions could nest without bound; parsed ones never pass this. */
function assertDepth(depth: number): void {
  if (depth > MAX_CONDITION_DEPTH) {
    throw new TypeError(
      `\`conditions\` nest deeper than ${MAX_CONDITION_DEPTH} levels; parse them with smartRuleCreateSchema first.`,
    );
  }
}

function compileNode(
  node: ConditionNode,
  schedule: WorkSchedule | null,
  leaves: TimeLeaf[],
  flags: Flags,
  depth: number,
): Node {
  assertDepth(depth);
  if (isGroup(node)) {
    const isAll = 'all' in node;
    const items = isAll ? (node as { all: ConditionNode[] }).all : (node as { any: ConditionNode[] }).any;
    // Time conditions first: after `at(now)` they are two comparisons, cheaper than a path lookup.
    const sorted = [...items].sort((a, b) => rank(a) - rank(b));
    const children = sorted.map((child) => compileNode(child, schedule, leaves, flags, depth + 1));
    const n = children.length;
    if (n === 1) return children[0] as Node;
    if (isAll) {
      return (t, a, c, b) => {
        for (let i = 0; i < n; i++) if (!(children[i] as Node)(t, a, c, b)) return false;
        return true;
      };
    }
    return (t, a, c, b) => {
      for (let i = 0; i < n; i++) if ((children[i] as Node)(t, a, c, b)) return true;
      return false;
    };
  }
  if ('time' in node) {
    flags.time = true;
    return compileTime(node, schedule, leaves);
  }
  if (isChange(node)) {
    flags.change = true;
    return compileChange(node);
  }
  return compileField(node);
}

function rank(node: ConditionNode): number {
  if (isGroup(node)) return 2;
  return 'time' in node ? 0 : 1;
}

/**
 * The instants `[lo, hi)` the anchor must lie in for the condition to hold at `now`. Derivation, with
 * `W` the clock's running total and `reach(x)` the first instant where `W >= x`: "more than h since a"
 * is `W(now) - W(a) > h`, i.e. `W(a) < W(now) - h`, i.e. `a < reach(W(now) - h)`. `since_*` counts
 * an anchor in the future as 0 h (clock skew between host and Hookdesk); `since_due` needs the due
 * time passed and `until_due` needs it still ahead, so an overdue ticket is never "due within 4 h".
 */
function boundsAt(leaf: TimeLeaf, now: number, out: Float64Array, k: number): void {
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
function timesFor(leaf: TimeLeaf, a: number): [number, number] {
  const { clock, thr } = leaf;
  const wa = clock.at(a);
  if (leaf.time === 'until_due') {
    return leaf.op === 'gt' ? [-INF, clock.reach(wa - thr)] : [clock.reach(wa - thr + 1), a + 1];
  }
  if (leaf.op === 'gt') return [clock.reach(wa + thr + 1), INF];
  if (leaf.time === 'since_due') return [a, clock.reach(wa + thr)];
  return thr === 0 ? [INF, INF] : [-INF, clock.reach(wa + thr)];
}

const compiledRules = new WeakMap<object, CompiledRule>();

/**
 * Compiles a schema-parsed rule for repeated matching; cached per rule object, so rule objects are
 * treated as immutable: an edit (PATCH) must produce a new object.
 * @throws TypeError when `conditions` nest deeper than `MAX_CONDITION_DEPTH` (unparsed input).
 */
export function compileRule(rule: RuleDefinition): CompiledRule {
  const cached = compiledRules.get(rule);
  if (cached) return cached;
  const leaves: TimeLeaf[] = [];
  const flags: Flags = { time: false, change: false };
  const root = compileNode(rule.conditions, rule.workSchedule, leaves, flags, 1);
  const categories = rule.categories.length > 0 ? new Set<unknown>(rule.categories) : null;
  const getCategory = getter('category');
  const compiled: CompiledRule = {
    hasTimeConditions: flags.time,
    hasChangeConditions: flags.change,
    at(now) {
      const bounds = new Float64Array(leaves.length * 2);
      for (let k = 0; k < leaves.length; k++) boundsAt(leaves[k] as TimeLeaf, now, bounds, k);
      return (ticket, anchors, changes) =>
        (categories === null || categories.has(getCategory(ticket))) &&
        root(ticket, anchors, changes, bounds);
    },
  };
  compiledRules.set(rule, compiled);
  return compiled;
}

/**
 * Does `context.ticket` satisfy `conditions` at `context.now`? Categories are not looked at here
 * (see `ruleMatches`). Field conditions compare strictly (`"42"` is not `42`, case counts); a missing
 * field satisfies only `is_not`, `not_in`, `not_contains` and `is_not_set`. Change conditions hold only
 * when `context.changes` carries the field. A time condition whose anchor is `null` does not hold.
 *
 * @example
 * evaluateConditions({ all: [{ field: 'status', op: 'is', value: 'pending' },
 *   { time: 'since_updated', op: 'gt', hours: 24, clock: 'working' }] },
 *   { ticket, anchors, now: clock.now(), schedule });
 */
export function evaluateConditions(conditions: ConditionGroup, context: RuleContext): boolean {
  return compileRule(definitionOf(conditions, context.schedule)).at(context.now)(
    context.ticket,
    context.anchors,
    context.changes,
  );
}

const byConditions = new WeakMap<ConditionGroup, { schedule: WorkSchedule | null; rule: RuleDefinition }>();

function definitionOf(conditions: ConditionGroup, schedule: WorkSchedule | null): RuleDefinition {
  const hit = byConditions.get(conditions);
  if (hit && hit.schedule === schedule) return hit.rule;
  const rule: RuleDefinition = { categories: [], workSchedule: schedule, conditions };
  byConditions.set(conditions, { schedule, rule });
  return rule;
}

/** Does the rule apply to the ticket (categories) and do its conditions hold at `context.now`? */
export function ruleMatches(rule: RuleDefinition, context: Omit<RuleContext, 'schedule'>): boolean {
  return compileRule(rule).at(context.now)(context.ticket, context.anchors, context.changes);
}

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
