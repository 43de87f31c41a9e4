import type { EventType } from '@hookdesk/wire';
import { EVENT_TYPES, isEventType } from '@hookdesk/wire';
import type { EventOf, HookdeskEvent } from './event.js';

export type EventHandler<E extends HookdeskEvent = HookdeskEvent> = (event: E) => unknown;

/** One handler per event type; types without one are acknowledged without running anything. */
export type EventHandlers = { [T in EventType]?: EventHandler<EventOf<T>> };

/**
 * Checks `handler` and `on` and returns what runs for an event: `on`'s handler for its type, then
 * `handler`; `undefined` when neither covers it. Composed once rather than per request.
 */
export function handlerLookup(
  handler: EventHandler | undefined,
  on: EventHandlers | undefined,
): (event: HookdeskEvent) => EventHandler | undefined {
  if (handler === undefined && on === undefined) {
    throw new TypeError(
      'Give `handler` (one for every event) or `on` (one per event type): nothing would run.',
    );
  }
  if (handler !== undefined && typeof handler !== 'function')
    throw new TypeError('`handler` must be a function.');
  if (on === undefined) return () => handler;
  checkHandlers(on);
  const handlers = handlerTable(on, handler);
  return (event) => handlers.get(event.event);
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function handlerTable(on: EventHandlers, handler: EventHandler | undefined): Map<string, EventHandler> {
  const table = new Map<string, EventHandler>();
  for (const type of EVENT_TYPES) {
    const typed = on[type] as EventHandler | undefined;
    const run = typed === undefined ? handler : handler === undefined ? typed : inSequence(typed, handler);
    if (run !== undefined) table.set(type, run);
  }
  return table;
}

// `first`, then `second` once `first` settled; synchronous when both are, so the in-memory fast
// path of `process` stays free of ticks.
function inSequence(first: EventHandler, second: EventHandler): EventHandler {
  return (event) => {
    const result = first(event);
    return isPromiseLike(result) ? Promise.resolve(result).then(() => second(event)) : second(event);
  };
}

function checkHandlers(on: EventHandlers): void {
  if (typeof on !== 'object' || on === null) throw new TypeError('`on` must map event types to handlers.');
  for (const [type, handler] of Object.entries(on)) {
    if (!isEventType(type)) {
      throw new TypeError(
        `\`on[${JSON.stringify(type)}]\` is not a Hookdesk event type; use one of ${EVENT_TYPES.join(', ')}.`,
      );
    }
    if (typeof handler !== 'function')
      throw new TypeError(`\`on[${JSON.stringify(type)}]\` must be a function.`);
  }
}
