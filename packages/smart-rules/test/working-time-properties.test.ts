import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkSchedule } from '../src/work-schedule-schema.js';
import { addWorkingMs, workingClock, workingMsBetween } from '../src/working-hours.js';
import { allDay, at, H, nights, nineToFive, none } from './support/work-schedules.js';

const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'UTC',
];
const schedules = fc.constantFrom(
  ...zones.flatMap((z) => [
    nineToFive(z, ['2026-12-25', '2027-01-01']),
    nights(z, ['2026-03-09']),
    allDay(z),
  ]),
);
const instant = fc.integer({ min: at('2025-06-01T00:00:00Z'), max: at('2027-06-01T00:00:00Z') });

describe('working-time properties', () => {
  it('addWorkingMs is the inverse of workingMsBetween, to the millisecond', () => {
    fc.assert(
      fc.property(schedules, instant, fc.integer({ min: 1, max: 400 * H }), (s, a, ms) => {
        const t = addWorkingMs(s, a, ms);
        expect(workingMsBetween(s, a, t)).toBe(ms);
        expect(workingMsBetween(s, a, t - 1)).toBe(ms - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('is additive and never exceeds calendar time', () => {
    fc.assert(
      fc.property(schedules, instant, instant, instant, (s, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        const ab = workingMsBetween(s, a, b);
        expect(ab + workingMsBetween(s, b, c)).toBe(workingMsBetween(s, a, c));
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(b - a);
      }),
      { numRuns: 300 },
    );
  });

  it('equals calendar time when every hour is working time, DST included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), instant, instant, (z, a, b) => {
        expect(workingMsBetween(allDay(z), a, b)).toBe(b - a);
      }),
      { numRuns: 200 },
    );
  });

  it('is cached: one clock per schedule content', () => {
    expect(workingClock(nineToFive('Europe/Berlin'))).toBe(workingClock(nineToFive('Europe/Berlin')));
    expect(workingClock(null).at(42)).toBe(42);
  });
});

/**
 * An independent oracle: walks minute by minute, asks Intl for the local wall time of each minute and
 * checks it against the schedule. Valid for schedules whose range boundaries never fall in a skipped
 * or repeated hour (there the two readings of "09:00" differ by definition; the tables above pin them).
 */
function bruteForceMs(s: WorkSchedule, from: number, to: number): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: s.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
  const mins = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  const isHoliday = (d: number) => s.holidays.includes(new Date(d * 86_400_000).toISOString().slice(0, 10));
  const ranges = (d: number) =>
    (s.hours[days[(((d + 4) % 7) + 7) % 7] as (typeof days)[number]] ?? []).map(
      ([a, b]) => [mins(a), mins(b)] as const,
    );
  let working = 0;
  for (let t = from; t < to; t += 60_000) {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
    const d = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / 86_400_000;
    const m = Number(p.hour) * 60 + Number(p.minute);
    const today = !isHoliday(d) && ranges(d).some(([a, b]) => (b > a ? m >= a && m < b : m >= a));
    const tail = !isHoliday(d - 1) && ranges(d - 1).some(([a, b]) => b <= a && m < b);
    if (today || tail) working += 60_000;
  }
  return working;
}

describe('working time against a minute-by-minute oracle', () => {
  const mixed = (timeZone: string): WorkSchedule => ({
    timeZone,
    hours: {
      ...none,
      mon: [['09:00', '17:00']],
      tue: [
        ['08:30', '12:00'],
        ['13:00', '17:45'],
      ],
      wed: [['22:00', '01:00']],
      thu: [['00:00', '24:00']],
      fri: [
        ['09:00', '17:00'],
        ['20:00', '00:30'],
      ],
      sat: [['10:00', '14:00']],
    },
    holidays: ['2026-03-27', '2026-10-30', '2026-04-01', '2026-09-30'],
  });
  // Around each zone's DST changes of 2026 (Lord Howe moves by 30 minutes, Santiago at midnight).
  const windows: [string, string][] = [
    ['Europe/Berlin', '2026-03-29T01:00:00Z'],
    ['Europe/Berlin', '2026-10-25T01:00:00Z'],
    ['America/New_York', '2026-03-08T07:00:00Z'],
    ['America/New_York', '2026-11-01T06:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
    ['America/Santiago', '2026-04-05T03:00:00Z'],
    ['America/Santiago', '2026-09-06T04:00:00Z'],
    ['Pacific/Kiritimati', '2026-03-29T00:00:00Z'],
    ['Pacific/Pago_Pago', '2026-03-29T00:00:00Z'],
    ['Asia/Kathmandu', '2026-03-29T00:00:00Z'],
  ];
  it('agrees to the minute across DST changes, overnight shifts, holidays and far zones', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...windows),
        fc.integer({ min: -3 * 24 * 60, max: 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        ([zone, around], startMin, lengthMin) => {
          const s = mixed(zone);
          const from = at(around) + startMin * 60_000;
          const to = from + lengthMin * 60_000;
          expect(workingMsBetween(s, from, to)).toBe(bruteForceMs(s, from, to));
        },
      ),
      { numRuns: 60 },
    );
  });
});
