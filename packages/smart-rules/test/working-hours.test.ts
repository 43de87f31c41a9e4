import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkSchedule } from '../src/work-schedule-schema.js';
import {
  addWorkingMs,
  WORKING_TIME_MAX,
  WORKING_TIME_MIN,
  workingClock,
  workingMsBetween,
} from '../src/working-hours.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const none = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
const nineToFive = (timeZone: string, holidays: string[] = []): WorkSchedule => ({
  timeZone,
  hours: {
    ...none,
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
  },
  holidays,
});
const allDay = (timeZone: string): WorkSchedule => ({
  timeZone,
  hours: Object.fromEntries(Object.keys(none).map((d) => [d, [['00:00', '24:00']]])) as WorkSchedule['hours'],
  holidays: [],
});
const nights = (timeZone: string, holidays: string[] = []): WorkSchedule => ({
  timeZone,
  hours: {
    ...none,
    mon: [['22:00', '06:00']],
    tue: [['22:00', '06:00']],
    wed: [['22:00', '06:00']],
    thu: [['22:00', '06:00']],
    fri: [['22:00', '06:00']],
  },
  holidays,
});
const nightly = (timeZone: string): WorkSchedule => ({
  timeZone,
  hours: Object.fromEntries(Object.keys(none).map((d) => [d, [['22:00', '06:00']]])) as WorkSchedule['hours'],
  holidays: [],
});
const sundayOnly = (timeZone: string, range: [string, string]): WorkSchedule => ({
  timeZone,
  hours: { ...none, sun: [range] },
  holidays: [],
});

