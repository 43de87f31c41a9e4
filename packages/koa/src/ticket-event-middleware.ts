import {
  isSuccessStatus,
  recordTicketEvent,
  reportTicketEventError,
  type SelectedTicket,
  type TicketEventErrorHandler,
  type TicketEventName,
  type TicketEventTarget,
} from '@hookdesk/core';
import type { Context, Middleware, Next } from 'koa';

/** Picks the ticket from a successful request; `ctx.body` holds what the route answers. */
export type KoaTicketSelector = (ctx: Context) => SelectedTicket;

export interface KoaTicketEventOptions {
  /** Told about a Hookdesk failure; the host's response goes out unchanged. Default: logs to stderr. */
  onError?: TicketEventErrorHandler;
}

/**
 * Route middleware that reports a ticket event when the route answers 2xx, after the route ran and
 * before Koa sends the response, so an acknowledged ticket event is never lost. 4xx/5xx answers
 * (and thrown errors) record nothing; a Hookdesk failure never changes the host's response.
 * @example router.post('/api/tickets', emitTicketEvent(hookdesk, 'ticket.created', (ctx) => ctx.body), createTicket);
 */
export function emitTicketEvent(
  hookdesk: TicketEventTarget,
  event: TicketEventName,
  select: KoaTicketSelector,
  options: KoaTicketEventOptions = {},
): Middleware {
  if (typeof select !== 'function') {
    throw new TypeError('`select` must be a function (ctx) => ticket that picks the ticket.');
  }
  const onError = options.onError ?? reportTicketEventError;
  return async function hookdeskTicketEventMiddleware(ctx: Context, next: Next) {
    await next();
    if (!isSuccessStatus(ctx.status)) return;
    let selected: SelectedTicket;
    try {
      selected = select(ctx);
    } catch (error) {
      onError(error, event);
      return;
    }
    await recordTicketEvent(hookdesk, event, selected, onError);
  };
}
