import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition, ConditionGroup, ConditionNode, TimeCondition } from '../src/condition-schema.js';
import { compileRule, evaluateConditions, ruleMatches } from '../src/conditions/compile-rule.js';
import { nextMatchTime } from '../src/conditions/next-match-time.js';
import type { RuleDefinition, TicketAnchors, TicketChanges } from '../src/conditions/rule-context.js';
import type { WorkSchedule } from '../src/work-schedule-schema.js';
import { workingMsBetween } from '../src/working-hours.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-11-30T12:00:00Z'); // Monday 13:00 in Berlin
const noAnchors: TicketAnchors = { createdAt: null, updatedAt: null, statusChangedAt: null, dueAt: null };
const berlin: WorkSchedule = {
  timeZone: 'Europe/Berlin',
  hours: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
    sat: [],
    sun: [],
  },
  holidays: ['2026-12-25'],
};

const ticket = {
  id: 42,
  status: 'pending',
  priority: 'urgent',
  category: 'billing',
  subject: 'Refund for order 7',
  tags: ['vip', 'eu'],
  amount: 120,
  assignee: null,
  empty: '',
  none: [],
  custom_fields: { plan: 'pro', seats: 5 },
  closed_at: '2026-11-20T10:00:00Z',
  local_time: '2026-11-20T10:00:00',
};

const one = (c: Condition, context: Partial<Parameters<typeof evaluateConditions>[1]> = {}) =>
  evaluateConditions({ all: [c] }, { ticket, anchors: noAnchors, now: NOW, schedule: null, ...context });

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

// ---- properties ----

const H_MS = fc.integer({ min: 0, max: 200 }).map((n) => n / 4);
const timeLeaf: fc.Arbitrary<Condition> = fc.record({
  time: fc.constantFrom('since_created', 'since_updated', 'since_status_changed', 'since_due', 'until_due'),
  op: fc.constantFrom('gt', 'lt'),
  hours: H_MS,
  clock: fc.constantFrom('calendar', 'working'),
}) as fc.Arbitrary<Condition>;
const fieldLeaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    field: fc.constantFrom('status', 'priority', 'custom_fields.plan', 'tags'),
    op: fc.constantFrom('is', 'is_not', 'contains', 'not_contains'),
    value: fc.constantFrom('pending', 'urgent', 'pro', 'vip', 1),
  }),
  fc.record({
    field: fc.constantFrom('status', 'amount', 'custom_fields.seats'),
    op: fc.constantFrom('gt', 'lt'),
    value: fc.integer({ min: -5, max: 200 }),
  }),
  fc.record({
    field: fc.constantFrom('assignee', 'tags', 'missing'),
    op: fc.constantFrom('is_set', 'is_not_set'),
  }),
  fc.record({
    field: fc.constantFrom('status', 'priority'),
    op: fc.constantFrom('in', 'not_in'),
    value: fc.constant(['pending', 'low']),
  }),
  fc
    .record({
      field: fc.constantFrom('status', 'custom_fields.plan'),
      op: fc.constantFrom('changed', 'changed_to'),
      value: fc.constant('pending'),
    })
    .map((c) => (c.op === 'changed' ? { field: c.field, op: 'changed' } : c)),
) as fc.Arbitrary<Condition>;
const { node } = fc.letrec<{ node: ConditionNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 2 },
    timeLeaf,
    fieldLeaf,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
  ),
}));
const group = node.map((n) => ('all' in n || 'any' in n ? n : { all: [n] }) as ConditionGroup);
const instant = fc.integer({ min: at('2026-10-01T00:00:00Z'), max: at('2027-02-01T00:00:00Z') });
const maybeInstant = fc.option(instant, { nil: null });
const anchorsArb = fc.record({
  createdAt: maybeInstant,
  updatedAt: maybeInstant,
  statusChangedAt: maybeInstant,
  dueAt: maybeInstant,
});
const scheduleArb = fc.constantFrom<WorkSchedule | null>(
  null,
  berlin,
  { ...berlin, timeZone: 'Pacific/Kiritimati' },
  {
    timeZone: 'America/New_York',
    hours: {
      mon: [['22:00', '06:00']],
      tue: [],
      wed: [['00:00', '24:00']],
      thu: [],
      fri: [
        ['08:30', '12:00'],
        ['13:00', '17:30'],
      ],
      sat: [],
      sun: [],
    },
    holidays: [],
  },
);

