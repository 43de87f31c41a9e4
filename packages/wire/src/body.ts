import type { EventBody } from './events.js';

/** Largest request body a sender emits by default (docs/wire.md, "Defaults"). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/**
 * Serializes an event body once, with the fields in docs/wire.md's order. The returned bytes are the
 * ones that get signed, logged and sent: never re-serialize them.
 */
export function encodeEventBody(body: EventBody): Buffer {
  const { uuid, event, created_at, ...rest } = body;
  return Buffer.from(JSON.stringify({ uuid, event, created_at, ...rest }), 'utf8');
}
