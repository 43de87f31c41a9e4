import { createHookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import type { ContractHookdesk } from './admin-contract.js';

/** A real engine on real in-memory storage, allowed to dial the suite's loopback receivers. */
export async function createContractHookdesk(): Promise<ContractHookdesk> {
  const storage = await createStorage({ store: 'memory' });
  const engine = createHookdesk({ storage, allowCidrs: ['127.0.0.0/8'] });
  await engine.ready();
  return {
    engine,
    async close() {
      await engine.close();
      await storage.close();
    },
  };
}
