import { setTimeout as sleep } from 'node:timers/promises';
import { type DedupStoreInput, expressReceiver, type HookdeskEvent } from '@hookdesk/receiver-sdk';
import express, { type Express } from 'express';
import { BODY_TIMEOUT_MS } from './server.js';

/** One entry of `GET /events`: what the handler processed, in order. */
export interface ProcessedEvent {
  uuid: string;
  event: HookdeskEvent['event'];
  ticketId: unknown;
}

export interface ReceiverAppOptions {
  keys: string[];
  store?: DedupStoreInput;
  /** Accept requests signed only with `X-Hookdesk-Signature` (`HOOKDESK_ACCEPT_SHA1_ONLY=1`). */
  acceptSha1Only?: boolean;
  leaseMs?: number;
  handlerDelayMs?: number;
  failOnceTicketId?: string;
}

/** `POST /webhooks` through the SDK's Express helper, `GET /events`, and a JSON 404 for anything else. */
export function createReceiverApp(options: ReceiverAppOptions): { app: Express; events: ProcessedEvent[] } {
  const events: ProcessedEvent[] = [];
  const failed = new Set<string>();
  const app = express();
  app.post(
    '/webhooks',
    expressReceiver({
      keys: options.keys,
      store: options.store,
      acceptSha1Only: options.acceptSha1Only,
      leaseMs: options.leaseMs,
      bodyTimeoutMs: BODY_TIMEOUT_MS,
      handler: async (event) => {
        if (options.handlerDelayMs) await sleep(options.handlerDelayMs);
        const ticketId = 'ticket' in event ? event.ticket.id : null;
        if (options.failOnceTicketId !== undefined && String(ticketId) === options.failOnceTicketId) {
          if (!failed.has(event.uuid)) {
            failed.add(event.uuid);
            throw new Error(`RECEIVER_FAIL_ONCE_TICKET: failing the first delivery of ticket ${ticketId}`);
          }
        }
        events.push({ uuid: event.uuid, event: event.event, ticketId });
        console.log(`processed ${event.event} ${event.uuid} (attempt ${event.attempt})`);
      },
      onError: (error) => console.error(`handler failed: ${(error as Error).cause ?? error}`),
    }),
  );
  app.get('/events', (_req, res) => {
    res.json(events);
  });
  // JSON like every other answer here, never Express's HTML page.
  app.use((req, res) => {
    res.status(404).json({
      error: {
        code: 'not_found',
        message: `${req.method} ${req.path} is not a route of this receiver: deliveries go to POST /webhooks, and GET /events lists what it processed.`,
      },
    });
  });
  return { app, events };
}
