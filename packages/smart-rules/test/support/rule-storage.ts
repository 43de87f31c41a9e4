import type { HookdeskStorage } from '@hookdesk/storage';
import { type SmartRuleStorage, smartRuleStorage } from '../../src/storage/smart-rule-storage.js';

/** The storage with the rules' repositories beside the engine's, for tests to read and write. */
export type RuleTestStorage = HookdeskStorage & SmartRuleStorage;

/**
 * Adds the rules' repositories (`smartRuleStorage`, the same objects the installed rules use) to
 * the storage object itself. No vitest here: child processes import it too.
 */
export function withRuleRepositories(storage: HookdeskStorage): RuleTestStorage {
  return Object.assign(storage, smartRuleStorage(storage));
}
