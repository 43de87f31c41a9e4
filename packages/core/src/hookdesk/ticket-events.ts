import type { Ticket, TicketChanges } from '@hookdesk/wire';
import { computeChanges } from '@hookdesk/wire';
import type { DeliveryTarget, SharedEventBody } from '../event-body.js';
import { assertEventId, deliveryUuidFor } from '../event-id.js';
import type { TicketEvent, TicketEventListener } from '../extension.js';
import type { KeyRing } from '../key-ring.js';
import type { WebhookCache } from '../webhook-cache.js';
import type { EngineGuard } from './engine-guard.js';
import { type RecordParts, recordDeliveries } from './record-deliveries.js';

/** Options of `ticketCreated`. */
export interface TicketEventOptions {
  /** When the event happened (the body's `created_at`). Default: now. */
  createdAt?: Date | string;
  /**
   * The host's idempotency key for this event (an outbox row id, say; at most 200 characters). Each
   * delivery's uuid is derived from it and the target, so recording the same event again (an outbox
   * drained after a crash) records nothing new and resolves with the same uuids. Default: none
   * (new uuids each call).
   */
  eventId?: string;
}

/** Options of `ticketUpdated`. */
export interface TicketUpdateOptions extends TicketEventOptions {
  /** The ticket before the change; `changes` is computed from it. */
  previous?: Ticket | null;
  /** Given changes win over computed ones. */
  changes?: TicketChanges;
}

/** What `emit` takes per event. `createdAt` defaults to now. */
export interface EmitPayloads {
  'ticket.created': { ticket: Ticket } & TicketEventOptions;
  'ticket.updated': { ticket: Ticket } & TicketUpdateOptions;
  /** A smart rule fired: one delivery to the rule's action URL, logged with `ruleId`. */
  'smart_rule.triggered': {
    ticket: Ticket;
    rule: { id: string; name: string; url: string };
    createdAt?: Date | string;
    /**
     * The delivery's uuid (lowercase, as `crypto.randomUUID()` returns). Default: a new one. Smart
     * rules pass their firing id, so a firing recorded again after a crash has the same uuid; a uuid
     * the log holds already records nothing new.
     */
    uuid?: string;
  };
}

export interface TicketEventsParts extends RecordParts {
  keyRing: KeyRing;
  webhooks: WebhookCache;
  guard: EngineGuard;
}

/**
 * The events the host records: each becomes a signed delivery per matching webhook, and is heard
 * by the ticket event listeners (`onTicketEvent`: smart rules), whose deliveries join the answer.
 */
export class TicketEvents {
  readonly #p: TicketEventsParts;
  readonly #listeners: TicketEventListener[] = [];

  constructor(parts: TicketEventsParts) {
    this.#p = parts;
  }

  async created(ticket: Ticket, options: TicketEventOptions): Promise<string[]> {
    const { createdAt, eventId } = options;
    assertEventId(eventId);
    return this.#ticketEvent(
      'ticket.created',
      { ticket, createdAt, eventId },
      { type: 'ticket.created', ticket, at: Date.parse(this.#eventTime(createdAt)), eventId },
    );
  }

  async updated(ticket: Ticket, options: TicketUpdateOptions): Promise<string[]> {
    assertEventId(options.eventId);
    const changes =
      options.changes ?? (options.previous ? computeChanges(options.previous, ticket) : undefined);
    return this.#ticketEvent(
      'ticket.updated',
      { ticket, ...options, changes },
      {
        type: 'ticket.updated',
        ticket,
        changes,
        at: Date.parse(this.#eventTime(options.createdAt)),
        eventId: options.eventId,
      },
    );
  }

  /** Adds a listener; returns the unsubscribe. */
  listen(listener: TicketEventListener): () => void {
    if (typeof listener !== 'function')
      throw new TypeError('`listener` must be a function (event) => uuids.');
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }

  /**
   * The webhook deliveries and the listeners of one ticket event, side by side: neither needs the
   * other's result, and on the embedded store their writes then share commits, so the host waits
   * for one disk flush instead of several in a row.
   */
  async #ticketEvent<E extends 'ticket.created' | 'ticket.updated'>(
    event: E,
    payload: EmitPayloads[E],
    ruleEvent: TicketEvent,
  ): Promise<string[]> {
    assertTicket(payload.ticket);
    const [deliveries, ...heard] = await Promise.allSettled([
      this.emit(event, payload),
      ...this.#listeners.map((listener) => listener(ruleEvent)),
    ]);
    // Both fail on a ticket JSON cannot hold; the deliveries' error names `ticket`, where a
    // listener's store write would report an outage. Whichever settles first must not decide which is seen.
    if (deliveries.status === 'rejected') throw deliveries.reason;
    let uuids = deliveries.value;
    for (const result of heard) {
      if (result.status === 'rejected') throw result.reason;
      if (result.value.length > 0) uuids = [...uuids, ...result.value];
    }
    return uuids;
  }

