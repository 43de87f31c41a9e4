import { DELIVERY_STATUSES } from '@hookdesk/storage';
import { EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '@hookdesk/wire';
import { z } from 'zod';
import { MAX_RESEND } from '../hookdesk/delivery-log-admin.js';
import { idSchema, MAX_CURSOR_LENGTH } from './admin-bounds.js';

const isoTime = z.iso.datetime({ offset: true, error: 'Use an ISO 8601 time such as 2026-11-28T08:30:00Z.' });

/** The filter fields of `GET M/api/logs`, shared by the resend-by-filter body. */
const logFilterShape = {
  status: z
    .enum(DELIVERY_STATUSES, { error: `status is one of ${DELIVERY_STATUSES.join(', ')}.` })
    .optional(),
  webhookId: idSchema('webhookId').optional(),
  ruleId: idSchema('ruleId').optional(),
  event: z.enum(EVENT_TYPES, { error: `event is one of ${EVENT_TYPES.join(', ')}.` }).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
};

export const logFilterSchema = z.strictObject(logFilterShape);

/** Query of `GET M/api/logs`. */
export const logQuerySchema = z.strictObject({
  ...logFilterShape,
  limit: z.coerce
    .number({ error: 'limit is a whole number from 1 to 500.' })
    .int('limit is a whole number from 1 to 500.')
    .min(1, 'limit is a whole number from 1 to 500.')
    .max(500, 'limit is at most 500.')
    .default(50),
  cursor: z
    .string()
    .min(1, 'cursor may not be empty; leave it out to start from the newest entry.')
    .max(
      MAX_CURSOR_LENGTH,
      'cursor is not one Hookdesk made: pass the `nextCursor` of the previous page unchanged.',
    )
    .optional(),
});

const NEITHER_OR_BOTH = 'Send either { "ids": [uuid, …] } or { "filter": { … } }, not both and not neither.';

/**
 * Body of `POST M/api/logs/resend`: exactly one of `ids` and `filter`. One object with both fields
 * optional (not a union), so a broken `ids` or `filter` is reported as itself, not as "neither".
 */
export const resendSchema = z
  .strictObject(
    {
      ids: z
        .array(idSchema('Each uuid in ids'), { error: 'ids is a list of delivery uuids.' })
        .min(1, 'List at least one uuid in ids.')
        .max(MAX_RESEND, `Resend at most ${MAX_RESEND} deliveries at a time (ids has more).`)
        .optional(),
      filter: logFilterSchema.optional(),
      dryRun: z
        .boolean({ error: 'dryRun is true (count only, queue nothing) or false.' })
        .optional()
        .describe('Count what would be resent (`matched`, `capped`) and queue nothing'),
    },
    // Only the "not an object" issue; unknown keys keep zod's message, which names them.
    { error: (issue) => (issue.code === 'invalid_type' ? NEITHER_OR_BOTH : undefined) },
  )
  .superRefine((value, ctx) => {
    if ((value.ids === undefined) === (value.filter === undefined))
      ctx.addIssue({ code: 'custom', message: NEITHER_OR_BOTH });
  })
  .transform(
    (value): ({ ids: string[] } | { filter: z.output<typeof logFilterSchema> }) & { dryRun: boolean } =>
      value.ids !== undefined
        ? { ids: value.ids, dryRun: value.dryRun === true }
        : { filter: value.filter!, dryRun: value.dryRun === true },
  );

/** Query of `GET M/api/stats`; the range's own rules (order, at most 744 hours) are the engine's. */
export const statsQuerySchema = z.strictObject({
  since: isoTime.optional().describe('Start of the first hour counted; default `until` minus 24 hours'),
  until: isoTime.optional().describe('Exclusive end; default the end of the current hour'),
  webhookId: idSchema('webhookId').optional(),
  ruleId: idSchema('ruleId').optional(),
});

/** Body of `PATCH M/api/settings`. */
export const settingsPatchSchema = z.strictObject({
  active: z.boolean({ error: 'active is true or false.' }),
});

// Response shapes, for the OpenAPI document.

export const settingsView = z.object({ active: z.boolean(), keyPreview: z.string() });
export const keyView = z.object({ key: z.string() });
export const rotatedKeyView = z.object({ key: z.string(), previousKeyValidUntil: isoTime });

export const webhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  active: z.boolean(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  headers: z.record(z.string(), z.string()),
  hasOwnKey: z.boolean(),
  health: z.object({
    successRate: z
      .number()
      .nullable()
      .describe(
        'Of the newest 50 deliveries, the share of the finished ones that succeeded, 0 to 1; null with none',
      ),
    lastFailureAt: isoTime.nullable(),
    lastSuccessAt: isoTime.nullable(),
  }),
  deactivatedReason: z
    .string()
    .nullable()
    .describe('Why Hookdesk deactivated it (a 410, failing since a time); null otherwise'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** What create and PATCH answer: `key` only when it was `"generate"`, this once. */
export const webhookSavedView = webhookView.extend({
  key: z
    .string()
    .optional()
    .describe(
      'The generated key, only in the answer to `"key": "generate"`; later GET /api/webhooks/{id}/key',
    ),
});

export const logSummaryView = z.object({
  uuid: z.string(),
  event: z.enum(EVENT_TYPES),
  webhookId: z.string().nullable(),
  ruleId: z.string().nullable(),
  url: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attemptCount: z.number().int(),
  createdAt: isoTime,
  lastAttemptAt: isoTime.nullable(),
  nextAttemptAt: isoTime.nullable(),
  lastStatusCode: z.number().int().nullable(),
});

export const logEntryView = logSummaryView.extend({
  body: z.string(),
  headers: z.record(z.string(), z.string()),
  signature: z.string(),
  // Only on a delivery that could not be sent at all (docs/admin-api.md): why, and for a body over
  // the limit its size (its `body` is then an excerpt).
  error: z.string().optional(),
  bodyTooLarge: z.object({ bytes: z.number().int(), limit: z.number().int() }).optional(),
  attempts: z.array(
    z.object({
      number: z.number().int(),
      at: isoTime,
      durationMs: z.number(),
      statusCode: z.number().int().nullable(),
      responseExcerpt: z.string().nullable(),
      error: z.string().nullable(),
      blocked: z.boolean(),
      headers: z
        .record(z.string(), z.string())
        .describe('The request headers of this attempt; {} for one recorded before attempts kept them'),
    }),
  ),
});

export const resendResultView = z.object({
  results: z.array(z.object({ uuid: z.string(), status: z.enum(['queued', 'not_found']) })),
  matched: z.number().int().describe('Deliveries found by the ids, or matched by the filter (at most 1,000)'),
  queued: z.number().int().describe('Deliveries queued: matched, or 0 for a dry run'),
  capped: z.boolean().describe('The filter matched more than 1,000: only the newest 1,000 count'),
});

export const statsView = z.object({
  buckets: z.array(
    z.object({
      start: isoTime.describe('Start of the hour'),
      succeeded: z.number().int(),
      failed: z.number().int(),
    }),
  ),
});

export const errorView = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.unknown()) }),
});
