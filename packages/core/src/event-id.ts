import { createHash } from 'node:crypto';

/** Longest `eventId` Hookdesk takes; ids are the host's own (an outbox row id, a uuid). */
export const MAX_EVENT_ID_LENGTH = 200;

// Hookdesk's RFC 9562 name-space for delivery uuids (itself a random v4 uuid, fixed forever: changing
// it would give an event recorded again after an upgrade new uuids, and receivers would see it twice).
const NAMESPACE = Buffer.from('6f1d1c64a1b04a9e9f3c2f1ad6b0e7c2', 'hex');

/** Throws a `TypeError` naming `eventId` unless it is a usable idempotency key (or absent). */
export function assertEventId(eventId: unknown): asserts eventId is string | undefined {
  if (eventId === undefined) return;
  if (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > MAX_EVENT_ID_LENGTH) {
    throw new TypeError(
      `\`eventId\` must be a non-empty string of at most ${MAX_EVENT_ID_LENGTH} characters that names this event in your own store (an outbox row id, say), got ${typeof eventId === 'string' ? `${eventId.length} characters` : typeof eventId}.`,
    );
  }
}

/**
 * A name-based (version 5, SHA-1) uuid of `name` in Hookdesk's name-space: the same name gives the
 * same uuid in every process and version, lowercase as `crypto.randomUUID()` writes them.
 */
export function nameBasedUuid(name: string, namespace: Buffer = NAMESPACE): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The uuid of the delivery of event `eventId` to one target (a webhook, or a smart rule's action):
 * recording the same event again derives the same uuids, so it records nothing new.
 */
export function deliveryUuidFor(
  eventId: string,
  target: { webhookId: string | null; ruleId: string | null },
): string {
  // JSON keeps the parts apart whatever characters the host's ids hold.
  return nameBasedUuid(JSON.stringify([eventId, target.webhookId, target.ruleId]));
}
