import type { DeliveryStatus } from '@hookdesk/storage';
import { applyAutoDisable } from './auto-disable.js';
import { type AttemptResult, decideAfterAttempt, type RetryPolicy } from './retry-policy.js';
import type { SendResult } from './sender.js';

export interface OutcomeInput {
  result: SendResult;
  /** The number of the attempt that just ended (1 for the first). */
  number: number;
  /** A resend or a test: one attempt, never retried. */
  once: boolean;
  /** The webhook's `failingSince`, or `undefined` for a smart rule's delivery (never deactivated). */
  failingSince: string | null | undefined;
  policy: RetryPolicy;
  disableAfterMs: number;
  /** In [0, 1), for the jitter. */
  random: number;
  nowMs: number;
}

export interface AttemptDecision {
  status: DeliveryStatus;
  /** When the next attempt is due, or `null` when there is none. */
  dueAt: number | null;
  /** Why the webhook is deactivated now, or `null`. */
  deactivateReason: string | null;
}

/** What an attempt's result means for its delivery and its webhook: the retry policy, then auto-disable. */
export function decideOutcome(input: OutcomeInput): AttemptDecision {
  const { result } = input;
  const attempt: AttemptResult =
    result.error !== null || result.statusCode === null
      ? { kind: 'error', blocked: result.blocked }
      : { kind: 'response', statusCode: result.statusCode, retryAfter: result.retryAfter };
  let decision = decideAfterAttempt({
    // A resend continues the attempt count but is never retried, so the count only matters here.
    attemptNumber: input.number,
    result: attempt,
    policy: input.policy,
    random: input.random,
    nowMs: input.nowMs,
  });
  if (input.once && decision.action === 'retry') decision = { action: 'fail' };
  let deactivateReason: string | null = null;
  if (input.failingSince !== undefined) {
    ({ decision, deactivateReason } = applyAutoDisable({
      decision,
      failingSince: input.failingSince,
      nowMs: input.nowMs,
      windowMs: input.disableAfterMs,
    }));
  }
  if (decision.action === 'succeed') return { status: 'succeeded', dueAt: null, deactivateReason };
  if (decision.action === 'retry')
    return { status: 'pending', dueAt: input.nowMs + decision.delayMs, deactivateReason };
  return { status: 'failed', dueAt: null, deactivateReason };
}
