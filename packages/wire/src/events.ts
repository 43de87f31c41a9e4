/** Every event name a Hookdesk delivery can carry (docs/wire.md, "Body"). */
export const EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'smart_rule.triggered',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The events an admin can subscribe a webhook to. */
export const WEBHOOK_EVENT_TYPES = ['ticket.created', 'ticket.updated'] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A ticket as the host application gave it: any JSON object. */
export type Ticket = Record<string, unknown>;

export type FieldChange = { old: unknown; new: unknown };

export type TicketChanges = Record<string, FieldChange>;

interface BodyBase {
  uuid: string;
  /** ISO 8601 UTC time at which the event happened (not the attempt time). */
  created_at: string;
}

export interface TicketCreatedBody extends BodyBase {
  event: 'ticket.created';
  ticket: Ticket;
}

export interface TicketUpdatedBody extends BodyBase {
  event: 'ticket.updated';
  ticket: Ticket;
  changes?: TicketChanges;
}

export interface SmartRuleTriggeredBody extends BodyBase {
  event: 'smart_rule.triggered';
  ticket: Ticket;
  smart_rule: { id: string; name: string };
}

export interface WebhookTestBody extends BodyBase {
  event: 'webhook.test';
  webhook: { id: string; name: string | null };
}

/** The JSON body of any Hookdesk delivery. */
export type EventBody = TicketCreatedBody | TicketUpdatedBody | SmartRuleTriggeredBody | WebhookTestBody;

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}
