import { describe, expect, it } from 'vitest';
import type { ConditionGroup } from '../src/condition-schema.js';
import { nextMatchTime } from '../src/conditions/next-match-time.js';
import type { RuleDefinition, TicketAnchors } from '../src/conditions/rule-context.js';
import { berlin, H, NOW, ticket } from './support/condition-fixtures.js';

describe('nextMatchTime', () => {
  const rule = (conditions: ConditionGroup, categories: string[] = []): RuleDefinition => ({
    categories,
    workSchedule: berlin,
    conditions,
  });
  const anchors: TicketAnchors = {
    createdAt: NOW - H,
    updatedAt: NOW - H,
    statusChangedAt: null,
    dueAt: NOW + 10 * H,
  };
  const next = (r: RuleDefinition, a: TicketAnchors = anchors) => {
    const t = nextMatchTime(r, { ticket, anchors: a, now: NOW });
    return t === null ? null : new Date(t).toISOString();
  };
  it.each<[string, RuleDefinition, string | null]>([
    [
      'matches now',
      rule({ all: [{ field: 'status', op: 'is', value: 'pending' }] }),
      '2026-11-30T12:00:00.000Z',
    ],
    ['never, not time-driven', rule({ all: [{ field: 'status', op: 'is', value: 'closed' }] }), null],
    ['never, other category', rule({ all: [] }, ['tech']), null],
    [
      'after 24 calendar hours since created',
      rule({ all: [{ time: 'since_created', op: 'gt', hours: 24, clock: 'calendar' }] }),
      '2026-12-01T11:00:00.001Z',
    ],
    // Created Monday 12:00 Berlin; 8 working hours: 5 Monday, 3 on Tuesday from 09:00 Berlin.
    [
      'after 8 working hours since created',
      rule({ all: [{ time: 'since_created', op: 'gt', hours: 8, clock: 'working' }] }),
      '2026-12-01T11:00:00.001Z',
    ],
    [
      'due within 4 hours',
      rule({ all: [{ time: 'until_due', op: 'lt', hours: 4, clock: 'calendar' }] }),
      '2026-11-30T18:00:00.001Z',
    ],
    [
      'overdue by 1 h',
      rule({ all: [{ time: 'since_due', op: 'gt', hours: 1, clock: 'calendar' }] }),
      '2026-11-30T23:00:00.001Z',
    ],
    [
      'less-than only stops matching',
      rule({ all: [{ time: 'since_created', op: 'lt', hours: 0.5, clock: 'calendar' }] }),
      null,
    ],
    ['a change condition never comes by waiting', rule({ all: [{ field: 'status', op: 'changed' }] }), null],
    [
      'earliest branch of an any',
      rule({
        any: [
          { time: 'since_created', op: 'gt', hours: 48, clock: 'calendar' },
          { time: 'since_updated', op: 'gt', hours: 2, clock: 'calendar' },
        ],
      }),
      '2026-11-30T13:00:00.001Z',
    ],
    [
      'window that has closed in an all',
      rule({
        all: [
          { time: 'since_created', op: 'gt', hours: 2, clock: 'calendar' },
          { time: 'until_due', op: 'gt', hours: 9, clock: 'calendar' },
        ],
      }),
      null,
    ],
  ])('%s', (_label, r, expected) => {
    expect(next(r)).toBe(expected);
  });

  it('answers null without a due date for due conditions', () => {
    expect(
      next(rule({ all: [{ time: 'since_due', op: 'gt', hours: 1, clock: 'calendar' }] }), {
        ...anchors,
        dueAt: null,
      }),
    ).toBe(null);
  });
});
