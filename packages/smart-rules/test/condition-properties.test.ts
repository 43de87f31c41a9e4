import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition, ConditionGroup, ConditionNode, TimeCondition } from '../src/condition-schema.js';
import { evaluateConditions, ruleMatches } from '../src/conditions/compile-rule.js';
import { nextMatchTime } from '../src/conditions/next-match-time.js';
import type { RuleDefinition, TicketAnchors } from '../src/conditions/rule-context.js';
import type { WorkSchedule } from '../src/work-schedule-schema.js';
import { workingMsBetween } from '../src/working-hours.js';
import { at, berlin, H, one, ticket } from './support/condition-fixtures.js';

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