  /** `Hookdesk.emit`: the deliveries of any event, without the listeners. */
  async emit<E extends keyof EmitPayloads>(event: E, payload: EmitPayloads[E]): Promise<string[]> {
    const { guard, keyRing, webhooks } = this.#p;
    guard.assertOpen();
    const input = payload as EmitPayloads[keyof EmitPayloads];
    if (!input || typeof input !== 'object')
      throw new TypeError('`payload` must be an object holding `ticket`.');
    assertTicket(input.ticket);
    const createdAt = this.#eventTime(input.createdAt);
    await guard.ready;
    const settings = await keyRing.get();
    // Switch off: nothing is created, and nothing is made up later (docs/admin-api.md, "The global switch").
    if (!settings.active) return [];

    let shared: SharedEventBody;
    let targets: DeliveryTarget[];
    if (event === 'smart_rule.triggered') {
      const { rule, ticket, uuid } = input as EmitPayloads['smart_rule.triggered'];
      if (
        !rule ||
        typeof rule.id !== 'string' ||
        typeof rule.name !== 'string' ||
        typeof rule.url !== 'string'
      ) {
        throw new TypeError('`rule` must be { id, name, url } of the smart rule that fired.');
      }
      shared = { event, created_at: createdAt, ticket, smart_rule: { id: rule.id, name: rule.name } };
      // pendingDelivery takes the target's uuid (it checks the form: a TypeError naming `uuid`).
      targets = [{ webhookId: null, ruleId: rule.id, url: rule.url, uuid }];
    } else if (event === 'ticket.created' || event === 'ticket.updated') {
      const { eventId } = input as TicketEventOptions;
      assertEventId(eventId);
      const matching = (await webhooks.list()).filter((w) => w.active && w.events.includes(event));
      if (matching.length === 0) return [];
      if (event === 'ticket.updated') {
        const { ticket, previous, changes } = input as EmitPayloads['ticket.updated'];
        const computed = changes ?? (previous ? computeChanges(previous, ticket) : undefined);
        shared = computed
          ? { event, created_at: createdAt, ticket, changes: computed }
          : { event, created_at: createdAt, ticket };
      } else {
        shared = { event, created_at: createdAt, ticket: input.ticket };
      }
      targets = matching.map((w) => {
        const target = { webhookId: w.id, ruleId: null, url: w.url };
        return eventId === undefined ? target : { ...target, uuid: deliveryUuidFor(eventId, target) };
      });
    } else {
      throw new TypeError(
        `\`event\` must be ticket.created, ticket.updated or smart_rule.triggered, got ${String(event)}.`,
      );
    }
    return recordDeliveries(this.#p, shared, targets);
  }

  #eventTime(value: Date | string | undefined): string {
    if (value === undefined) return new Date(this.#p.options.clock.now()).toISOString();
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime()))
      throw new TypeError('`createdAt` must be a Date or an ISO 8601 string.');
    return date.toISOString();
  }
}

function assertTicket(ticket: unknown): asserts ticket is Ticket {
  if (ticket === null || typeof ticket !== 'object' || Array.isArray(ticket)) {
    throw new TypeError('`ticket` must be a plain object: the ticket as the host application stores it.');
  }
}
