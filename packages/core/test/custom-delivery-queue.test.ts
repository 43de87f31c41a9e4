import type { QueuedDelivery } from '@hookdesk/storage';
import { createStorage } from '@hookdesk/storage';
import { until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import type { Clock, DeliveryHandler, DeliveryQueue } from '../src/index.js';
import { harness, receiver } from './support/setup.js';

/**
 * A `DeliveryQueue` of its own, as a BullMQ one would be: it remembers every entry it was given
 * and hands due ones to the handler. Nothing reaches a sender except through it.
 */
class RecordingQueue implements DeliveryQueue {
  readonly enqueued: QueuedDelivery[] = [];
  readonly #waiting = new Map<string, QueuedDelivery>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #clock: Clock;
  #handler: DeliveryHandler | null = null;
  #paused = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async enqueue(entries: readonly QueuedDelivery[]): Promise<void> {
    for (const entry of entries) {
      this.enqueued.push(entry);
      this.#waiting.set(entry.uuid, entry);
    }
    this.#run();
  }

  async remove(uuid: string): Promise<void> {
    this.#waiting.delete(uuid);
  }

  start(handler: DeliveryHandler): void {
    this.#handler = handler;
    this.#run();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#run();
  }

  async close(): Promise<void> {
    this.#handler = null;
    await Promise.allSettled([...this.#inFlight]);
  }

  #run(): void {
    const handler = this.#handler;
    if (!handler || this.#paused) return;
    for (const entry of [...this.#waiting.values()]) {
      if (entry.dueAt > this.#clock.now()) continue;
      this.#waiting.delete(entry.uuid);
      const run = handler(entry.uuid, { once: entry.once }).finally(() => this.#inFlight.delete(run));
      this.#inFlight.add(run);
    }
  }
}

describe('a custom DeliveryQueue', () => {
  it('is given the deliveries recovered at start-up', async () => {
    const storage = await createStorage({ store: 'memory' });
    const first = await harness({ storage, process: false });
    const r = await receiver();
    await first.hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    // A delivering process that never started: the log holds the delivery, no queue does.
    const [uuid] = await first.hookdesk.ticketCreated({ id: 1 });
    await first.hookdesk.close();

    const queue = new RecordingQueue(first.clock);
    const second = await harness({ storage, clock: first.clock, queue });
    expect(queue.enqueued.map((entry) => entry.uuid)).toContain(uuid);
    await until(
      async () => (await second.hookdesk.getLog(uuid as string)).status === 'succeeded',
      'the recovered delivery to succeed',
    );
    expect(r.requests).toHaveLength(1);
  });

  it('is given a fresh delivery only once its log record is stored: a worker elsewhere can read it', async () => {
    const storage = await createStorage({ store: 'memory' });
    const create = storage.log.create.bind(storage.log);
    // A slow log write: a queue written beside it would hand out a job the store does not hold yet.
    storage.log.create = async (records) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return create(records);
    };
    const clock = (await harness()).clock;
    const queue = new RecordingQueue(clock);
    const seen: (string | undefined)[] = [];
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = async (entries) => {
      for (const entry of entries) seen.push((await storage.log.get(entry.uuid))?.status);
      return enqueue(entries);
    };
    const { hookdesk } = await harness({ storage, clock, queue, process: false });
    const r = await receiver();
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    await hookdesk.ticketCreated({ id: 1 });
    expect(seen).toEqual(['pending']);
  });

  it('carries the test delivery, one attempt, and the test answers with its outcome', async () => {
    const clock = (await harness()).clock;
    const queue = new RecordingQueue(clock);
    const { hookdesk } = await harness({ clock, queue });
    const r = await receiver();
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });

    const entry = await hookdesk.testWebhook(webhook.id);

    expect(entry).toMatchObject({ event: 'webhook.test', status: 'succeeded', attemptCount: 1 });
    expect(queue.enqueued).toEqual([{ uuid: entry.uuid, dueAt: expect.any(Number), once: true }]);
    expect(r.requests).toHaveLength(1);
  });
});
