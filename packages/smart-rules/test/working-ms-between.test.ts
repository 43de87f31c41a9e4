import { describe, expect, it } from 'vitest';
import type { WorkSchedule } from '../src/work-schedule-schema.js';
import { workingMsBetween } from '../src/working-hours.js';
import { allDay, at, H, nightly, nights, nineToFive, none, sundayOnly } from './support/work-schedules.js';

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
