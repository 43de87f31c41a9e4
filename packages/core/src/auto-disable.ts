import type { RetryDecision } from './retry-policy.js';

/** True when a webhook has failed without a single success for at least `windowMs`. */
export function failingTooLong(failingSince: string | null, nowMs: number, windowMs: number): boolean {
  if (failingSince === null) return false;
  return nowMs - Date.parse(failingSince) >= windowMs;
}

export interface AutoDisableInput {
  /** What the retry policy decided for the attempt that just ended. */
  decision: RetryDecision;
  /** The webhook's `failingSince` before this attempt. */
  failingSince: string | null;
  nowMs: number;
  /** `disableAfterMs`: how long a webhook may fail without a single success. */
  windowMs: number;
}

export interface AutoDisableOutcome {
  /** The decision to apply: a retry becomes `fail` when the webhook is deactivated. */
  decision: RetryDecision;
  /** Why the webhook is deactivated now, or `null` when it stays as it is. */
  deactivateReason: string | null;
}

/**
 * Automatic deactivation: a 410 (docs/wire.md's response table), or failing without a single
 * success for `windowMs` (`disableAfterMs`, 5 days by default) since the first failure of the run.
 * Pure, beside the retry policy whose decision it may turn into a final failure.
 */
export function applyAutoDisable(input: AutoDisableInput): AutoDisableOutcome {
  const { decision } = input;
  if (decision.action === 'deactivate') return { decision, deactivateReason: decision.reason };
  if (decision.action === 'succeed') return { decision, deactivateReason: null };
  const since = input.failingSince ?? new Date(input.nowMs).toISOString();
  if (!failingTooLong(since, input.nowMs, input.windowMs)) return { decision, deactivateReason: null };
  const days = Math.round((input.windowMs / 86_400_000) * 10) / 10;
  return {
    decision: { action: 'fail' },
    deactivateReason: `Failing without a single success for ${days} days.`,
  };
}
