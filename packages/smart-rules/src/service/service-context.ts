import type { Clock, ExtensionContext, Logger, SerialByKey } from '@hookdesk/core';
import type { HookdeskStorage } from '@hookdesk/storage';
import type { Ticket } from '@hookdesk/wire';
import type { ResolvedSmartRuleOptions } from '../smart-rule-options.js';
import type { SmartRuleStorage } from '../storage/smart-rule-storage.js';
import type { TimeSlotClaims } from '../storage/time-slot-claims.js';
import type { ActiveRules } from './active-rules.js';
import type { FiringRecorder } from './firing-recorder.js';

export interface SmartRuleServiceDeps {
  /** The rules' own repositories, and the engine's log (to tell whether a firing was recorded). */
  storage: SmartRuleStorage & { log: Pick<HookdeskStorage['log'], 'get'> };
  /** The sweep lease's turns and the sweep intervals taken, in the shared store (`SweepLease`). */
  sweepClaims: { turns: TimeSlotClaims; intervals: TimeSlotClaims };
  clock: Clock;
  logger: Logger;
  /** How long the list of rules is read from memory on the event path (writes here are seen at once). */
  cacheMs: number;
  options: ResolvedSmartRuleOptions;
  /** The SSRF guard's verdict on a URL (`null`: allowed), as for a webhook's `url`. */
  urlProblem(url: string): Promise<string | null>;
  /** The uuid of a host event's delivery to a target, derived as for webhooks (`ExtensionContext`). */
  deliveryUuid: ExtensionContext['deliveryUuid'];
  /**
   * Records the `smart_rule.triggered` delivery; `[]` while the global switch is off. With `firing`,
   * its uuid is `firing.id` and its time `firing.at` (epoch ms), so recording it again after a crash
   * writes the same delivery, under the same log entry.
   */
  trigger(
    ticket: Ticket,
    rule: { id: string; name: string; url: string },
    firing?: { id: string; at: number },
  ): Promise<string[]>;
}

/** What the parts of `SmartRuleService` share: one of these per service, handed to each part. */
export interface RuleServiceContext {
  readonly deps: SmartRuleServiceDeps;
  readonly options: ResolvedSmartRuleOptions;
  /** A ticket's event, sweep decisions, import and firing recovery run one at a time. */
  readonly perTicket: SerialByKey;
  readonly rules: ActiveRules;
  readonly firings: FiringRecorder;
  /** True once the service was stopped: loops over tickets and firings end early. */
  stopped(): boolean;
  /** A corrupt ticket state is logged and left out, so it cannot stop every sweep and preview. */
  readonly skipCorrupt: { onCorrupt(error: Error): void };
}

/** `skipCorrupt` of the context: logs a corrupt ticket state and reads on. */
export function corruptTicketSkipper(logger: Logger): RuleServiceContext['skipCorrupt'] {
  return {
    onCorrupt: (error: Error) => {
      logger.error({ err: error }, 'A stored ticket state is corrupt and is skipped by smart rules');
    },
  };
}
