import { createHookdesk, type Hookdesk, type HookdeskOptions } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { startTestReceiver, type TestReceiver, type TestReceiverOptions } from '@hookdesk/test-receivers';
import { FakeClock } from '@hookdesk/test-support';
import { afterEach } from 'vitest';
import { installSmartRules, type SmartRules } from '../../src/install-smart-rules.js';
import type { SmartRuleOptions } from '../../src/smart-rule-options.js';
import { type RuleTestStorage, withRuleRepositories } from './rule-storage.js';

export { type RuleTestStorage, withRuleRepositories };

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const RULE_OPTIONS = [
  'sweepIntervalMs',
  'sweepPageSize',
  'closedStatuses',
  'closedTicketRetentionMs',
  'ticketSource',
  'firingLeaseMs',
  'sweepLeaseMs',
] as const;

/** Splits the options of both calls: `createHookdesk`'s, and `installSmartRules`'. */
export function splitOptions<T extends object>(
  options: T,
): { engine: Omit<T, (typeof RULE_OPTIONS)[number]>; rules: SmartRuleOptions } {
  const engine: Record<string, unknown> = {};
  const rules: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if ((RULE_OPTIONS as readonly string[]).includes(name)) rules[name] = value;
    else engine[name] = value;
  }
  return { engine: engine as Omit<T, (typeof RULE_OPTIONS)[number]>, rules: rules as SmartRuleOptions };
}

const installed = new WeakMap<Hookdesk, SmartRules>();

/** The rules installed on an engine made here. */
export function rulesOf(hookdesk: Hookdesk): SmartRules {
  const rules = installed.get(hookdesk);
  if (!rules) throw new Error('no smart rules were installed on this Hookdesk');
  return rules;
}

/** `createHookdesk` with smart rules installed, as a host does it. */
export function createRulesHookdesk(options: HookdeskOptions & SmartRuleOptions): Hookdesk {
  const split = splitOptions(options);
  const hookdesk = createHookdesk(split.engine as HookdeskOptions);
  try {
    const rules = installSmartRules(hookdesk, split.rules);
    installed.set(hookdesk, rules);
    return hookdesk;
  } catch (error) {
    // A bad rule option: the engine started already and must not keep timers alive.
    void hookdesk.close();
    throw error;
  }
}

export interface Harness {
  hookdesk: Hookdesk;
  rules: SmartRules;
  storage: RuleTestStorage;
  clock: FakeClock;
}

/**
 * A Hookdesk with smart rules on the real in-memory storage with a fake clock, allowed to dial
 * loopback receivers.
 */
export async function harness(options: Partial<HookdeskOptions & SmartRuleOptions> = {}): Promise<Harness> {
  const storage = withRuleRepositories(options.storage ?? (await createStorage({ store: 'memory' })));
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const hookdesk = createRulesHookdesk({
    allowCidrs: ['127.0.0.0/8'],
    random: () => 0.5,
    // Fake time jumps by days; a look every hour keeps the number of timers to fire small.
    pollIntervalMs: 3_600_000,
    ...options,
    storage,
    clock,
  });
  await hookdesk.ready();
  cleanups.push(async () => {
    await hookdesk.close();
    await storage.close();
  });
  return { hookdesk, rules: rulesOf(hookdesk), storage, clock };
}

export async function receiver(options?: TestReceiverOptions): Promise<TestReceiver> {
  const r = await startTestReceiver(options);
  cleanups.push(() => r.close());
  return r;
}
