import type { ConditionGroup } from './condition-schema.js';
import type { SweepRule } from './rule-sweeper.js';
import { smartRuleCreateSchema } from './smart-rule-schema.js';
import type { SmartRuleRecord } from './storage/smart-rule-record.js';
import type { WorkSchedule } from './work-schedule-schema.js';

/** A smart rule as the admin API shows it (docs/admin-api.md, "SmartRule"). */
export interface SmartRule {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  /** The rule applies only to tickets whose `category` is listed; `[]` means every ticket. */
  categories: string[];
  /** `null`: around the clock. */
  workSchedule: WorkSchedule | null;
  conditions: ConditionGroup;
  action: { type: 'trigger_webhook'; url: string };
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
}

/** A stored rule parsed for evaluation: what the sweeper needs, plus where and under which name it sends. */
export interface EvaluableRule extends SweepRule {
  name: string;
  url: string;
}

/** The admin view of a stored rule: exactly the documented fields, none a newer writer added. */
export function toSmartRule(record: SmartRuleRecord): SmartRule {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    active: record.active,
    categories: record.categories,
    workSchedule: record.workSchedule as WorkSchedule | null,
    conditions: record.conditions as ConditionGroup,
    action: { type: 'trigger_webhook', url: record.action.url },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * Parses a stored rule through `smartRuleCreateSchema`, as compiling needs (storage keeps conditions
 * and schedules as plain JSON); the issues when it does not parse (written by another version, or
 * by hand).
 */
export function parseStoredRule(
  record: SmartRuleRecord,
): { rule: EvaluableRule; problem: null } | { rule: null; problem: string } {
  const result = smartRuleCreateSchema.safeParse({
    name: record.name,
    description: record.description,
    active: record.active,
    categories: record.categories,
    workSchedule: record.workSchedule,
    conditions: record.conditions,
    action: record.action,
  });
  if (!result.success) {
    return {
      rule: null,
      problem: result.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || 'rule'}: ${issue.message}`)
        .join('; '),
    };
  }
  const parsed = result.data;
  return {
    rule: {
      id: record.id,
      active: parsed.active,
      name: parsed.name,
      url: parsed.action.url,
      categories: parsed.categories,
      workSchedule: parsed.workSchedule,
      conditions: parsed.conditions,
    },
    problem: null,
  };
}
