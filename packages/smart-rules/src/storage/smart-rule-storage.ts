import { entityRepository, type HookdeskStorage } from '@hookdesk/storage';
import { type RuleFiringRepository, ruleFiringRepository } from './rule-firing-repository.js';
import { SMART_RULE_KEYS, SMART_RULE_SETS } from './smart-rule-keys.js';
import { type SmartRuleRecord, type SmartRuleRepository, smartRuleSchema } from './smart-rule-record.js';
import { type TicketStateRepository, ticketStateRepository } from './ticket-state-repository.js';

/** The repositories of smart rules, on the record store and ordered index of a `HookdeskStorage`. */
export interface SmartRuleStorage {
  smartRules: SmartRuleRepository;
  /** What Hookdesk keeps of each ticket for smart rules, open tickets paged for sweeps. */
  tickets: TicketStateRepository;
  /** Which smart rules fired for which tickets: atomic claims, once across processes. */
  ruleFirings: RuleFiringRepository;
}

const made = new WeakMap<HookdeskStorage, SmartRuleStorage>();

/**
 * Smart rules' repositories over `storage.records` and `storage.index`, under their own keys and
 * sets; the same objects for the same storage (a test or a migration wrapping one sees every use).
 */
export function smartRuleStorage(storage: HookdeskStorage): SmartRuleStorage {
  let repositories = made.get(storage);
  if (!repositories) {
    repositories = open(storage);
    made.set(storage, repositories);
  }
  return repositories;
}

function open(storage: HookdeskStorage): SmartRuleStorage {
  const { records, index } = storage;
  return {
    smartRules: entityRepository<SmartRuleRecord>(records, index, smartRuleSchema, {
      what: 'smart rule',
      key: SMART_RULE_KEYS.smartRule,
      set: SMART_RULE_SETS.smartRules,
    }),
    tickets: ticketStateRepository(records, index),
    ruleFirings: ruleFiringRepository(index),
  };
}
