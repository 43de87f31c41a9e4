// Work schedules the working-hours tests share, each a function of its time zone.
import type { WorkSchedule } from '../../src/work-schedule-schema.js';

export const H = 3_600_000;
export const at = (iso: string) => Date.parse(iso);
export const none = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
export const nineToFive = (timeZone: string, holidays: string[] = []): WorkSchedule => ({
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
export const allDay = (timeZone: string): WorkSchedule => ({
  timeZone,
  hours: Object.fromEntries(Object.keys(none).map((d) => [d, [['00:00', '24:00']]])) as WorkSchedule['hours'],
  holidays: [],
});
export const nights = (timeZone: string, holidays: string[] = []): WorkSchedule => ({
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
export const nightly = (timeZone: string): WorkSchedule => ({
  timeZone,
  hours: Object.fromEntries(Object.keys(none).map((d) => [d, [['22:00', '06:00']]])) as WorkSchedule['hours'],
  holidays: [],
});
export const sundayOnly = (timeZone: string, range: [string, string]): WorkSchedule => ({
  timeZone,
  hours: { ...none, sun: [range] },
  holidays: [],
});
