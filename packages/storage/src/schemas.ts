import { EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '@hookdesk/wire';
import { z } from 'zod';
import { DELIVERY_STATUSES } from './records.js';

// Loose objects keep fields this version does not know yet: a newer writer's record survives an
// older reader's read-modify-write instead of losing them.
const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 time');
const headers = z.record(z.string(), z.string());

const retiredKeys = z.array(z.looseObject({ key: z.string(), validUntil: isoTime }));

export const settingsSchema = z.looseObject({
  active: z.boolean(),
  key: z.string(),
  previousKeys: retiredKeys,
  updatedAt: isoTime,
});

export const webhookSchema = z.looseObject({
  id: z.string().min(1),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  active: z.boolean(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  headers,
  key: z.string().nullable(),
  previousKeys: retiredKeys.optional(),
  createdAt: isoTime,
  updatedAt: isoTime,
  deactivatedReason: z.string().nullable(),
  lastSuccessAt: isoTime.nullable(),
  lastFailureAt: isoTime.nullable(),
  failingSince: isoTime.nullable(),
});

export const webhookHealthSchema = z.looseObject({
  lastSuccessAt: isoTime.nullable(),
  lastFailureAt: isoTime.nullable(),
  failingSince: isoTime.nullable(),
});

export const deliveryStatusSchema = z.enum(DELIVERY_STATUSES as [string, ...string[]]);

export const attemptSchema = z.looseObject({
  number: z.number().int().positive(),
  at: isoTime,
  durationMs: z.number().nonnegative(),
  statusCode: z.number().int().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
  blocked: z.boolean(),
  headers: headers.optional(),
});

export const deliverySchema = z.looseObject({
  uuid: z.string().min(1),
  event: z.enum(EVENT_TYPES),
  webhookId: z.string().nullable(),
  ruleId: z.string().nullable(),
  url: z.string(),
  status: deliveryStatusSchema,
  body: z.string(),
  headers,
  signature: z.string(),
  createdAt: isoTime,
  lastAttemptAt: isoTime.nullable(),
  nextAttemptAt: isoTime.nullable(),
  lastStatusCode: z.number().int().nullable(),
  attemptCount: z.number().int().nonnegative(),
  attempts: z.array(attemptSchema),
  error: z.string().optional(),
  bodyTooLarge: z
    .looseObject({ bytes: z.number().int().positive(), limit: z.number().int().positive() })
    .optional(),
});

export const queuePointerSchema = z.looseObject({
  // Queue members are `<dueAt>:<uuid>` read in ranges that assume no space or control character.
  uuid: z
    .string()
    .min(1)
    .refine((uuid) => ![...uuid].some((char) => char <= ' '), 'no spaces or control characters'),
  dueAt: z.number().int().nonnegative(),
  once: z.boolean().optional(),
});

/** One line per problem, `path: message`, for error messages. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'value'}: ${issue.message}`)
    .join('; ');
}
