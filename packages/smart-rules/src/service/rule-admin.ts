import { randomUUID } from 'node:crypto';
import { NotFoundError, parseInput, ValidationError } from '@hookdesk/core';
import { type SmartRule, toSmartRule } from '../smart-rule.js';
import { smartRuleCreateSchema, smartRulePatchSchema, smartRuleUrlsToCheck } from '../smart-rule-schema.js';
import type { SmartRuleRecord } from '../storage/smart-rule-record.js';
import type { RuleServiceContext, SmartRuleServiceDeps } from './service-context.js';

/**
 * The rules themselves, as the admin API and the rules handle change them: validated input, action
 * URLs through the SSRF guard, and the in-memory rule list dropped after each write in this process.
 */
export class RuleAdmin {
  readonly #d: SmartRuleServiceDeps;
  readonly #rules: RuleServiceContext['rules'];

  constructor(context: Pick<RuleServiceContext, 'deps' | 'rules'>) {
    this.#d = context.deps;
    this.#rules = context.rules;
  }

  async list(): Promise<SmartRule[]> {
    return (await this.#d.storage.smartRules.list()).map(toSmartRule);
  }

  async get(id: string): Promise<SmartRule> {
    return toSmartRule(await storedRuleOr404(this.#d.storage, id));
  }

  async create(input: unknown): Promise<SmartRule> {
    const parsed = parseInput(smartRuleCreateSchema, input, 'smart rule');
    await this.#checkUrls(smartRuleUrlsToCheck(parsed));
    const now = new Date(this.#d.clock.now()).toISOString();
    const record: SmartRuleRecord = { id: randomUUID(), ...parsed, createdAt: now, updatedAt: now };
    await this.#d.storage.smartRules.put(record);
    this.#rules.invalidate();
    return toSmartRule(record);
  }

  async update(id: string, input: unknown): Promise<SmartRule> {
    const patch = parseInput(smartRulePatchSchema, input, 'change');
    const current = await storedRuleOr404(this.#d.storage, id);
    if (patch.action && patch.action.url !== current.action.url)
      await this.#checkUrls(smartRuleUrlsToCheck(patch));
    const merged: Record<string, unknown> = {
      name: current.name,
      description: current.description,
      active: current.active,
      categories: current.categories,
      workSchedule: current.workSchedule,
      conditions: current.conditions,
      action: current.action,
    };
    // `null` is a value here (a schedule of null means around the clock); only absent fields stay.
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = value;
    const parsed = parseInput(smartRuleCreateSchema, merged, 'smart rule');
    const record: SmartRuleRecord = {
      ...parsed,
      id: current.id,
      createdAt: current.createdAt,
      updatedAt: new Date(this.#d.clock.now()).toISOString(),
    };
    await this.#d.storage.smartRules.put(record);
    this.#rules.invalidate();
    return toSmartRule(record);
  }

  /**
   * Deletes the rule and its fire-once claims. Tickets' copies (`firedRules`) lose the id the next
   * time each ticket is written; until then it is ignored, as no live rule has it.
   */
  async delete(id: string): Promise<void> {
    if (typeof id !== 'string' || !(await this.#d.storage.smartRules.delete(id))) throw notFoundRule(id);
    this.#rules.forget(id);
    await this.#d.storage.ruleFirings.releaseRule(id);
  }

  async #checkUrls(urls: readonly string[]): Promise<void> {
    for (const url of urls) {
      const problem = await this.#d.urlProblem(url);
      if (problem) {
        throw new ValidationError(
          `Hookdesk does not send to private or local addresses (${problem}). Use a public URL for the rule's action, or allow it with \`allowPrivateNetworks\` or \`allowCidrs\`.`,
          [{ path: 'action.url', message: problem }],
        );
      }
    }
  }
}

/** The stored rule with this id. @throws NotFoundError when there is none. */
export async function storedRuleOr404(
  storage: SmartRuleServiceDeps['storage'],
  id: string,
): Promise<SmartRuleRecord> {
  const record = typeof id === 'string' ? await storage.smartRules.get(id) : undefined;
  if (!record) throw notFoundRule(id);
  return record;
}

function notFoundRule(id: string): NotFoundError {
  return new NotFoundError(
    `No smart rule has the id ${String(id)}; list the smart rules to find the right one.`,
  );
}
