import {
  type ConditionGroup,
  type ConditionNode,
  isGroup,
  MAX_CONDITION_DEPTH,
} from '../condition-schema.js';
import type { WorkSchedule } from '../work-schedule-schema.js';
import { compileChange, isChange } from './change-conditions.js';
import { compileField, getter } from './field-conditions.js';
import type { CompiledCondition, CompiledRule, RuleContext, RuleDefinition } from './rule-context.js';
import { boundsAt, compileTime, type TimeLeaf } from './time-conditions.js';

interface Flags {
  time: boolean;
  change: boolean;
}

/** Unparsed conditions could nest without bound; parsed ones never pass this. */
export function assertDepth(depth: number): void {
  if (depth > MAX_CONDITION_DEPTH) {
    throw new TypeError(
      `\`conditions\` nest deeper than ${MAX_CONDITION_DEPTH} levels; parse them with smartRuleCreateSchema first.`,
    );
  }
}

/** A condition or an `all` / `any` group of them, compiled; a group stops at the first child that decides. */
function compileNode(
  node: ConditionNode,
  schedule: WorkSchedule | null,
  leaves: TimeLeaf[],
  flags: Flags,
  depth: number,
): CompiledCondition {
  assertDepth(depth);
  if (isGroup(node)) {
    const isAll = 'all' in node;
    const items = isAll ? (node as { all: ConditionNode[] }).all : (node as { any: ConditionNode[] }).any;
    // Time conditions first: after `at(now)` they are two comparisons, cheaper than a path lookup.
    const sorted = [...items].sort((a, b) => rank(a) - rank(b));
    const children = sorted.map((child) => compileNode(child, schedule, leaves, flags, depth + 1));
    const n = children.length;
    if (n === 1) return children[0] as CompiledCondition;
    if (isAll) {
      return (t, a, c, b) => {
        for (let i = 0; i < n; i++) if (!(children[i] as CompiledCondition)(t, a, c, b)) return false;
        return true;
      };
    }
    return (t, a, c, b) => {
      for (let i = 0; i < n; i++) if ((children[i] as CompiledCondition)(t, a, c, b)) return true;
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
