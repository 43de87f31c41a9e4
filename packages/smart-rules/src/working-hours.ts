import { minutesOf, WEEKDAYS, type WorkSchedule } from './work-schedule-schema.js';
import { wallToInstant, zoneOffsetMs } from './zone-offset.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
// Working time is counted between these instants; times outside are clamped to them. The bounds keep
// the interval table finite when a ticket carries an absurd date (year 1 or 275760).
const FIRST_DAY = 3; // 1970-01-04
const LAST_DAY = 84_000; // 2199-12-02
const PIN_DEFAULT = 20_000 * DAY; // 2024-10-04
/** Earliest instant working time is counted from; earlier instants count as this one. */
export const WORKING_TIME_MIN = FIRST_DAY * DAY;
/** Latest instant working time is counted to; `addWorkingMs` past it answers `Infinity`. */
export const WORKING_TIME_MAX = LAST_DAY * DAY;

/**
 * A working-time clock: `at(t)` is the working ms elapsed up to instant `t` since a fixed, arbitrary
 * origin, so `at(b) - at(a)` is the working time between `a` and `b`. It is how rule thresholds turn
 * into one comparison per ticket: "worked more than h since a" is `a < reach(at(now) - h)`.
 */
export interface WorkingClock {
  /** Working ms up to instant `t` (epoch ms) from the clock's origin; non-decreasing in `t`. */
  at(t: number): number;
  /**
   * The earliest instant `t` with `at(t) >= x`: `-Infinity` when every instant qualifies, `Infinity`
   * when none before `WORKING_TIME_MAX` does.
   */
  reach(x: number): number;
}

/** Around the clock: working time is calendar time. */
const CALENDAR: WorkingClock = {
  at: (t) => t,
  reach: (x) => x,
};

function dayOfDate(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY;
}

/**
 * The working intervals of a schedule as sorted, merged UTC instants, with running totals, built for
 * a range of local days and grown (doubling) when asked about an instant outside it.
 */
class ScheduleClock implements WorkingClock {
  private readonly zone: string;
  /** Per weekday (0 = Sunday): [start, end] minutes after local midnight; end may pass 1440. */
  private readonly shifts: [number, number][][];
  private readonly holidays: Set<number>;
  private fromDay = 0;
  private toDay = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  /** `cum[i]` = `at(starts[i])`. */
  private cum: number[] = [];
  /** `at()` of any instant before the first interval. */
  private head = 0;
  /** An instant inside every coverage, whose `at()` is pinned at 0 across rebuilds. */
  private pin = Number.NaN;

  constructor(schedule: WorkSchedule) {
    this.zone = schedule.timeZone;
    this.shifts = WEEKDAYS.map((day) =>
      (schedule.hours[day] ?? []).map(([start, end]) => {
        const s = minutesOf(start);
        const e = minutesOf(end);
        // An end at or before the start is an overnight shift ending the next day.
        return [s, e <= s ? e + 1440 : e] as [number, number];
      }),
    );
    this.holidays = new Set(schedule.holidays.map(dayOfDate));
  }

  at(t: number): number {
    // NaN would poison the table's day range for every later call.
    if (Number.isNaN(t)) return Number.NaN;
    const c = Math.min(Math.max(t, WORKING_TIME_MIN), WORKING_TIME_MAX);
    this.cover(c, c);
    return this.atCovered(c);
  }

