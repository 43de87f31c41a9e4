import type { HookdeskStorage } from '@hookdesk/storage';
import { entityRepositoryCases } from '@hookdesk/storage-conformance';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { SMART_RULE_KEYS } from '../../src/storage/smart-rule-keys.js';
import { smartRuleStorage } from '../../src/storage/smart-rule-storage.js';
import { ruleFiringCases } from './rule-firing-cases.js';
import { makeSmartRule, type RuleStorage } from './rule-storage-records.js';
import { ticketStateCases } from './ticket-state-cases.js';

/**
 * The smart-rule storage conformance cases: the rules themselves, ticket states (paged open
 * tickets, retention of closed ones) and the fire-once claims, on the repositories smart rules
 * build on `storage.records` and `storage.index`. `storage` returns the test's fresh storage.
 */
export function smartRuleStorageCases(test: ConformanceTestApi, storage: () => HookdeskStorage): void {
  const current = (): RuleStorage => {
    const s = storage();
    return { ...s, ...smartRuleStorage(s) } as RuleStorage;
  };

  entityRepositoryCases(test, {
    name: 'smartRules',
    storage,
    repo: () => smartRuleStorage(storage()).smartRules,
    make: makeSmartRule,
    keyOf: SMART_RULE_KEYS.smartRule,
  });

  ticketStateCases(test, current);
  ruleFiringCases(test, current);
}

/**
 * The smart-rule storage cases against one backend, as `storageConformanceSuite` runs the engine's:
 * `factory` opens a fresh, empty storage (a unique namespace per call) for each test.
 */
export function smartRuleStorageSuite(
  test: ConformanceTestApi,
  factory: () => Promise<HookdeskStorage>,
  options: { name: string },
): void {
  const { describe, beforeEach, afterEach } = test;
  describe(`smart-rule storage conformance: ${options.name}`, () => {
    let storage: HookdeskStorage;
    beforeEach(async () => {
      storage = await factory();
    });
    afterEach(async () => {
      await storage.close();
    });
    smartRuleStorageCases(test, () => storage);
  });
}
