// Time-zone offsets from the runtime's ICU data (Intl), never from a hand-kept table: the tz
// database changes several times a year and Node ships its updates.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // Built once per zone: constructing a DateTimeFormat costs ~50× a format call.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

// "11/30/2026, 13:00:00": `format` and this regex are much cheaper than `formatToParts`
// (bench/README.md).
const EN_US = /^(\d+)\/(\d+)\/(\d+)\D+(\d+):(\d+):(\d+)/;

/**
 * The offset of `zone` from UTC at instant `t` (year 1 or later), in ms (Berlin in winter:
 * 3,600,000), so that `t + offset` is the local wall time read as if it were UTC.
 */
export function zoneOffsetMs(zone: string, t: number): number {
  const m = EN_US.exec(formatterFor(zone).format(t));
  if (!m) throw new RangeError(`Cannot read the local time of ${zone} at ${t}.`);
  const wall = Date.UTC(
    Number(m[3]),
    Number(m[1]) - 1,
    Number(m[2]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  // Intl drops milliseconds, so compare with the instant floored to the second. Date.UTC reads years
  // 0–99 as 1900–1999; the working-time code never asks about those.
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * The first instant at which the wall clock of `zone` reads `wall` or later (`wall` = local date-time
 * as epoch ms read as UTC). `before` and `after` are the zone's offsets shortly before and after.
 * A wall time that occurs twice (clocks go back) maps to its first occurrence; one that never occurs
 * (clocks go forward over it) maps to the instant of the jump, when the clock passes it.
 */
export function wallToInstant(zone: string, wall: number, before: number, after: number): number {
  if (before === after) return wall - before;
  const early = wall - before;
  const late = wall - after;
  const earlyOk = zoneOffsetMs(zone, early) === before;
  const lateOk = zoneOffsetMs(zone, late) === after;
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // In the gap: bisect for the jump, which lies between the two candidates. Offsets change on whole
  // seconds, so bisecting to 1 s is exact after ~12–17 steps.
  let lo = Math.min(early, late);
  let hi = Math.max(early, late);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (mid <= lo) break;
    if (zoneOffsetMs(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
