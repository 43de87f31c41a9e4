import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHookdesk } from '@hookdesk/core';
import { installSmartRules } from '@hookdesk/smart-rules';
import { createStorage } from '@hookdesk/storage';
import type { ContractHookdesk, ContractStore } from './contract-types.js';

/**
 * A real engine on real storage, allowed to dial the suite's loopback receivers: in memory by
 * default, or the embedded lmdb store in a temporary directory (the default store of a real host,
 * whose key-size limit the in-memory store does not have). Smart rules are installed, as a host
 * does it, unless `smartRules: false`.
 */
export async function createContractHookdesk(
  options: { store?: ContractStore; smartRules?: boolean } = {},
): Promise<ContractHookdesk> {
  const dir = options.store === 'embedded' ? mkdtempSync(join(tmpdir(), 'hookdesk-contract-')) : undefined;
  const storage = await createStorage(dir ? { path: dir } : { store: 'memory' });
  const engine = createHookdesk({ storage, allowCidrs: ['127.0.0.0/8'] });
  if (options.smartRules !== false) installSmartRules(engine);
  await engine.ready();
  return {
    engine,
    async close() {
      await engine.close();
      await storage.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
