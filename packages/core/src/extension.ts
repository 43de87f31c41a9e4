import type { DeliveryRecord, HookdeskStorage } from '@hookdesk/storage';
import type { TicketChanges } from '@hookdesk/wire';
import type { ExtensionAdminRoute } from './admin/admin-routes.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';

/** One ticket event as listeners hear it (`hookdesk.onTicketEvent`). */
export interface TicketEvent {
  type: 'ticket.created' | 'ticket.updated';
  /** The ticket as the host gave it. */
  ticket: unknown;
  /** docs/wire.md `changes`, when the previous ticket was known (or the host gave them). */
  changes?: TicketChanges | undefined;
  /** The event's time, epoch ms. */
  at: number;
  /** The host's idempotency key of the event (`ticketCreated(ticket, { eventId })`), if any. */
  eventId?: string | undefined;
}

/**
 * Hears every ticket event the host records, side by side with the webhook deliveries; resolves
 * with the uuids of the deliveries it recorded (through `hookdesk.emit`), which the host's call
 * resolves with too. A rejection rejects the host's call (after a webhook delivery's `TypeError`).
 */
export type TicketEventListener = (event: TicketEvent) => Promise<string[]>;

/** What the engine lends an extension (`hookdesk.extend`). */
export interface ExtensionContext {
  /** The engine's storage: an extension keeps its records on `storage.records` and `storage.index`. */
  storage: HookdeskStorage;
  clock: Clock;
  logger: Logger;
  /** The `cacheMs` option: how long an extension may serve what it reads from memory. */
  cacheMs: number;
  /** The SSRF guard's verdict on a URL (`null`: Hookdesk sends there), as for a webhook's `url`. */
  urlProblem(url: string): Promise<string | null>;
  /**
   * The uuid of the delivery of the host's event `eventId` to one target, as webhooks derive theirs:
   * recording the same event again derives the same uuid.
   */
  deliveryUuid(eventId: string, target: { webhookId: string | null; ruleId: string | null }): string;
  /** Throws the engine's `TypeError` once it was closed. */
  assertOpen(): void;
}

/**
 * What a package installed on the engine adds to it (smart rules are one). Everything is optional
 * but the name.
 */
export interface HookdeskExtension {
  /** For messages and to refuse installing the same extension twice. */
  name: string;
  /** Called once the engine has started (every process, whether it processes the queue or not). */
  start?(): void;
  /** Called first by `hookdesk.close()`: stop timers and wait for work in progress. */
  stop?(): Promise<void>;
  /** Routes the admin API serves beside its own (`hookdeskAdmin(hookdesk)`). */
  adminRoutes?: readonly ExtensionAdminRoute[];
  /**
   * The URL a delivery no webhook owns goes to now (e.g. a smart rule's current action URL), or
   * `undefined` when this extension does not know it: the recorded URL is used.
   */
  currentUrl?(record: DeliveryRecord): Promise<string | undefined>;
}