describe('workingMsBetween', () => {
  it.each<[string, WorkSchedule | null, string, string, number]>([
    [
      'around the clock (null) is calendar time',
      null,
      '2026-11-27T15:00:00Z',
      '2026-11-30T09:00:00Z',
      66 * H,
    ],
    [
      'same day inside hours (Berlin, UTC+1)',
      nineToFive('Europe/Berlin'),
      '2026-11-26T08:00:00Z',
      '2026-11-26T12:30:00Z',
      4.5 * H,
    ],
    [
      'over a weekend: Fri 16:00 to Mon 10:00',
      nineToFive('Europe/Berlin'),
      '2026-11-27T15:00:00Z',
      '2026-11-30T09:00:00Z',
      2 * H,
    ],
    [
      'entirely in the weekend',
      nineToFive('Europe/Berlin'),
      '2026-11-28T08:00:00Z',
      '2026-11-29T20:00:00Z',
      0,
    ],
    [
      'skips a holiday (Fri 25 Dec)',
      nineToFive('Europe/Berlin', ['2026-12-25']),
      '2026-12-24T15:00:00Z',
      '2026-12-28T09:00:00Z',
      2 * H,
    ],
    [
      'holiday dates are local: Sydney Monday is Sunday in UTC',
      nineToFive('Australia/Sydney', ['2026-11-30']),
      '2026-11-29T12:00:00Z',
      '2026-11-30T12:00:00Z',
      0,
    ],
    [
      'overnight shift Mon 22:00–Tue 06:00',
      nights('UTC'),
      '2026-11-30T21:00:00Z',
      '2026-12-01T07:00:00Z',
      8 * H,
    ],
    [
      "Friday's night shift runs into Saturday",
      nights('UTC'),
      '2026-11-27T20:00:00Z',
      '2026-11-29T00:00:00Z',
      8 * H,
    ],
    [
      'a holiday cancels the shift that starts on it',
      nights('UTC', ['2026-11-30']),
      '2026-11-30T21:00:00Z',
      '2026-12-01T07:00:00Z',
      0,
    ],
    [
      'a holiday does not cut short the shift that started the day before',
      nights('UTC', ['2026-12-01']),
      '2026-11-30T21:00:00Z',
      '2026-12-01T07:00:00Z',
      8 * H,
    ],
    [
      'spring forward: Berlin Sunday 29 Mar has 23 hours',
      allDay('Europe/Berlin'),
      '2026-03-28T23:00:00Z',
      '2026-03-29T22:00:00Z',
      23 * H,
    ],
    [
      'spring forward: a range starting in the gap starts at the jump',
      sundayOnly('Europe/Berlin', ['02:30', '04:00']),
      '2026-03-28T00:00:00Z',
      '2026-03-30T00:00:00Z',
      1 * H,
    ],
    [
      'fall back: Berlin Sunday 25 Oct has 25 hours',
      allDay('Europe/Berlin'),
      '2026-10-24T22:00:00Z',
      '2026-10-25T23:00:00Z',
      25 * H,
    ],
    [
      'fall back: a repeated wall time means its first occurrence',
      sundayOnly('Europe/Berlin', ['02:30', '03:30']),
      '2026-10-24T00:00:00Z',
      '2026-10-26T00:00:00Z',
      2 * H,
    ],
    [
      'a night shift across spring forward (New York, Sat 22:00 EST–Sun 06:00 EDT)',
      nightly('America/New_York'),
      '2026-03-08T02:00:00Z',
      '2026-03-08T12:00:00Z',
      7 * H,
    ],
    [
      'a night shift across fall back (New York, Sat 22:00 EDT–Sun 06:00 EST)',
      nightly('America/New_York'),
      '2026-11-01T01:00:00Z',
      '2026-11-01T12:00:00Z',
      9 * H,
    ],
    [
      'Pacific/Kiritimati (UTC+14): Monday work is Sunday in UTC',
      nineToFive('Pacific/Kiritimati'),
      '2026-11-29T18:00:00Z',
      '2026-11-30T04:00:00Z',
      8 * H,
    ],
    [
      'Pacific/Pago_Pago (UTC−11): Monday 09:00 is 20:00 UTC',
      nineToFive('Pacific/Pago_Pago'),
      '2026-11-30T19:00:00Z',
      '2026-12-01T03:00:00Z',
      7 * H,
    ],
    [
      'Asia/Kathmandu (UTC+5:45)',
      nineToFive('Asia/Kathmandu'),
      '2026-11-30T03:00:00Z',
      '2026-11-30T03:30:00Z',
      0.25 * H,
    ],
    [
      'Kiritimati skipped 31 Dec 1994: no double count',
      allDay('Pacific/Kiritimati'),
      '1994-12-29T00:00:00Z',
      '1995-01-03T00:00:00Z',
      120 * H,
    ],
    // Wed 28 Dec 09:00 (UTC−10) to Mon 2 Jan 09:00 (UTC+14): Wednesday and Thursday; Friday never happened.
    [
      'Samoa skipped Friday 30 Dec 2011',
      nineToFive('Pacific/Apia'),
      '2011-12-28T19:00:00Z',
      '2012-01-01T19:00:00Z',
      16 * H,
    ],
    [
      'end before start is negative',
      nineToFive('Europe/Berlin'),
      '2026-11-26T12:30:00Z',
      '2026-11-26T08:00:00Z',
      -4.5 * H,
    ],
  ])('%s', (_label, schedule, from, to, expected) => {
    expect(workingMsBetween(schedule, at(from), at(to))).toBe(expected);
  });

  it('counts overlapping ranges once', () => {
    const overlap: WorkSchedule = {
      timeZone: 'UTC',
      hours: {
        ...none,
        mon: [
          ['09:00', '12:00'],
          ['11:00', '13:00'],
        ],
        sun: [['20:00', '10:00']],
      },
      holidays: [],
    };
    // Sunday 20:00 to Monday 10:00 plus Monday 09:00–13:00 merged: 20:00–13:00 = 17 h.
    expect(workingMsBetween(overlap, at('2026-11-29T00:00:00Z'), at('2026-12-01T00:00:00Z'))).toBe(17 * H);
  });

  it('gives the same answers whatever order the table was grown in', () => {
    const s1 = nineToFive('Europe/Berlin', ['2026-12-25']);
    const s2 = nineToFive('Europe/Berlin', ['2026-12-25', '1999-01-01']);
    const points = [
      '2026-11-27T15:00:00Z',
      '1990-05-01T10:00:00Z',
      '2150-01-01T00:00:00Z',
      '2026-03-29T12:00:00Z',
    ].map(at);
    const pairs = points.flatMap((a) => points.map((b) => [a, b] as const));
    const first = pairs.map(([a, b]) => workingMsBetween(s1, a, b));
    const reversed = [...pairs]
      .reverse()
      .map(([a, b]) => workingMsBetween(s2, a, b))
      .reverse();
    // s2 differs only by a holiday in 1999, outside every pair but the ones spanning it.
    pairs.forEach(([a, b], i) => {
      const spans1999 =
        Math.min(a, b) < at('1999-01-01T00:00:00Z') && Math.max(a, b) > at('1999-01-02T00:00:00Z');
      if (!spans1999) expect(reversed[i]).toBe(first[i]);
    });
  });
});

