import { BullmqDeliveryQueue, redisConnection } from '@hookdesk/bullmq';
import { createHookdesk, type Hookdesk } from '@hookdesk/core';
import { installSmartRules } from '@hookdesk/smart-rules';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import type { ExampleConfig } from './example-config.js';
import { createTicketService, type TicketService } from './ticket-service.js';

export interface Helpdesk {
  hookdesk: Hookdesk;
  storage: HookdeskStorage;
  tickets: TicketService;
  /** Stops Hookdesk (in-flight attempts finish or stay due) and closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the store of docs/examples.md (embedded in `dataDir`, or `HOOKDESK_STORE`) and Hookdesk on it,
 * and settles the ticket outbox (see `createTicketService`).
 */
export async function openHelpdesk(config: ExampleConfig): Promise<Helpdesk> {
  const storage = await createStorage(
    config.storeUrl ? { store: config.storeUrl } : { path: config.dataDir },
  );
  // With BullMQ this is a web process: it records and enqueues, `hookdesk-worker` processes deliver.
  const url = config.bullmqQueueUrl;
  const queue =
    url === undefined
      ? undefined
      : new BullmqDeliveryQueue(
          /^postgres(ql)?:\/\//.test(url)
            ? { postgres: url }
            : { connection: redisConnection(url, { failFast: true }) },
        );
  const hookdesk = createHookdesk({
    storage,
    ...(queue ? { queue, process: false } : {}),
    allowPrivateNetworks: config.allowPrivateNetworks,
    ...(config.retrySchedule ? { retrySchedule: config.retrySchedule } : {}),
  });
  installSmartRules(hookdesk, { sweepIntervalMs: config.sweepIntervalMs });
  await hookdesk.ready();
  const tickets = createTicketService(storage.keyv, hookdesk);
  // Before the first request: a ticket saved just before a crash gets its event now.
  const settled = await tickets.recordUnfinished();
  if (settled.recorded + settled.dropped > 0) {
    console.log(
      `outbox: recorded ${settled.recorded} ticket event(s) a crash left unrecorded, dropped ${settled.dropped} whose ticket was never saved`,
    );
  }
  return {
    hookdesk,
    storage,
    tickets,
    async close() {
      await hookdesk.close();
      await storage.close();
    },
  };
}
