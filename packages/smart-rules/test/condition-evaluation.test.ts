import { describe, expect, it } from 'vitest';
import type { Condition, ConditionGroup, ConditionNode, TimeCondition } from '../src/condition-schema.js';
import { compileRule, evaluateConditions, ruleMatches } from '../src/conditions/compile-rule.js';
import type { RuleDefinition, TicketAnchors, TicketChanges } from '../src/conditions/rule-context.js';
import { at, berlin, H, NOW, noAnchors, one, ticket } from './support/condition-fixtures.js';

describe('field conditions', () => {
  it.each<[Condition, boolean]>([
    [{ field: 'status', op: 'is', value: 'pending' }, true],
    [{ field: 'status', op: 'is', value: 'Pending' }, false],
    [{ field: 'id', op: 'is', value: '42' }, false],
    [{ field: 'id', op: 'is', value: 42 }, true],
    [{ field: 'status', op: 'is_not', value: 'open' }, true],
    [{ field: 'missing', op: 'is_not', value: 'open' }, true],
    [{ field: 'priority', op: 'in', value: ['urgent', 'high'] }, true],
    [{ field: 'priority', op: 'in', value: ['low'] }, false],
    [{ field: 'priority', op: 'not_in', value: ['low'] }, true],
    [{ field: 'missing', op: 'in', value: ['low'] }, false],
    [{ field: 'subject', op: 'contains', value: 'Refund' }, true],
    [{ field: 'subject', op: 'contains', value: 'refund' }, false],
    [{ field: 'tags', op: 'contains', value: 'vip' }, true],
    [{ field: 'tags', op: 'contains', value: 'vi' }, false],
    [{ field: 'tags', op: 'not_contains', value: 'spam' }, true],
    [{ field: 'missing', op: 'contains', value: 'x' }, false],
    [{ field: 'missing', op: 'not_contains', value: 'x' }, true],
    [{ field: 'amount', op: 'contains', value: 1 }, false],
    [{ field: 'custom_fields.plan', op: 'is', value: 'pro' }, true],
    [{ field: 'custom_fields.seats', op: 'gt', value: 4 }, true],
    [{ field: 'custom_fields.seats', op: 'lt', value: 5 }, false],
    [{ field: 'custom_fields.plan.x', op: 'is_set' }, false],
    [{ field: 'custom_fields', op: 'is_set' }, true],
    [{ field: 'assignee', op: 'is_set' }, false],
    [{ field: 'assignee', op: 'is_not_set' }, true],
    [{ field: 'empty', op: 'is_not_set' }, true],
    [{ field: 'none', op: 'is_not_set' }, true],
    [{ field: 'tags', op: 'is_set' }, true],
    [{ field: 'amount', op: 'gt', value: 100 }, true],
    [{ field: 'amount', op: 'lt', value: 100 }, false],
    [{ field: 'subject', op: 'gt', value: 1 }, false],
    [{ field: 'closed_at', op: 'lt', value: '2026-11-21' }, true],
    [{ field: 'closed_at', op: 'gt', value: '2026-11-20T10:00:00+01:00' }, true],
    [{ field: 'local_time', op: 'gt', value: '2026-11-20T09:59:59Z' }, true],
    [{ field: 'amount', op: 'gt', value: '2026-01-01' }, false],
    [{ field: '__proto__', op: 'is_set' }, false],
    [{ field: 'constructor', op: 'is_set' }, false],
    [{ field: 'tags.0', op: 'is', value: 'vip' }, true],
  ])('%j → %s', (condition, expected) => {
    expect(one(condition)).toBe(expected);
  });
});

describe('change conditions', () => {
  const changes: TicketChanges = {
    status: { old: 'open', new: 'pending' },
    assignee: { old: null, new: 'ana' },
    custom_fields: { old: { plan: 'free', seats: 5 }, new: { plan: 'pro', seats: 5 } },
  };
  it.each<[Condition, TicketChanges | undefined, boolean]>([
    [{ field: 'status', op: 'changed' }, changes, true],
    [{ field: 'priority', op: 'changed' }, changes, false],
    [{ field: 'status', op: 'changed' }, undefined, false],
    [{ field: 'status', op: 'changed_to', value: 'pending' }, changes, true],
    [{ field: 'status', op: 'changed_to', value: 'open' }, changes, false],
    [{ field: 'status', op: 'changed_from', value: 'open' }, changes, true],
    [{ field: 'assignee', op: 'changed_from', value: null }, changes, true],
    [{ field: 'custom_fields.plan', op: 'changed' }, changes, true],
    [{ field: 'custom_fields.plan', op: 'changed_from', value: 'free' }, changes, true],
    [{ field: 'custom_fields.seats', op: 'changed' }, changes, false],
    [{ field: 'status', op: 'changed' }, { status: null } as unknown as TicketChanges, false],
  ])('%j with %j → %s', (condition, ch, expected) => {
    expect(one(condition, { changes: ch })).toBe(expected);
  });
});

