import { describe, expect, it } from 'vitest';
import type { WorkSchedule } from '../src/work-schedule-schema.js';
import { addWorkingMs, WORKING_TIME_MAX, WORKING_TIME_MIN, workingMsBetween } from '../src/working-hours.js';
import { at, H, nightly, nineToFive } from './support/work-schedules.js';

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
