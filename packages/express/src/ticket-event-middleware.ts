import {
  isSuccessStatus,
  recordTicketEvent,
  reportTicketEventError,
  type SelectedTicket,
  type TicketEventErrorHandler,
  type TicketEventName,
  type TicketEventTarget,
} from '@hookdesk/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Picks the ticket from a successful request: `responseBody` is what the route sent (parsed if JSON). */
export type ExpressTicketSelector = (req: Request, res: Response, responseBody: unknown) => SelectedTicket;

export interface ExpressTicketEventOptions {
  /** Told about a Hookdesk failure; the host's response goes out unchanged. Default: logs to stderr. */
  onError?: TicketEventErrorHandler;
}

function parsed(chunk: unknown): unknown {
  if (chunk === undefined || chunk === null) return undefined;
  const text = Buffer.isBuffer(chunk)
    ? chunk.toString('utf8')
    : typeof chunk === 'string'
      ? chunk
      : undefined;
  if (text === undefined) return chunk;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Route middleware that reports a ticket event when the route answers 2xx. It holds the response's
 * end until the event is durably recorded, so an acknowledged ticket event is never lost; 4xx/5xx
 * answers record nothing, and a Hookdesk failure never changes the host's response.
 * @example app.post('/api/tickets', emitTicketEvent(hookdesk, 'ticket.created', (req, res, body) => body), createTicket);
 */
export function emitTicketEvent(
  hookdesk: TicketEventTarget,
  event: TicketEventName,
  select: ExpressTicketSelector,
  options: ExpressTicketEventOptions = {},
): RequestHandler {
  if (typeof select !== 'function') {
    throw new TypeError(
      '`select` must be a function (req, res, responseBody) => ticket that picks the ticket.',
    );
  }
  const onError = options.onError ?? reportTicketEventError;
  return function hookdeskTicketEventMiddleware(req: Request, res: Response, next: NextFunction) {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let held = false;
    res.end = function hookdeskHeldEnd(this: Response, ...args: unknown[]) {
      if (held || !isSuccessStatus(res.statusCode)) return end(...args);
      held = true;
      const chunk = typeof args[0] === 'function' ? undefined : args[0];
      let selected: SelectedTicket;
      try {
        selected = select(req, res, parsed(chunk));
      } catch (error) {
        onError(error, event);
        return end(...args);
      }
      recordTicketEvent(hookdesk, event, selected, onError).finally(() => end(...args));
      return res;
    } as Response['end'];
    next();
  };
}
