import { createHookdesk, type Hookdesk } from '@hookdesk/core';
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

/** Opens the store of EXAMPLES.md (embedded in `dataDir`, or `HOOKDESK_STORE`) and Hookdesk on it. */
export async function openHelpdesk(config: ExampleConfig): Promise<Helpdesk> {
  const storage = await createStorage(
    config.storeUrl ? { store: config.storeUrl } : { path: config.dataDir },
  );
  const hookdesk = createHookdesk({
    storage,
    allowPrivateNetworks: config.allowPrivateNetworks,
    sweepIntervalMs: config.sweepIntervalMs,
    ...(config.retrySchedule ? { retrySchedule: config.retrySchedule } : {}),
  });
  await hookdesk.ready();
  return {
    hookdesk,
    storage,
    tickets: createTicketService(storage.keyv),
    async close() {
      await hookdesk.close();
      await storage.close();
    },
  };
}
