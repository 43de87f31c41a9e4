import { randomUUID } from 'node:crypto';
import type { EventBody } from '@hookdesk/wire';

// The docs/wire.md worked example, byte for byte.
export const WIRE_KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const WIRE_BODY =
  '{"uuid":"3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d","event":"ticket.updated","created_at":"2026-11-28T08:30:00.000Z","ticket":{"id":42,"subject":"Printer on fire ☃","status":"closed","priority":"urgent"},"changes":{"status":{"old":"open","new":"closed"}}}';
export const WIRE_TIMESTAMP = 1795854605;
export const WIRE_UUID = '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d';
export const WIRE_SHA1 = 'sha1=f9d66d970356a639ad1d1446469283f0ab30e023';
export const WIRE_STANDARD = 'v1,kJAsWGJZZiLKVZcNUKNj/22b/eubn594FwUA6vq3RUM=';

/** A second valid key, as after a rotation. */
export const OTHER_KEY = 'whsec_C2FkZmFzZGZhc2RmYXNkZmFzZGZhc2RmYXNkZmFzZGY=';

export function ticketCreated(overrides: Partial<EventBody> = {}): EventBody {
  return {
    uuid: randomUUID(),
    event: 'ticket.created',
    created_at: '2026-11-28T08:30:00.000Z',
    ticket: { id: 7, subject: 'Printer on fire ☃', status: 'open' },
    ...overrides,
  } as EventBody;
}

/** A prefix no other test run uses, for keys in the shared Redis. */
export function uniquePrefix(): string {
  return `hookdesk-test:${process.pid}:${randomUUID()}:`;
}
