import { describe, expect, it } from 'vitest';
import { MAX_CONDITION_DEPTH } from '../src/condition-schema.js';
import { evaluateTicketEvent, type SweepRule } from '../src/rule-sweeper.js';
import { nextTicketState, type TicketState } from '../src/ticket-index.js';
import { base, create, problems } from './support/rule-input.js';

describe('smartRuleCreateSchema', () => {
  it('fills defaults and keeps the conditions as sent', () => {
    expect(create(base)).toEqual({
      name: 'Pending too long',
      description: null,
      active: true,
      categories: [],
      workSchedule: null,
      conditions: { all: [{ field: 'status', op: 'is', value: 'pending' }] },
      action: { type: 'trigger_webhook', url: 'https://example.com/hook' },
    });
  });

  it('parses every kind of condition, nested, and a full work schedule', () => {
    const conditions = {
      any: [
        {
          all: [
            { field: 'priority', op: 'in', value: ['urgent', 'high'] },
            { field: 'tags', op: 'contains', value: 'vip' },
            { field: 'custom_fields.plan', op: 'is_set' },
            { field: 'due_at', op: 'lt', value: '2026-12-01T08:00:00Z' },
            { field: 'amount', op: 'gt', value: 100.5 },
          ],
        },
        { field: 'status', op: 'changed_to', value: 'pending' },
        { field: 'assignee', op: 'changed_from', value: null },
        { field: 'status', op: 'changed' },
        { time: 'since_updated', op: 'gt', hours: 1.5, clock: 'working' },
        { time: 'until_due', op: 'lt', hours: 4 },
      ],
    };
    const workSchedule = {
      timeZone: 'Europe/Berlin',
      hours: { mon: [['09:00', '17:00']], fri: [['22:00', '06:00']], sat: [['00:00', '24:00']] },
      holidays: ['2026-12-26', '2026-12-25', '2026-12-25'],
    };
    const rule = create({ ...base, conditions, workSchedule, categories: ['billing', 'billing', ' tech '] });
    expect(rule.categories).toEqual(['billing', 'tech']);
    expect(rule.workSchedule).toEqual({
      timeZone: 'Europe/Berlin',
      hours: {
        mon: [['09:00', '17:00']],
        tue: [],
        wed: [],
        thu: [],
        fri: [['22:00', '06:00']],
        sat: [['00:00', '24:00']],
        sun: [],
      },
      holidays: ['2026-12-25', '2026-12-26'],
    });
    const any = (rule.conditions as { any: unknown[] }).any;
    expect(any[4]).toEqual({ time: 'since_updated', op: 'gt', hours: 1.5, clock: 'working' });
    expect(any[5]).toEqual({ time: 'until_due', op: 'lt', hours: 4, clock: 'calendar' });
    expect(any[3]).toEqual({ field: 'status', op: 'changed' });
  });

  it('accepts an empty top-level "all" (every ticket in the categories)', () => {
    expect(create({ ...base, conditions: { all: [] } }).conditions).toEqual({ all: [] });
  });

  it.each<[string, unknown, string]>([
    ['no name', { ...base, name: ' ' }, 'name: Give the rule a name.'],
    [
      'unknown field',
      { ...base, colour: 'red' },
      ': "colour" is not a smart-rule field; the fields are name, description, active, categories, workSchedule, conditions, action.',
    ],
    [
      'ftp URL',
      { ...base, action: { type: 'trigger_webhook', url: 'ftp://x.com' } },
      'action.url: The URL must start with http:// or https://, not ftp://.',
    ],
    [
      'credentials in URL',
      { ...base, action: { type: 'trigger_webhook', url: 'https://a:b@x.com' } },
      'action.url: Put credentials in a custom header, not in the URL.',
    ],
    [
      'other action',
      { ...base, action: { type: 'send_email', url: 'https://x.com' } },
      'action.type: The only action is "trigger_webhook".',
    ],
    [
      'no conditions',
      { name: 'x', action: base.action },
      'conditions: Add conditions, e.g. { "all": [ … ] }.',
    ],
    [
      'bare condition',
      { ...base, conditions: { field: 'status', op: 'is', value: 'x' } },
      'conditions: Wrap the conditions in a group: { "all": [ … ] } or { "any": [ … ] }.',
    ],
    [
      'empty any',
      { ...base, conditions: { any: [] } },
      'conditions.any: A group needs at least one condition.',
    ],
    [
      'both all and any',
      { ...base, conditions: { all: [], any: [] } },
      'conditions: A group has exactly one key, "all" or "any"; nest a second group to combine them.',
    ],
    [
      'unknown op',
      { ...base, conditions: { all: [{ field: 'status', op: 'equals', value: 'x' }] } },
      'conditions.all.0.op: "equals" is no operator; use one of is, is_not, in, not_in, contains, not_contains, is_set, is_not_set, gt, lt (field) or changed, changed_from, changed_to (change).',
    ],
    [
      'in without list',
      { ...base, conditions: { all: [{ field: 'status', op: 'in', value: 'x' }] } },
      'conditions.all.0.value: "in" takes a list of values, e.g. ["urgent", "high"].',
    ],
    [
      'is_set with value',
      { ...base, conditions: { all: [{ field: 'x', op: 'is_set', value: 1 }] } },
      'conditions.all.0.value: "is_set" takes no value; remove "value".',
    ],
    [
      'gt on text',
      { ...base, conditions: { all: [{ field: 'x', op: 'gt', value: 'soon' }] } },
      'conditions.all.0.value: "soon" is neither a number nor an ISO date; write e.g. 10, "2026-12-01" or "2026-12-01T08:00:00Z".',
    ],
    [
      'gt on zone-less date-time',
      { ...base, conditions: { all: [{ field: 'x', op: 'gt', value: '2026-12-01T08:00' }] } },
      'conditions.all.0.value: "2026-12-01T08:00" is neither a number nor an ISO date; write e.g. 10, "2026-12-01" or "2026-12-01T08:00:00Z".',
    ],
    [
      'bad path',
      { ...base, conditions: { all: [{ field: 'a..b', op: 'is_set' }] } },
      'conditions.all.0.field: "a..b" is no field path; separate nested fields with single dots, e.g. "custom_fields.plan".',
    ],
    [
      'negative hours',
      { ...base, conditions: { all: [{ time: 'since_created', op: 'gt', hours: -1 }] } },
      'conditions.all.0.hours: "hours" may not be negative.',
    ],
    [
      'unknown anchor',
      { ...base, conditions: { all: [{ time: 'since_closed', op: 'gt', hours: 1 }] } },
      'conditions.all.0.time: "time" is one of since_created, since_updated, since_status_changed, since_due, until_due.',
    ],
    [
      'extra key on a condition',
      { ...base, conditions: { all: [{ field: 'x', op: 'is', value: 1, note: 'n' }] } },
      'conditions.all.0: "note" is not part of a condition; it has field, op, value.',
    ],
    [
      'extra key on a time condition',
      { ...base, conditions: { all: [{ time: 'since_created', op: 'gt', hours: 1, unit: 'h' }] } },
      'conditions.all.0: "unit" is not part of a condition; it has time, op, hours, clock.',
    ],
    [
      'neither field nor time',
      { ...base, conditions: { all: [{ op: 'is', value: 1 }] } },
      'conditions.all.0: A condition has "field" (field or change condition) or "time" (time condition).',
    ],
    [
      'bad zone',
      { ...base, workSchedule: { timeZone: 'Mars/Olympus', hours: { mon: [['09:00', '17:00']] } } },
      'workSchedule.timeZone: "Mars/Olympus" is not a time zone; use an IANA name such as "Europe/Berlin" or "America/New_York".',
    ],
    [
      'offset as zone',
      { ...base, workSchedule: { timeZone: '+02:00', hours: { mon: [['09:00', '17:00']] } } },
      'workSchedule.timeZone: "+02:00" is not a time zone; use an IANA name such as "Europe/Berlin" or "America/New_York".',
    ],
    [
      'bad start',
      { ...base, workSchedule: { timeZone: 'UTC', hours: { mon: [['9:00', '17:00']] } } },
      'workSchedule.hours.mon.0.0: "9:00" is no start time; use 24-hour HH:MM between 00:00 and 23:59.',
    ],
    [
      'bad end',
      { ...base, workSchedule: { timeZone: 'UTC', hours: { mon: [['09:00', '24:30']] } } },
      'workSchedule.hours.mon.0.1: "24:30" is no end time; use 24-hour HH:MM between 00:00 and 24:00.',
    ],
    [
      'empty range',
      { ...base, workSchedule: { timeZone: 'UTC', hours: { mon: [['09:00', '09:00']] } } },
      'workSchedule.hours.mon.0: The range 09:00–09:00 is empty; for a whole day write ["00:00", "24:00"].',
    ],
    [
      'no hours at all',
      { ...base, workSchedule: { timeZone: 'UTC', hours: {} } },
      'workSchedule.hours: The schedule has no working hours at all; add some, or send null for around the clock.',
    ],
    [
      'bad holiday',
      {
        ...base,
        workSchedule: { timeZone: 'UTC', hours: { mon: [['09:00', '17:00']] }, holidays: ['2026-02-30'] },
      },
      'workSchedule.holidays.0: "2026-02-30" is no date; write a holiday as "YYYY-MM-DD".',
    ],
    [
      'unknown weekday',
      { ...base, workSchedule: { timeZone: 'UTC', hours: { monday: [['09:00', '17:00']] } } },
      'workSchedule.hours: "monday" is no weekday; use sun, mon, tue, wed, thu, fri, sat.',
    ],
  ])('refuses %s with a message that says what to fix', (_label, input, expected) => {
    expect(problems(input)).toContain(expected);
  });

  it('puts the first problem in the error message', () => {
    expect(() => create({ ...base, name: '' })).toThrow(
      'The smart rule is not valid. name: Give the rule a name.',
    );
  });

  it(`refuses groups nested deeper than ${MAX_CONDITION_DEPTH} levels, and survives 100,000 levels`, () => {
    let deep: unknown = { field: 'x', op: 'is_set' };
    for (let i = 0; i < 100_000; i++) deep = { all: [deep] };
    expect(problems({ ...base, conditions: deep })[0]).toMatch(
      /^conditions(\.all\.0)+: Groups nest at most 6 levels deep; flatten the rule\.$/,
    );
    let ok: unknown = { field: 'x', op: 'is_set' };
    for (let i = 0; i < MAX_CONDITION_DEPTH; i++) ok = { all: [ok] };
    expect(create({ ...base, conditions: ok }).conditions).toEqual(ok);
  });

  it('refuses more than 200 nodes once, and more than 50 items in a group', () => {
    const wide = {
      all: Array.from({ length: 4 }, () => ({
        all: Array.from({ length: 50 }, () => ({ field: 'x', op: 'is_set' })),
      })),
    };
    expect(problems({ ...base, conditions: wide })).toEqual([
      'conditions.all.3.all.45: A rule has at most 200 conditions and groups; simplify it.',
    ]);
    const tooWide = { all: Array.from({ length: 51 }, () => ({ field: 'x', op: 'is_set' })) };
    expect(problems({ ...base, conditions: tooWide })).toEqual([
      'conditions.all: A group holds at most 50 items; nest groups.',
    ]);
  });
});

describe('parsed rules feed the matcher as they are', () => {
  it('types line up: create output + id is a SweepRule', () => {
    const parsed = create({
      ...base,
      workSchedule: { timeZone: 'Europe/Berlin', hours: { mon: [['09:00', '17:00']] } },
    });
    const rule: SweepRule = { ...parsed, id: 'r1' };
    const ticket = nextTicketState(undefined, {
      type: 'ticket.created',
      ticket: { id: 1, status: 'pending' },
      at: 0,
    });
    expect(evaluateTicketEvent([rule], ticket as TicketState, undefined, 0).fire).toEqual([
      { ruleId: 'r1', ticketId: '1', hold: true },
    ]);
  });
});
