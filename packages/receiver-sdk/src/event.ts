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
 * Parses verified bytes once into an event. Throws `malformed_body` unless they are a JSON object
 * with a string `uuid` and a known `event`.
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
  body.attempt = parseAttempt(attemptHeader);
  return body as unknown as EventBody & DeliveryMeta;
}

function parseAttempt(header: string | undefined): number {
  if (header === undefined) return 1;
  const attempt = Number(header);
  return Number.isSafeInteger(attempt) && attempt >= 1 ? attempt : 1;
}
