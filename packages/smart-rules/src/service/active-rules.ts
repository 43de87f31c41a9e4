import { type EvaluableRule, parseStoredRule } from '../smart-rule.js';
import type { SmartRuleRecord } from '../storage/smart-rule-record.js';
import type { SmartRuleServiceDeps } from './service-context.js';

/** The active, valid rules and the ids of every stored rule. */
export interface RuleSet {
  active: EvaluableRule[];
  ids: Set<string>;
}

/**
 * The stored rules as evaluation reads them: parsed once per stored version (a stored rule that
 * does not parse is logged and left out), and kept in memory for `cacheMs` on the event path. A write
 * in this process drops the copy at once (`invalidate`, `forget`).
 */
export class ActiveRules {
  readonly #d: Pick<SmartRuleServiceDeps, 'storage' | 'clock' | 'logger' | 'cacheMs'>;
  /** Parsed rules by id, with the stored JSON they came from: an unchanged rule keeps its object (compiled once). */
  readonly #parsed = new Map<string, { json: string; rule: EvaluableRule | null }>();
  #cache: (RuleSet & { at: number }) | null = null;

  constructor(deps: Pick<SmartRuleServiceDeps, 'storage' | 'clock' | 'logger' | 'cacheMs'>) {
    this.#d = deps;
  }

  /** The active, valid rules and the ids of every stored rule; from memory for `cacheMs` unless `fresh`. */
  async read(fresh: boolean): Promise<RuleSet> {
    const now = this.#d.clock.now();
    const cached = this.#cache;
    if (!fresh && cached && now - cached.at < this.#d.cacheMs && now >= cached.at) return cached;
    const records = await this.#d.storage.smartRules.list();
    const active: EvaluableRule[] = [];
    const ids = new Set<string>();
    for (const record of records) {
      ids.add(record.id);
      const rule = this.parse(record);
      if (rule?.active) active.push(rule);
    }
    for (const id of this.#parsed.keys()) if (!ids.has(id)) this.#parsed.delete(id);
    this.#cache = { at: now, active, ids };
    return this.#cache;
  }

  /** The stored rule parsed for evaluation; `null` (and logged) when it is not valid. */
  parse(record: SmartRuleRecord): EvaluableRule | null {
    const json = JSON.stringify(record);
    const hit = this.#parsed.get(record.id);
    if (hit?.json === json) return hit.rule;
    const { rule, problem } = parseStoredRule(record);
    if (problem !== null) {
      this.#d.logger.error(
        { ruleId: record.id, problem },
        'A stored smart rule is not valid and is not evaluated; PATCH it with valid fields',
      );
    }
    this.#parsed.set(record.id, { json, rule });
    return rule;
  }

  /** After a rule was written here: the next read goes to storage. */
  invalidate(): void {
    this.#cache = null;
  }

  /** After a rule was deleted here: the next read goes to storage, and its parsed form is dropped. */
  forget(id: string): void {
    this.#cache = null;
    this.#parsed.delete(id);
  }
}
