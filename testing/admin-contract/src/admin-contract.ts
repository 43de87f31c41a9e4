import type { ConformanceTestApi } from '@hookdesk/test-support';
import { accessContract } from './access-contract.js';
import { badInputContract } from './bad-input-contract.js';
import { useContractContext } from './contract-context.js';
import type { AdminAdapterFactory, AdminContractHarness } from './contract-types.js';
import { embeddedBoundsContract } from './embedded-bounds-contract.js';
import { logsContract } from './logs-contract.js';
import { mountingContract } from './mounting-contract.js';
import { settingsContract } from './settings-contract.js';
import { smartRulesContract } from './smart-rules-contract.js';
import { statsContract } from './stats-contract.js';
import { ticketHooksContract } from './ticket-hooks-contract.js';
import { webhooksContract } from './webhooks-contract.js';
import { writeFuzzContract } from './write-fuzz-contract.js';

/**
 * The admin API contract of docs/admin-api.md and the ticket hooks, written once, run against a real
 * listening app of every adapter.
 */
export function adminContractSuite(
  api: ConformanceTestApi,
  factory: AdminAdapterFactory,
  harness: AdminContractHarness,
): void {
  api.describe(`${factory.name}: admin API contract`, () => {
    const ctx = useContractContext(api, factory, harness);
    accessContract(ctx);
    badInputContract(ctx);
    embeddedBoundsContract(ctx);
    settingsContract(ctx);
    webhooksContract(ctx);
    smartRulesContract(ctx);
    logsContract(ctx);
    statsContract(ctx);
    mountingContract(ctx);
    writeFuzzContract(ctx);
    ticketHooksContract(ctx);
  });
}
