// The records the smart-rule storage cases write, and the storage they write them to.
import type { HookdeskStorage } from '@hookdesk/storage';
import type { SmartRuleRecord } from '../../src/storage/smart-rule-record.js';
import type { SmartRuleStorage } from '../../src/storage/smart-rule-storage.js';
import type { TicketStateRecord } from '../../src/storage/ticket-state-repository.js';

/** The test's storage with the rules' repositories beside the engine's. */
export type RuleStorage = HookdeskStorage & SmartRuleStorage;

export const BASE = Date.parse('2026-11-01T00:00:00.000Z');
export const HOUR = 3_600_000;

export function makeTicketState(id: string, overrides: Partial<TicketStateRecord> = {}): TicketStateRecord {
  return {
    id,
    ticket: { id, subject: `Ticket ${id} ☃`, status: 'open', priority: 'urgent' },
    createdAt: BASE,
    updatedAt: BASE + HOUR,
    statusChangedAt: BASE,
    dueAt: null,
    closedAt: null,
    firedRules: [],
    ...overrides,
  };
}

const minutes = (n: number) => new Date(BASE + n * 60_000).toISOString();

export function makeSmartRule(
  id: string,
  at: number,
  overrides: Partial<SmartRuleRecord> = {},
): SmartRuleRecord {
  return {
    id,
    name: `Rule ${id}`,
    description: null,
    active: true,
    categories: [],
    workSchedule: null,
    conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
    action: { type: 'trigger_webhook', url: `https://example.com/rules/${id}` },
    createdAt: minutes(at),
    updatedAt: minutes(at),
    ...overrides,
  };
}
