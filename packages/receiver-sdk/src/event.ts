import {
  type EventBody,
  type EventType,
  isEventType,
  type SmartRuleTriggeredBody,
  type TicketCreatedBody,
  type TicketUpdatedBody,
  type WebhookTestBody,
} from '@hookdesk/wire';
import { WebhookVerificationError } from './errors.js';

/** What the receiver adds to the signed body. */
export interface DeliveryMeta {
  /** From `X-Hookdesk-Attempt`: `1` for the first attempt, then `2`, `3`, …; `1` when the header is absent. */
  readonly attempt: number;
}

export type TicketCreatedEvent = TicketCreatedBody & DeliveryMeta;
export type TicketUpdatedEvent = TicketUpdatedBody & DeliveryMeta;
export type SmartRuleTriggeredEvent = SmartRuleTriggeredBody & DeliveryMeta;
export type WebhookTestEvent = WebhookTestBody & DeliveryMeta;

/** A verified delivery: the signed JSON body (uuid, event, ticket, changes, smart_rule…) plus its attempt. */
export type HookdeskEvent =
  | TicketCreatedEvent
  | TicketUpdatedEvent
  | SmartRuleTriggeredEvent
  | WebhookTestEvent;

/** The event of one type, e.g. `EventOf<'ticket.updated'>`. */
export type EventOf<T extends EventType> = Extract<HookdeskEvent, { event: T }>;

/**
 * Parses verified bytes once into an event. Throws `malformed_body` (400), naming the field, unless
 * they are a JSON object with a string `uuid`, a known `event` and that event's fields as
 * docs/wire.md ("Body") gives them, so a handler never meets `"ticket": null` (a 500 from it).
 */
export function parseEvent(rawBody: Uint8Array, attemptHeader: string | undefined): HookdeskEvent {
  let parsed: unknown;
  try {
    // Decoded once; a Buffer (what Node frameworks hand over) needs no view of its own.
    const bytes = Buffer.isBuffer(rawBody)
      ? rawBody
      : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new WebhookVerificationError(
      'malformed_body',
      'The signed body is not JSON: a Hookdesk sender sends one UTF-8 JSON object.',
      { cause: error },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WebhookVerificationError(
      'malformed_body',
      'The signed body is not a JSON object: a Hookdesk body is an object with `uuid` and `event`.',
    );
  }
  const body = parsed as Record<string, unknown>;
  if (typeof body.uuid !== 'string' || body.uuid === '') {
    throw new WebhookVerificationError('malformed_body', 'The signed body has no string `uuid`.');
  }
  if (!isEventType(body.event)) {
    throw new WebhookVerificationError(
      'malformed_body',
      `The signed body's \`event\` ${JSON.stringify(body.event)} is not a Hookdesk event ` +
        '(ticket.created, ticket.updated, smart_rule.triggered, webhook.test): upgrade @hookdesk/receiver-sdk if the sender is newer.',
    );
  }
  const problem = shapeProblem(body as Record<string, unknown> & { event: EventType });
  if (problem !== undefined) {
    throw new WebhookVerificationError(
      'malformed_body',
      `The signed ${body.event} body's ${problem} (docs/wire.md, "Body"): fix the sender, or upgrade @hookdesk/receiver-sdk if the sender is newer.`,
    );
  }
  body.attempt = parseAttempt(attemptHeader);
  return body as unknown as EventBody & DeliveryMeta;
}

// What is wrong with a body whose `uuid` and `event` passed, as a phrase, or undefined.
function shapeProblem(body: Record<string, unknown> & { event: EventType }): string | undefined {
  if (typeof body.created_at !== 'string') {
    return `\`created_at\` is ${kind(body.created_at)}, not an ISO 8601 time string`;
  }
  if (body.event === 'webhook.test') {
    const webhook = body.webhook;
    if (!isObject(webhook)) return `\`webhook\` is ${kind(webhook)}, not an object with \`id\` and \`name\``;
    if (typeof webhook.id !== 'string') return `\`webhook.id\` is ${kind(webhook.id)}, not a string`;
    if (typeof webhook.name !== 'string' && webhook.name !== null) {
      return `\`webhook.name\` is ${kind(webhook.name)}, not a string or null`;
    }
    return undefined;
  }
  if (!isObject(body.ticket)) return `\`ticket\` is ${kind(body.ticket)}, not the ticket object`;
  if (body.event === 'ticket.updated' && body.changes !== undefined) {
    if (!isObject(body.changes)) {
      return `\`changes\` is ${kind(body.changes)}, not an object of \`{ old, new }\``;
    }
    // for…in, not Object.entries: no array per request on the hot path (bench/receiver).
    for (const field in body.changes) {
      const change = body.changes[field];
      if (!isObject(change)) {
        return `\`changes[${JSON.stringify(field.slice(0, 64))}]\` is ${kind(change)}, not \`{ old, new }\``;
      }
    }
  }
  if (body.event === 'smart_rule.triggered') {
    const rule = body.smart_rule;
    if (!isObject(rule)) return `\`smart_rule\` is ${kind(rule)}, not an object with \`id\` and \`name\``;
    if (typeof rule.id !== 'string') return `\`smart_rule.id\` is ${kind(rule.id)}, not a string`;
    if (typeof rule.name !== 'string') return `\`smart_rule.name\` is ${kind(rule.name)}, not a string`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The value's kind, never the value itself: it may be large, and the message goes back to the sender.
function kind(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function parseAttempt(header: string | undefined): number {
  if (header === undefined) return 1;
  const attempt = Number(header);
  return Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1;
}