function reference(
  c: TimeCondition,
  anchors: TicketAnchors,
  now: number,
  schedule: WorkSchedule | null,
): boolean {
  const key = (
    {
      since_created: 'createdAt',
      since_updated: 'updatedAt',
      since_status_changed: 'statusChangedAt',
      since_due: 'dueAt',
      until_due: 'dueAt',
    } as const
  )[c.time];
  const a = anchors[key];
  if (a === null) return false;
  const s = c.clock === 'working' ? schedule : null;
  const thr = Math.round(c.hours * H);
  if (c.time === 'until_due') {
    if (a < now) return false;
    const left = workingMsBetween(s, now, a);
    return c.op === 'gt' ? left > thr : left < thr;
  }
  let elapsed = workingMsBetween(s, a, now);
  if (c.time === 'since_due') {
    if (a > now) return false;
  } else elapsed = Math.max(0, elapsed);
  return c.op === 'gt' ? elapsed > thr : elapsed < thr;
}

describe('condition properties', () => {
  it('time conditions agree with a direct count of (working) time', () => {
    fc.assert(
      fc.property(timeLeaf, anchorsArb, instant, scheduleArb, (c, anchors, now, schedule) => {
        expect(one(c, { anchors, now, schedule })).toBe(
          reference(c as TimeCondition, anchors, now, schedule),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('all/any follow boolean logic: all[a,b] = a∧b, any[a,b] = a∨b, one-item groups are the item', () => {
    fc.assert(
      fc.property(group, group, anchorsArb, instant, scheduleArb, (a, b, anchors, now, schedule) => {
        const ctx = { ticket, anchors, now, schedule, changes: { status: { old: 'open', new: 'pending' } } };
        const x = evaluateConditions(a, ctx);
        const y = evaluateConditions(b, ctx);
        expect(evaluateConditions({ all: [a, b] }, ctx)).toBe(x && y);
        expect(evaluateConditions({ any: [a, b] }, ctx)).toBe(x || y);
        expect(evaluateConditions({ any: [a] }, ctx)).toBe(x);
        expect(evaluateConditions({ all: [{ any: [a] }] }, ctx)).toBe(x);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary tickets and changes', () => {
    fc.assert(
      fc.property(
        group,
        fc.anything(),
        fc.option(fc.dictionary(fc.string(), fc.anything() as fc.Arbitrary<never>)),
        anchorsArb,
        instant,
        (g, t, ch, anchors, now) => {
          const result = evaluateConditions(g, {
            ticket: t,
            changes: ch ?? undefined,
            anchors,
            now,
            schedule: berlin,
          });
          expect(typeof result).toBe('boolean');
          const n = nextMatchTime(
            { categories: ['x'], workSchedule: berlin, conditions: g },
            { ticket: t, anchors, now },
          );
          expect(n === null || n >= now).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('nextMatchTime is the first instant at which the rule matches if only time passes', () => {
    fc.assert(
      fc.property(
        group,
        anchorsArb,
        instant,
        scheduleArb,
        fc.array(fc.integer({ min: 0, max: 60 * 24 * H }), { maxLength: 5 }),
        (g, anchors, now, schedule, probes) => {
          const rule: RuleDefinition = { categories: [], workSchedule: schedule, conditions: g };
          const matches = (t: number) => ruleMatches(rule, { ticket, anchors, now: t });
          const first = nextMatchTime(rule, { ticket, anchors, now });
          if (first === null) {
            for (const p of probes) expect(matches(now + p)).toBe(false);
            return;
          }
          expect(first).toBeGreaterThanOrEqual(now);
          expect(matches(first)).toBe(true);
          if (first > now) {
            expect(matches(first - 1)).toBe(false);
            for (const p of probes) if (now + p < first) expect(matches(now + p)).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
