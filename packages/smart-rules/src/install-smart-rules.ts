import type { Hookdesk } from '@hookdesk/core';
import type { SmartRulePreview } from './service/preview-stored-rule.js';
import type { SmartRuleSweepResult } from './service/rule-sweep.js';
import type { SmartRule } from './smart-rule.js';
import { smartRuleAdminRoutes } from './smart-rule-admin-routes.js';
import { resolveSmartRuleOptions, type SmartRuleOptions } from './smart-rule-options.js';
import { SmartRuleService } from './smart-rule-service.js';
import { SMART_RULE_SETS } from './storage/smart-rule-keys.js';
import { smartRuleStorage } from './storage/smart-rule-storage.js';
import { timeSlotClaims } from './storage/time-slot-claims.js';

/** The smart rules of one Hookdesk, as `installSmartRules` returns them. */
export interface SmartRules {
  /** Every smart rule, oldest first. */
  list(): Promise<SmartRule[]>;
  /** @throws NotFoundError for an unknown id. */
  get(id: string): Promise<SmartRule>;
  /** @throws ValidationError (422) for an invalid body or an action URL the SSRF guard refuses. */
  create(input: unknown): Promise<SmartRule>;
  /** Any field of the create body; `active: false` stops the rule at once. */
  update(id: string, input: unknown): Promise<SmartRule>;
  /** Deletes the rule and what it remembers of the tickets it fired for. */
  delete(id: string): Promise<void>;
  /**
   * Dry run: the known open tickets the rule matches now or will as time passes, and when each
   * would fire; sends and records nothing. At most `limit` items (default 500).
   */
  preview(id: string, options?: { limit?: number }): Promise<SmartRulePreview>;
  /**
   * Runs a sweep now: time conditions over every open ticket, firing what came to match. The timer
   * does this every `sweepIntervalMs`; call it yourself when that is 0.
   */
  sweep(): Promise<SmartRuleSweepResult>;
  /** Resolves once the `ticketSource` (if any) has been read. */
  imported(): Promise<void>;
}

/** The extension's name on the engine (`HookdeskExtension.name`). */
export const SMART_RULES_EXTENSION = 'smart-rules';

/**
 * Installs smart rules on a Hookdesk, in one step: they hear its ticket events
 * (`hookdesk.onTicketEvent`), record their deliveries through `hookdesk.emit('smart_rule.triggered')`,
 * sweep from its start to its close, and the admin API (`hookdeskAdmin(hookdesk)`) serves their
 * routes. Their records live in the engine's storage, under the keys they always had.
 *
 * @example
 * const hookdesk = createHookdesk({ storage });
 * const rules = installSmartRules(hookdesk, { sweepIntervalMs: 60_000 });
 * @throws TypeError for a bad option, or when rules are installed on this Hookdesk already.
 */
export function installSmartRules(hookdesk: Hookdesk, options: SmartRuleOptions = {}): SmartRules {
  const resolved = resolveSmartRuleOptions(options);
  let service: SmartRuleService | undefined;
  let assertOpen: () => void = () => {};
  const rules = (): SmartRuleService => service as SmartRuleService;
  const handle: SmartRules = {
    list: async () => {
      await hookdesk.ready();
      return rules().list();
    },
    get: async (id) => {
      await hookdesk.ready();
      return rules().get(id);
    },
    create: async (input) => {
      await hookdesk.ready();
      return rules().create(input);
    },
    update: async (id, input) => {
      await hookdesk.ready();
      return rules().update(id, input);
    },
    delete: async (id) => {
      await hookdesk.ready();
      return rules().delete(id);
    },
    preview: async (id, previewOptions = {}) => {
      await hookdesk.ready();
      return rules().preview(id, previewOptions.limit);
    },
    sweep: async () => {
      assertOpen();
      await hookdesk.ready();
      return rules().sweep();
    },
    imported: () => rules().imported(),
  };
  hookdesk.extend((context) => {
    const repositories = smartRuleStorage(context.storage);
    assertOpen = context.assertOpen;
    service = new SmartRuleService({
      storage: { ...repositories, log: context.storage.log },
      sweepClaims: {
        turns: timeSlotClaims(context.storage.index, SMART_RULE_SETS.sweepLease, 'turn'),
        intervals: timeSlotClaims(context.storage.index, SMART_RULE_SETS.sweepIntervals, 'interval'),
      },
      clock: context.clock,
      logger: context.logger,
      cacheMs: context.cacheMs,
      options: resolved,
      urlProblem: context.urlProblem,
      deliveryUuid: context.deliveryUuid,
      trigger: (ticket, rule, firing) =>
        hookdesk.emit('smart_rule.triggered', {
          ticket,
          rule,
          uuid: firing?.id,
          createdAt: firing && new Date(firing.at),
        }),
    });
    return {
      name: SMART_RULES_EXTENSION,
      start: () => rules().start(),
      stop: () => rules().stop(),
      adminRoutes: smartRuleAdminRoutes(handle),
      // A rule's delivery goes to the rule's current action URL (`undefined` once the rule is gone).
      currentUrl: async (record) =>
        record.ruleId === null ? undefined : (await repositories.smartRules.get(record.ruleId))?.action.url,
    };
  });
  hookdesk.onTicketEvent((event) => rules().onTicketEvent(event));
  return handle;
}
