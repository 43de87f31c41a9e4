import type { DeliveryRecord, WebhookRecord } from '@hookdesk/storage';
import { bodyFor, type DeliveryTarget, type EventTemplate, type SharedEventBody } from './event-body.js';
import type { DropReason, HookdeskEvents } from './hookdesk-events.js';
import type { Logger } from './logger.js';
import type { HookdeskMetrics } from './metrics.js';

/**
 * How much of a body over the limit the log keeps, in UTF-8 bytes: enough for an admin to see which
 * event and ticket it was. Never the whole body: the size limit is also what bounds the log.
 */
export const UNSENT_BODY_EXCERPT_BYTES = 16_384;

const bytes = (n: number) => n.toLocaleString('en-US');
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** What was too big, by how much, and what to do; read by admins in the log entry's `error`. */
export function bodyTooLargeError(shared: SharedEventBody, byteLength: number, limit: number): string {
  const ticket = 'ticket' in shared ? shared.ticket : undefined;
  const id = ticket && typeof ticket === 'object' && 'id' in ticket ? ` of ticket ${String(ticket.id)}` : '';
  // Only on this rare path: the ticket and its changes measured apart say which one to trim.
  const parts = [
    ticket === undefined ? null : `the ticket ${bytes(jsonBytes(ticket))} bytes`,
    'changes' in shared && shared.changes ? `its changes ${bytes(jsonBytes(shared.changes))}` : null,
  ].filter((part) => part !== null);
  return (
    `The ${shared.event} event${id} would be a ${bytes(byteLength)}-byte body` +
    (parts.length > 0 ? ` (${parts.join(', ')})` : '') +
    `, over the ${bytes(limit)}-byte limit (\`maxBodyBytes\`), so it was not sent and cannot be resent. ` +
    'Keep large fields (attachments, long histories) out of the ticket you give Hookdesk, or raise ' +
    '`maxBodyBytes` if every receiver accepts larger bodies.'
  );
}

/** The reason given when a resend (or a queued retry) meets an entry whose body was over the limit. */
export function unsendableBodyError(record: DeliveryRecord): string {
  const size = record.bodyTooLarge as { bytes: number; limit: number };
  return (
    `Not sent: this ${record.event} body was ${bytes(size.bytes)} bytes when it was recorded, over the ` +
    `${bytes(size.limit)}-byte limit, and the log kept only its start, so it cannot be sent. ` +
    'Record the event again with a smaller ticket (or a higher `maxBodyBytes`).'
  );
}

/** The reason given when the webhook of a delivery is gone or switched off at attempt time. */
export function webhookUnavailableError(record: DeliveryRecord, webhook: WebhookRecord | undefined): string {
  if (!webhook) {
    return (
      `Not sent: webhook ${record.webhookId} was deleted before this attempt, and a deleted webhook ` +
      'cannot be sent to. Create a webhook for that receiver and record the event again if it still needs it.'
    );
  }
  const why = webhook.deactivatedReason ? ` (Hookdesk deactivated it: ${webhook.deactivatedReason})` : '';
  return `Not sent: webhook ${webhook.id} is inactive${why}. Activate it, then resend this delivery from the log.`;
}

/**
 * The log entry of a delivery whose body is over the limit: `failed`, no attempt, the reason in
 * `error`, and as `body` only the first `UNSENT_BODY_EXCERPT_BYTES` of the text (not valid JSON when
 * cut), with `bodyTooLarge` saying so; the dispatcher never sends such an entry.
 */
export function unsentDelivery(
  template: EventTemplate,
  target: DeliveryTarget & { uuid: string },
  error: string,
  limit: number,
): DeliveryRecord {
  const full = bodyFor(template, target.uuid);
  const excerpt = new Uint8Array(UNSENT_BODY_EXCERPT_BYTES);
  // encodeInto never writes half a character: `read` ends on a character boundary.
  const { read } = new TextEncoder().encodeInto(full, excerpt);
  return {
    uuid: target.uuid,
    event: template.event,
    webhookId: target.webhookId,
    ruleId: target.ruleId,
    url: target.url,
    status: 'failed',
    body: full.slice(0, read),
    headers: {},
    signature: '',
    createdAt: template.createdAt,
    lastAttemptAt: null,
    nextAttemptAt: null,
    lastStatusCode: null,
    attemptCount: 0,
    attempts: [],
    error,
    bodyTooLarge: { bytes: template.byteLength, limit },
  };
}

/**
 * Makes a dropped delivery visible beyond its log entry: the `delivery.dropped` event, the
 * `hookdesk.deliveries.dropped` counter and a warning (uuid and reason; never the body).
 */
export function reportDropped(
  parts: { events: HookdeskEvents; metrics: HookdeskMetrics; logger: Logger },
  record: DeliveryRecord,
  reason: DropReason,
  error: string,
): void {
  parts.metrics.dropped.add(1, { event: record.event, reason });
  parts.logger.warn(
    { uuid: record.uuid, event: record.event, webhookId: record.webhookId, ruleId: record.ruleId, reason },
    'delivery failed without being sent',
  );
  parts.events.emit('delivery.dropped', {
    uuid: record.uuid,
    event: record.event,
    webhookId: record.webhookId,
    ruleId: record.ruleId,
    url: record.url,
    reason,
    error,
  });
}
