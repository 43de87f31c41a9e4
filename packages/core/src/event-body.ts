import { randomUUID } from 'node:crypto';
import type { DeliveryRecord } from '@hookdesk/storage';
import type { EventBody, EventType } from '@hookdesk/wire';

/** An event body without its uuid: what every delivery of one fan-out shares. */
export type SharedEventBody = EventBody extends infer B
  ? B extends EventBody
    ? Omit<B, 'uuid'>
    : never
  : never;

/**
 * One event serialized once. `encodeEventBody` would stringify the ticket again for every webhook
 * of a fan-out (its cost: bench/README.md); the uuid is the only field
 * that differs, and it comes first, so each delivery's body is a prefix plus the shared text.
 */
export interface EventTemplate {
  event: EventType;
  /** ISO 8601 UTC time of the event. */
  createdAt: string;
  /** `,"event":…}`: everything after the uuid. */
  tail: string;
  /** UTF-8 length of a body built from this template (uuids are ASCII, so it is the same for all). */
  byteLength: number;
}

const UUID_LENGTH = 36;

/**
 * Serializes everything but the uuid, in docs/wire.md's field order (the order `encodeEventBody` writes).
 * A ticket JSON cannot hold (a cycle, a BigInt, nesting thousands deep) is a `TypeError` naming
 * `ticket`, not V8's bare "Maximum call stack size exceeded"; checking first would cost every event.
 */
export function createEventTemplate(body: SharedEventBody): EventTemplate {
  const { event, created_at, ...rest } = body;
  let json: string;
  try {
    json = JSON.stringify({ event, created_at, ...rest });
  } catch (error) {
    const why = error instanceof RangeError ? 'it nests too deeply' : (error as Error).message;
    throw new TypeError(
      `\`ticket\` cannot be sent as JSON (${why}): give Hookdesk the ticket as plain JSON data, without cycles or BigInts, nested at most a few dozen levels.`,
      { cause: error },
    );
  }
  const tail = `,${json.slice(1)}`;
  const byteLength = '{"uuid":""'.length + UUID_LENGTH + Buffer.byteLength(tail, 'utf8');
  return { event, createdAt: created_at, tail, byteLength };
}

/** The exact JSON text of one delivery; equal to `encodeEventBody({ uuid, ...body })` decoded as UTF-8. */
export function bodyFor(template: EventTemplate, uuid: string): string {
  if (uuid.length !== UUID_LENGTH || !/^[0-9a-f-]+$/.test(uuid)) {
    throw new TypeError('`uuid` must be a lowercase RFC 9562 uuid such as crypto.randomUUID() returns.');
  }
  return `{"uuid":"${uuid}"${template.tail}`;
}

/** Where one delivery goes: a webhook, or a smart rule's action URL. */
export interface DeliveryTarget {
  webhookId: string | null;
  ruleId: string | null;
  url: string;
  /**
   * The delivery's uuid when it must be a known one (a smart-rule firing's id, so a firing recorded
   * again after a crash keeps it); a new one when absent.
   */
  uuid?: string;
}

/** A new delivery of the template to the target, pending, due at once, with no attempt yet. */
export function pendingDelivery(template: EventTemplate, target: DeliveryTarget): DeliveryRecord {
  const uuid = target.uuid ?? randomUUID();
  return {
    uuid,
    event: template.event,
    webhookId: target.webhookId,
    ruleId: target.ruleId,
    url: target.url,
    status: 'pending',
    body: bodyFor(template, uuid),
    headers: {},
    signature: '',
    createdAt: template.createdAt,
    lastAttemptAt: null,
    nextAttemptAt: template.createdAt,
    lastStatusCode: null,
    attemptCount: 0,
    attempts: [],
  };
}