describe('time conditions', () => {
  const anchors: TicketAnchors = {
    createdAt: at('2026-11-27T15:00:00Z'), // Friday 16:00 Berlin: 69 calendar hours, 5 working hours before NOW
    updatedAt: at('2026-11-30T11:30:00Z'),
    statusChangedAt: null,
    dueAt: at('2026-11-30T15:00:00Z'),
  };
  const time = (c: Omit<TimeCondition, 'clock'> & { clock?: TimeCondition['clock'] }) =>
    one({ clock: 'calendar', ...c } as TimeCondition, { anchors, schedule: berlin });
  it.each<[Omit<TimeCondition, 'clock'> & { clock?: TimeCondition['clock'] }, boolean]>([
    [{ time: 'since_created', op: 'gt', hours: 68 }, true], // 69 calendar hours
    [{ time: 'since_created', op: 'gt', hours: 69 }, false],
    [{ time: 'since_created', op: 'lt', hours: 69.01 }, true],
    [{ time: 'since_created', op: 'gt', hours: 4.9, clock: 'working' }, true], // Fri 16–17 + Mon 09–13 = 5 h
    [{ time: 'since_created', op: 'gt', hours: 5, clock: 'working' }, false],
    [{ time: 'since_created', op: 'lt', hours: 5.01, clock: 'working' }, true],
    [{ time: 'since_updated', op: 'lt', hours: 0.5 }, false],
    [{ time: 'since_updated', op: 'lt', hours: 0.51 }, true],
    [{ time: 'since_status_changed', op: 'gt', hours: 0 }, false],
    [{ time: 'since_status_changed', op: 'lt', hours: 1000 }, false],
    [{ time: 'until_due', op: 'lt', hours: 4 }, true],
    [{ time: 'until_due', op: 'lt', hours: 3 }, false],
    [{ time: 'until_due', op: 'gt', hours: 2.5 }, true],
    [{ time: 'until_due', op: 'lt', hours: 3.01, clock: 'working' }, true], // 13:00–16:00 Berlin, all working
    [{ time: 'until_due', op: 'lt', hours: 3, clock: 'working' }, false],
    [{ time: 'since_due', op: 'gt', hours: 0 }, false],
    [{ time: 'since_due', op: 'lt', hours: 100 }, false],
  ])('%j → %s', (condition, expected) => {
    expect(time(condition)).toBe(expected);
  });

  it('treats an overdue ticket as past due, not as due soon', () => {
    const overdue = { ...anchors, dueAt: NOW - 2 * H };
    const c = (x: TimeCondition) => one(x, { anchors: overdue, schedule: berlin });
    expect(c({ time: 'since_due', op: 'gt', hours: 1, clock: 'calendar' })).toBe(true);
    expect(c({ time: 'since_due', op: 'lt', hours: 3, clock: 'calendar' })).toBe(true);
    expect(c({ time: 'until_due', op: 'lt', hours: 4, clock: 'calendar' })).toBe(false);
    expect(c({ time: 'until_due', op: 'gt', hours: 0, clock: 'calendar' })).toBe(false);
  });

  it('counts an anchor in the future (clock skew) as 0 hours since', () => {
    const skewed = { ...anchors, createdAt: NOW + 5_000 };
    expect(one({ time: 'since_created', op: 'lt', hours: 1, clock: 'calendar' }, { anchors: skewed })).toBe(
      true,
    );
    expect(one({ time: 'since_created', op: 'gt', hours: 0, clock: 'calendar' }, { anchors: skewed })).toBe(
      false,
    );
  });
});

describe('groups and categories', () => {
  const T: Condition = { field: 'status', op: 'is', value: 'pending' };
  const F: Condition = { field: 'status', op: 'is', value: 'closed' };
  it.each<[ConditionGroup, boolean]>([
    [{ all: [] }, true],
    [{ all: [T, T] }, true],
    [{ all: [T, F] }, false],
    [{ any: [F, T] }, true],
    [{ any: [F, F] }, false],
    [{ any: [F, { all: [T, { any: [F, T] }] }] }, true],
  ])('%j → %s', (group, expected) => {
    expect(evaluateConditions(group, { ticket, anchors: noAnchors, now: NOW, schedule: null })).toBe(
      expected,
    );
  });

  it('applies a rule only to tickets in its categories; [] means all', () => {
    const rule = (categories: string[]): RuleDefinition => ({
      categories,
      workSchedule: null,
      conditions: { all: [T] },
    });
    const ctx = { ticket, anchors: noAnchors, now: NOW };
    expect(ruleMatches(rule([]), ctx)).toBe(true);
    expect(ruleMatches(rule(['billing', 'tech']), ctx)).toBe(true);
    expect(ruleMatches(rule(['tech']), ctx)).toBe(false);
    expect(ruleMatches(rule(['tech']), { ...ctx, ticket: { status: 'pending' } })).toBe(false);
  });

  it('reports whether a rule has time and change conditions', () => {
    const r = compileRule({
      categories: [],
      workSchedule: null,
      conditions: { any: [T, { field: 'status', op: 'changed' }] },
    });
    expect([r.hasTimeConditions, r.hasChangeConditions]).toEqual([false, true]);
    const s = compileRule({
      categories: [],
      workSchedule: null,
      conditions: { all: [{ time: 'since_created', op: 'gt', hours: 1, clock: 'calendar' }] },
    });
    expect([s.hasTimeConditions, s.hasChangeConditions]).toEqual([true, false]);
  });

  it('refuses unparsed conditions nested too deep, naming the fix', () => {
    let deep: ConditionNode = T;
    for (let i = 0; i < 10; i++) deep = { all: [deep] };
    expect(() =>
      compileRule({ categories: [], workSchedule: null, conditions: deep as ConditionGroup }),
    ).toThrow('`conditions` nest deeper than 6 levels; parse them with smartRuleCreateSchema first.');
  });
});