  reach(x: number): number {
    // `x` only means something relative to an `at()` answer; with none yet, any start will do.
    if (Number.isNaN(this.pin)) this.cover(PIN_DEFAULT, PIN_DEFAULT);
    for (;;) {
      const n = this.starts.length;
      const last =
        n > 0
          ? (this.cum[n - 1] as number) + (this.ends[n - 1] as number) - (this.starts[n - 1] as number)
          : this.head;
      if (x > last) {
        if (this.toDay >= LAST_DAY) return Number.POSITIVE_INFINITY;
        this.grow(this.fromDay, this.toDay + Math.max(64, this.toDay - this.fromDay));
        continue;
      }
      if (x <= this.head) {
        if (this.fromDay <= FIRST_DAY - 2) return Number.NEGATIVE_INFINITY;
        this.grow(this.fromDay - Math.max(64, this.toDay - this.fromDay), this.toDay);
        continue;
      }
      // First interval whose end value reaches x; x > cum[i] there, so the answer lies inside it.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.cum[mid] as number) + (this.ends[mid] as number) - (this.starts[mid] as number) >= x)
          hi = mid;
        else lo = mid + 1;
      }
      return (this.starts[lo] as number) + (x - (this.cum[lo] as number));
    }
  }

  private atCovered(t: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || t < (starts[0] as number)) return this.head;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    const end = this.ends[lo] as number;
    return (this.cum[lo] as number) + Math.min(t, end) - (starts[lo] as number);
  }

  /** Makes sure instants `a`…`b` are answered exactly: the local days around them are built. */
  private cover(a: number, b: number): void {
    // A local day is the UTC day ±1 (offsets stay within ±14 h); the day before may hold an
    // overnight shift reaching in. Two days of margin on each side cover both.
    const need0 = Math.max(Math.floor(a / DAY) - 2, FIRST_DAY - 2);
    const need1 = Math.min(Math.floor(b / DAY) + 3, LAST_DAY);
    if (!Number.isNaN(this.pin) && need0 >= this.fromDay && need1 <= this.toDay) return;
    if (Number.isNaN(this.pin)) {
      this.grow(need0 - 32, need1 + 32);
      return;
    }
    const span = this.toDay - this.fromDay;
    this.grow(
      need0 < this.fromDay ? Math.min(need0, this.fromDay - span) : this.fromDay,
      need1 > this.toDay ? Math.max(need1, this.toDay + span) : this.toDay,
    );
  }

  /** Rebuilds the table for local days [from, to), keeping `at(pin)` at 0 so earlier answers stay valid. */
  private grow(fromDay: number, toDay: number): void {
    const from = Math.max(fromDay, FIRST_DAY - 2);
    const to = Math.min(toDay, LAST_DAY);
    const raw: [number, number][] = [];
    // One Intl call per day: day d reads its "before" offset from sample d and its "after" from
    // sample d + 4, which other days share.
    const samples = new Map<number, number>();
    const sample = (d: number): number => {
      let o = samples.get(d);
      if (o === undefined) {
        o = zoneOffsetMs(this.zone, d * DAY - 15 * 3_600_000);
        samples.set(d, o);
      }
      return o;
    };
    for (let d = from; d < to; d++) this.buildDay(d, raw, sample);
    raw.sort((x, y) => x[0] - y[0]);
    const starts: number[] = [];
    const ends: number[] = [];
    for (const [s, e] of raw) {
      const n = ends.length;
      if (e <= s) continue;
      // Overlapping or touching ranges (a night shift running into a morning one) count once.
      if (n > 0 && s <= (ends[n - 1] as number)) {
        if (e > (ends[n - 1] as number)) ends[n - 1] = e;
      } else {
        starts.push(s);
        ends.push(e);
      }
    }
    const cum = new Array<number>(starts.length);
    let total = 0;
    for (let i = 0; i < starts.length; i++) {
      cum[i] = total;
      total += (ends[i] as number) - (starts[i] as number);
    }
    this.starts = starts;
    this.ends = ends;
    this.cum = cum;
    this.head = 0;
    this.fromDay = from;
    this.toDay = to;
    if (Number.isNaN(this.pin)) this.pin = (from + (to - from) / 2) * DAY;
    const shift = this.atCovered(this.pin);
    for (let i = 0; i < cum.length; i++) cum[i] = (cum[i] as number) - shift;
    this.head = -shift;
  }

  /** Appends local day `d`'s shifts as UTC instants. A shift belongs to the day it starts on. */
  private buildDay(d: number, out: [number, number][], sample: (d: number) => number): void {
    if (this.holidays.has(d)) return;
    const shifts = this.shifts[(((d + 4) % 7) + 7) % 7] as [number, number][];
    if (shifts.length === 0) return;
    const midnight = d * DAY;
    // Offsets before the day's first instant (local midnight is at most 14 h before UTC midnight) and
    // after its latest overnight end (local midnight of day d + 2 is at most 12 h after UTC's): equal on
    // all but the few days a year near a transition, which then take the exact (slower) path. Two
    // transitions within these 3.5 days that cancel out would go unnoticed; no zone has had them.
    const before = sample(d);
    const after = sample(d + 4);
    for (const [s, e] of shifts) {
      out.push([
        wallToInstant(this.zone, midnight + s * MINUTE, before, after),
        wallToInstant(this.zone, midnight + e * MINUTE, before, after),
      ]);
    }
  }
}

const byObject = new WeakMap<WorkSchedule, WorkingClock>();
// Rules reloaded from storage are new objects with the same schedule; key those by content.
const byContent = new Map<string, WorkingClock>();
const MAX_BY_CONTENT = 256;

/**
 * The working-time clock of a schedule (`null`: around the clock), cached per schedule object and per
 * schedule content, so a sweep builds each schedule's interval table once.
 */
export function workingClock(schedule: WorkSchedule | null): WorkingClock {
  if (schedule === null) return CALENDAR;
  let clock = byObject.get(schedule);
  if (clock) return clock;
  const key = JSON.stringify([schedule.timeZone, schedule.hours, schedule.holidays]);
  clock = byContent.get(key);
  if (!clock) {
    clock = new ScheduleClock(schedule);
    if (byContent.size >= MAX_BY_CONTENT) byContent.delete(byContent.keys().next().value as string);
    byContent.set(key, clock);
  }
  byObject.set(schedule, clock);
  return clock;
}

/**
 * Working milliseconds between two instants (epoch ms) under `schedule` (`null`: calendar time).
 * Negative when `endMs` is before `startMs`.
 *
 * @example
 * // Friday 16:00 to Monday 10:00 in Berlin, hours 09:00–17:00 on weekdays: 2 h
 * workingMsBetween(schedule, Date.parse('2026-11-27T15:00:00Z'), Date.parse('2026-11-30T09:00:00Z'));
 */
export function workingMsBetween(schedule: WorkSchedule | null, startMs: number, endMs: number): number {
  const clock = workingClock(schedule);
  return clock.at(endMs) - clock.at(startMs);
}

/**
 * The instant (epoch ms) at which `ms` working milliseconds have passed since `startMs`: when a
 * working-hours threshold is reached. `startMs` itself for `ms <= 0`; `Infinity` if that lies past
 * `WORKING_TIME_MAX`. The answer lies in working time (or at the end of a working range), never in
 * the non-working time after it.
 */
export function addWorkingMs(schedule: WorkSchedule | null, startMs: number, ms: number): number {
  if (ms <= 0) return startMs;
  const clock = workingClock(schedule);
  return clock.reach(clock.at(startMs) + ms);
}
