import { MAX_STATS_HOURS } from '@hookdesk/storage';
import { ValidationError } from './errors.js';

const HOUR_MS = 60 * 60 * 1000;
/** The latest time storage orders (13 digits of epoch ms, in the year 2286). */
const LAST_MS = 10 ** 13 - 1;

/** The span `stats` counts when the request names no `since`: the 24 hours before `until`. */
export const DEFAULT_STATS_SPAN_MS = 24 * HOUR_MS;

export interface StatsRangeRequest {
  /** ISO 8601; default `until` minus 24 hours. */
  since?: string;
  /** ISO 8601, exclusive; default the end of the current hour. */
  until?: string;
}

/**
 * The range `stats` counts at `nowMs`: the given bounds, or by default the 24 hours that end with
 * the current one (24 buckets, the last still filling). A `ValidationError` naming the field when
 * a bound is no time, the range is empty, or it spans more hours than one answer may hold.
 */
export function statsRange(request: StatsRangeRequest, nowMs: number): { since: string; until: string } {
  const parse = (name: 'since' | 'until'): number | undefined => {
    const value = request[name];
    if (value === undefined) return undefined;
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    // The hour it falls in must be one storage can name: from 1970 to before 2286.
    if (Number.isNaN(ms) || ms < 0 || ms > LAST_MS - HOUR_MS) {
      throw invalid(name, `${name} is an ISO 8601 time from 1970 to 2285, such as 2026-11-28T08:00:00Z.`);
    }
    return ms;
  };
  const givenSince = parse('since');
  const until = parse('until') ?? (Math.floor(nowMs / HOUR_MS) + 1) * HOUR_MS;
  const since = givenSince ?? Math.max(0, until - DEFAULT_STATS_SPAN_MS);
  if (since >= until) throw invalid('since', 'since must be before until.');
  const hours = Math.ceil((until - Math.floor(since / HOUR_MS) * HOUR_MS) / HOUR_MS);
  if (hours > MAX_STATS_HOURS) {
    throw invalid(
      'since',
      `since to until spans ${hours} hours; ask for at most ${MAX_STATS_HOURS} (31 days) at a time.`,
    );
  }
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError(`The stats query is not valid. ${path}: ${message}`, [{ path, message }]);
}
