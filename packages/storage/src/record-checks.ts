import { EVENT_TYPES } from '@hookdesk/wire';
import type { z } from 'zod';
import { DELIVERY_STATUSES } from './records.js';
import { attemptSchema, deliverySchema, deliveryStatusSchema, queuePointerSchema } from './schemas.js';

// zod is a large share of a delivery's CPU, parsing it several times per delivery (written,
// read back, rewritten per attempt; bench/README.md). These hand-written checks
// accept only what the schema accepts (they may refuse more); what they refuse goes on to zod,
// which has the last word and describes the problem, so errors read the same as before.

type Check = (value: unknown) => boolean;

const EVENTS: ReadonlySet<unknown> = new Set(EVENT_TYPES);
const STATUSES: ReadonlySet<unknown> = new Set(DELIVERY_STATUSES);

function isObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';
const isInt = (value: unknown): value is number => Number.isSafeInteger(value);
const isIso = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value));
const isIsoOrNull = (value: unknown) => value === null || isIso(value);

function isHeaders(value: unknown): boolean {
  if (!isObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key in value) if (typeof value[key] !== 'string') return false;
  return true;
}

function isAttempt(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { number, at, durationMs, statusCode, responseExcerpt, error, blocked, headers } = value;
  return (
    isInt(number) &&
    number > 0 &&
    isIso(at) &&
    typeof durationMs === 'number' &&
    Number.isFinite(durationMs) &&
    durationMs >= 0 &&
    (statusCode === null || isInt(statusCode)) &&
    isStringOrNull(responseExcerpt) &&
    isStringOrNull(error) &&
    typeof blocked === 'boolean' &&
    (headers === undefined || isHeaders(headers))
  );
}

function isSize(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { bytes, limit } = value;
  return isInt(bytes) && bytes > 0 && isInt(limit) && limit > 0;
}

function isDelivery(value: unknown): boolean {
  if (!isObject(value)) return false;
  const v = value;
  if (
    !(
      isString(v.uuid) &&
      v.uuid.length > 0 &&
      EVENTS.has(v.event) &&
      isStringOrNull(v.webhookId) &&
      isStringOrNull(v.ruleId) &&
      isString(v.url) &&
      STATUSES.has(v.status) &&
      isString(v.body) &&
      isHeaders(v.headers) &&
      isString(v.signature) &&
      isIso(v.createdAt) &&
      isIsoOrNull(v.lastAttemptAt) &&
      isIsoOrNull(v.nextAttemptAt) &&
      (v.lastStatusCode === null || isInt(v.lastStatusCode)) &&
      isInt(v.attemptCount) &&
      v.attemptCount >= 0 &&
      Array.isArray(v.attempts) &&
      (v.error === undefined || isString(v.error)) &&
      (v.bodyTooLarge === undefined || isSize(v.bodyTooLarge))
    )
  ) {
    return false;
  }
  for (const attempt of v.attempts as unknown[]) if (!isAttempt(attempt)) return false;
  return true;
}

function isQueuePointer(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { uuid, dueAt } = value;
  if (!isString(uuid) || uuid.length === 0 || !isInt(dueAt) || dueAt < 0) return false;
  if (value.once !== undefined && typeof value.once !== 'boolean') return false;
  for (let at = 0; at < uuid.length; at++) if (uuid.charCodeAt(at) <= 32) return false;
  return true;
}

const CHECKS = new Map<z.ZodType, Check>([
  [deliverySchema, isDelivery],
  [attemptSchema, isAttempt],
  [deliveryStatusSchema, (value) => STATUSES.has(value)],
  [queuePointerSchema, isQueuePointer],
]);

/**
 * True when `value` certainly passes `schema` (a hot-path schema with a hand-written check);
 * `false` means "ask zod", not "invalid".
 */
export function passesQuickCheck(schema: z.ZodType, value: unknown): boolean {
  return CHECKS.get(schema)?.(value) === true;
}
