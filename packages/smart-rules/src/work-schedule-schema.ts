import { z } from 'zod';

/** Weekday keys of `workSchedule.hours`, in `Date#getUTCDay()` order (0 = Sunday). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A range of working hours on one day, `["HH:MM", "HH:MM"]` in the schedule's time zone.
 * An end before the start is an overnight shift that ends on the next day (`["22:00", "06:00"]`);
 * `"24:00"` is allowed as an end for "until midnight". Overlapping ranges count once.
 */
export type WorkRange = [start: string, end: string];

/**
 * When working-hours clocks run. A shift belongs to the day it starts on: a holiday on Monday
 * cancels Monday's 22:00–06:00 shift entirely, and a holiday on Tuesday does not cut it short.
 */
export interface WorkSchedule {
  /** IANA time zone the hours and holidays are read in, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Every weekday is present in parsed output; a day with `[]` has no working hours. */
  hours: Record<Weekday, WorkRange[]>;
  /** Local dates `YYYY-MM-DD` with no working hours, sorted, without duplicates. */
  holidays: string[];
}

const HH_MM = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight of an `"HH:MM"` (or `"24:00"`) that passed the schema. */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** True when `zone` is an IANA zone name this runtime's ICU knows (offsets such as `+02:00` are not). */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const range = z
  .unknown()
  .superRefine((value, ctx) => {
    if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'string')) {
      ctx.addIssue({ code: 'custom', message: 'Write a range of hours as ["09:00", "17:00"].' });
      return;
    }
    const [start, end] = value as [string, string];
    if (!HH_MM.test(start)) {
      ctx.addIssue({
        code: 'custom',
        path: [0],
        message: `"${start}" is no start time; use 24-hour HH:MM between 00:00 and 23:59.`,
      });
    }
    if (end !== '24:00' && !HH_MM.test(end)) {
      ctx.addIssue({
        code: 'custom',
        path: [1],
        message: `"${end}" is no end time; use 24-hour HH:MM between 00:00 and 24:00.`,
      });
    }
    if (start === end) {
      ctx.addIssue({
        code: 'custom',
        message: `The range ${start}–${end} is empty; for a whole day write ["00:00", "24:00"].`,
      });
    }
  })
  .transform((value) => value as WorkRange);

const dayHours = z
  .array(range, { error: 'List the day\'s working hours as [["09:00", "17:00"]], or [] for a day off.' })
  .max(12, 'At most 12 ranges a day.')
  .default([]);

const holiday = z.string({ error: 'Write a holiday as "YYYY-MM-DD".' }).superRefine((value, ctx) => {
  const m = ISO_DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== value) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is no date; write a holiday as "YYYY-MM-DD".` });
  }
});

const schedule = z
  .strictObject(
    {
      timeZone: z
        .string({ error: 'Give the time zone as an IANA name such as "Europe/Berlin".' })
        .refine(isTimeZone, {
          error: (issue) =>
            `"${String(issue.input)}" is not a time zone; use an IANA name such as "Europe/Berlin" or "America/New_York".`,
        }),
      hours: z.strictObject(
        {
          mon: dayHours,
          tue: dayHours,
          wed: dayHours,
          thu: dayHours,
          fri: dayHours,
          sat: dayHours,
          sun: dayHours,
        },
        {
          error: (issue) =>
            issue.code === 'unrecognized_keys'
              ? `${issue.keys.map((k) => `"${k}"`).join(', ')} is no weekday; use ${WEEKDAYS.join(', ')}.`
              : 'Give the hours per weekday, e.g. { "mon": [["09:00", "17:00"]] }.',
        },
      ),
      holidays: z
        .array(holiday, { error: 'List holidays as ["2026-12-25", …].' })
        .max(1000, 'At most 1000 holidays.')
        .default([])
        .transform((list) => [...new Set(list)].sort()),
    },
    {
      error: 'Send the work schedule as { "timeZone", "hours", "holidays" }, or null for around the clock.',
    },
  )
  .superRefine((value, ctx) => {
    if (WEEKDAYS.every((day) => value.hours[day].length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hours'],
        message: 'The schedule has no working hours at all; add some, or send null for around the clock.',
      });
    }
  });

/** `workSchedule` of a smart rule: `null` means around the clock, so `working` clocks equal `calendar`. */
export const workScheduleSchema = schedule.nullable();
