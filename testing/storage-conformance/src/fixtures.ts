import type { DeliveryAttempt, DeliveryRecord, HookdeskStorage, WebhookRecord } from '@hookdesk/storage';

/** The suite's clock: record `n` of a fixture is made `n` minutes after this. */
export const BASE = Date.parse('2026-11-01T00:00:00.000Z');
export const minutes = (n: number) => new Date(BASE + n * 60_000).toISOString();

export function makeWebhook(id: string, at: number, overrides: Partial<WebhookRecord> = {}): WebhookRecord {
  return {
    id,
    url: `https://example.com/hooks/${id}`,
    events: ['ticket.created', 'ticket.updated'],
    active: true,
    name: `Webhook ${id}`,
    description: null,
    headers: { 'x-team': 'support' },
    key: null,
    createdAt: minutes(at),
    updatedAt: minutes(at),
    deactivatedReason: null,
    lastSuccessAt: null,
    lastFailureAt: null,
    failingSince: null,
    ...overrides,
  };
}

export function makeDelivery(
  uuid: string,
  at: number,
  overrides: Partial<DeliveryRecord> = {},
): DeliveryRecord {
  const event = overrides.event ?? 'ticket.created';
  return {
    uuid,
    event,
    webhookId: 'wh-1',
    ruleId: null,
    url: 'https://example.com/hooks/wh-1',
    status: 'pending',
    body: JSON.stringify({
      uuid,
      event,
      created_at: minutes(at),
      ticket: { id: at, subject: 'Printer on fire ☃' },
    }),
    headers: { 'content-type': 'application/json' },
    signature: 'sha1=00',
    createdAt: minutes(at),
    lastAttemptAt: null,
    nextAttemptAt: null,
    lastStatusCode: null,
    attemptCount: 0,
    attempts: [],
    ...overrides,
  };
}

/** A delivery attempt `at` minutes in: answered `statusCode`, or a connection error for `null`. */
export function attempt(number: number, at: number, statusCode: number | null): DeliveryAttempt {
  return {
    number,
    at: minutes(at),
    durationMs: 12,
    statusCode,
    responseExcerpt: statusCode === null ? null : 'ok',
    error: statusCode === null ? 'connect ECONNREFUSED' : null,
    blocked: false,
  };
}

// 24 deliveries, one a minute: webhooks wh-1/wh-2 and rule r-1 in turn, events by index.
export const FIXTURE_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'smart_rule.triggered',
  'webhook.test',
] as const;

/** The 24 deliveries of the delivery-log cases, as created (all pending). */
export function deliveryFixture(): DeliveryRecord[] {
  return Array.from({ length: 24 }, (_, i) => {
    const target = i % 3;
    return makeDelivery(`d-${String(i).padStart(2, '0')}`, i, {
      event: target === 2 ? 'smart_rule.triggered' : FIXTURE_EVENTS[i % 2]!,
      webhookId: target === 2 ? null : `wh-${target + 1}`,
      ruleId: target === 2 ? 'r-1' : null,
    });
  });
}

/** The uuids of `records` in the order the log lists them. */
export const newestFirst = (records: DeliveryRecord[]) => records.map((record) => record.uuid).reverse();

/** Creates the fixture in two batches and records attempts; answers the records as stored. */
export async function seedDeliveries(storage: HookdeskStorage): Promise<DeliveryRecord[]> {
  const records = deliveryFixture();
  await storage.log.create(records.slice(0, 10));
  await storage.log.create(records.slice(10));
  // Statuses: every 4th failed, every 4th + 1 succeeded, the rest pending.
  for (const [i, record] of records.entries()) {
    if (i % 4 === 0) {
      const updated = await storage.log.recordAttempt(record.uuid, attempt(1, i, 500), {
        status: 'failed',
        nextAttemptAt: null,
      });
      records[i] = updated;
    } else if (i % 4 === 1) {
      records[i] = await storage.log.recordAttempt(record.uuid, attempt(1, i, 200), {
        status: 'succeeded',
        nextAttemptAt: null,
      });
    }
  }
  return records;
}