describe('addWorkingMs', () => {
  it.each<[string, WorkSchedule | null, string, number, string]>([
    ['null schedule adds calendar time', null, '2026-11-27T15:00:00Z', 2 * H, '2026-11-27T17:00:00.000Z'],
    [
      'carries over the weekend',
      nineToFive('Europe/Berlin'),
      '2026-11-27T15:00:00Z',
      2 * H,
      '2026-11-30T09:00:00.000Z',
    ],
    [
      'reaching the end of a day stops at that end',
      nineToFive('Europe/Berlin'),
      '2026-11-27T15:00:00Z',
      1 * H,
      '2026-11-27T16:00:00.000Z',
    ],
    [
      'from a weekend, 1 ms into Monday',
      nineToFive('Europe/Berlin'),
      '2026-11-28T12:00:00Z',
      1,
      '2026-11-30T08:00:00.001Z',
    ],
    [
      'over a holiday',
      nineToFive('Europe/Berlin', ['2026-12-25']),
      '2026-12-24T15:00:00Z',
      2 * H,
      '2026-12-28T09:00:00.000Z',
    ],
    [
      '24 working hours is three 8-hour days',
      nineToFive('Asia/Kathmandu'),
      '2026-11-30T03:15:00Z',
      24 * H,
      '2026-12-02T11:15:00.000Z',
    ],
    [
      'through a night shift across DST',
      nightly('America/New_York'),
      '2026-03-08T03:00:00Z',
      7 * H,
      '2026-03-08T10:00:00.000Z',
    ],
    [
      'zero returns the start',
      nineToFive('Europe/Berlin'),
      '2026-11-28T12:00:00Z',
      0,
      '2026-11-28T12:00:00.000Z',
    ],
  ])('%s', (_label, schedule, from, ms, expected) => {
    expect(new Date(addWorkingMs(schedule, at(from), ms)).toISOString()).toBe(expected);
  });

  it('answers NaN for NaN and keeps working afterwards', () => {
    const s = nineToFive('Asia/Tokyo');
    expect(workingMsBetween(s, Number.NaN, at('2026-11-30T00:00:00Z'))).toBeNaN();
    expect(workingMsBetween(s, at('2026-11-30T00:00:00Z'), at('2026-11-30T02:00:00Z'))).toBe(2 * H);
  });

  it('clamps absurd dates instead of building tables for them', () => {
    const s = nineToFive('Europe/Berlin');
    expect(workingMsBetween(s, -8.64e15, 8.64e15)).toBe(
      workingMsBetween(s, WORKING_TIME_MIN, WORKING_TIME_MAX),
    );
  });

  it('answers Infinity past the supported range', () => {
    expect(addWorkingMs(nineToFive('UTC'), at('2199-11-01T00:00:00Z'), 10_000 * H)).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

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
