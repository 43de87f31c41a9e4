/** docs/wire.md's retry schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** ±20 %, applied to every delay of any schedule. */
export const DEFAULT_JITTER = 0.2;

/** A webhook failing this long without a single success is deactivated: 5 days. */
export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

export interface RetryPolicy {
  /** Delays after attempt 1, 2, …; its length is the number of retries. */
  schedule: readonly number[];
  /** Fraction of each delay by which it may move either way. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  schedule: DEFAULT_RETRY_SCHEDULE_MS,
  jitter: DEFAULT_JITTER,
};

/** What one attempt came back with, as the policy needs it. */
export type AttemptResult =
  | { kind: 'response'; statusCode: number; retryAfter?: string | null }
  | { kind: 'error'; blocked?: boolean };

export type StatusClass = 'success' | 'gone' | 'redirect' | 'failure';

/** How docs/wire.md's "Response, as the sender reads it" table reads a status code. */
export function classifyStatus(statusCode: number): StatusClass {
  if (statusCode >= 200 && statusCode < 300) return 'success';
  if (statusCode === 410) return 'gone';
  if (statusCode >= 300 && statusCode < 400) return 'redirect';
  return 'failure';
}

/**
 * `delayMs` moved by up to `jitter` of itself either way. `random` is in [0, 1): 0 gives the
 * shortest delay, 0.5 the delay itself.
 */
export function applyJitter(delayMs: number, jitter: number, random: number): number {
  return Math.round(delayMs * (1 + (2 * random - 1) * jitter));
}

/**
 * Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date, RFC 9110 §10.2.3),
 * or `null` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an IMF-fixdate (it has a weekday and month name); `Date.parse` would read "-3" as a year.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

export type RetryDecision =
  | { action: 'succeed' }
  /** Try again after `delayMs`. */
  | { action: 'retry'; delayMs: number }
  /** No more attempts: the delivery is `failed`. */
  | { action: 'fail' }
  /** 410 Gone: the delivery is `failed` and the webhook is deactivated for `reason`. */
  | { action: 'deactivate'; reason: string };

export interface DecideInput {
  /** Number of the attempt that just ended within the automatic run (1 for the first). */
  attemptNumber: number;
  result: AttemptResult;
  policy: RetryPolicy;
  /** In [0, 1), for the jitter. */
  random: number;
  /** Epoch ms, to read an HTTP-date `Retry-After`. */
  nowMs: number;
}

/** What happens after an attempt: pure, so the whole table of docs/wire.md is tested without a server. */
export function decideAfterAttempt(input: DecideInput): RetryDecision {
  const { result, policy } = input;
  let retryAfterMs: number | null = null;
  if (result.kind === 'response') {
    const kind = classifyStatus(result.statusCode);
    if (kind === 'success') return { action: 'succeed' };
    if (kind === 'gone') return { action: 'deactivate', reason: 'The receiver answered 410 Gone.' };
    if (result.statusCode === 429 || result.statusCode === 503) {
      retryAfterMs = parseRetryAfter(result.retryAfter, input.nowMs);
    }
  }
  const scheduled = policy.schedule[input.attemptNumber - 1];
  if (scheduled === undefined) return { action: 'fail' };
  let delayMs = applyJitter(scheduled, policy.jitter, input.random);
  if (retryAfterMs !== null) {
    // The receiver may ask for more time, never for more than the schedule's longest delay.
    const longest = Math.max(...policy.schedule);
    delayMs = Math.max(delayMs, Math.min(retryAfterMs, longest));
  }
  return { action: 'retry', delayMs };
}
