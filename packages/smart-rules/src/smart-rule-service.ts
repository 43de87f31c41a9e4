import { randomUUID } from 'node:crypto';
import {
  type Clock,
  type ExtensionContext,
  type Logger,
  NotFoundError,
  parseInput,
  SerialByKey,
  type TimerHandle,
  ValidationError,
} from '@hookdesk/core';
import type { HookdeskStorage } from '@hookdesk/storage';
import type { Ticket } from '@hookdesk/wire';
import { compileRule } from './conditions.js';
import { previewRule } from './rule-preview.js';
import { evaluateTicketEvent, sweepRules } from './rule-sweeper.js';
import { type EvaluableRule, parseStoredRule, type SmartRule, toSmartRule } from './smart-rule.js';
import type { ResolvedSmartRuleOptions } from './smart-rule-options.js';
import { smartRuleCreateSchema, smartRulePatchSchema, smartRuleUrlsToCheck } from './smart-rule-schema.js';
import type { RuleFiringIntent } from './storage/rule-firing-repository.js';
import type { SmartRuleRecord } from './storage/smart-rule-record.js';
import type { SmartRuleStorage } from './storage/smart-rule-storage.js';
import {
  nextTicketState,
  type TicketEvent,
  type TicketState,
  ticketIdOf,
  withFired,
} from './ticket-index.js';

/** One ticket of `rules.preview()`: a dry run, nothing is sent or recorded. */
export interface SmartRulePreviewItem {
  ticketId: string;
  /** The ticket as Hookdesk last saw it. */
  ticket: unknown;
  /** The ticket matches the rule now. */
  matches: boolean;
  /**
   * `now`: the next sweep fires it. `later`: a sweep fires it at `firesAt` if nothing else changes.
   * `next_event`: it matches, but the rule has no time condition, so the ticket's next event fires it.
   * `fired`: it fired already, and fires again only after it stops matching.
   */
  when: 'now' | 'later' | 'next_event' | 'fired';
  /** ISO 8601 UTC for `now` and `later`; `null` otherwise. */
  firesAt: string | null;
}

export interface SmartRulePreview {
  /** Known open tickets that match now or will as time passes, in ticket id order; others are left out. */
  items: SmartRulePreviewItem[];
  /** True when more tickets qualified than `limit`. */
  truncated: boolean;
}

/** What one sweep did. */
export interface SmartRuleSweepResult {
  /** Open tickets looked at (none when no active rule has a time condition). */
  tickets: number;
  /** `smart_rule.triggered` deliveries recorded. */
  fired: number;
  /** (rule, ticket) pairs re-armed because the ticket stopped matching. */
  rearmed: number;
  /** Closed tickets forgotten after `closedTicketRetentionMs`. */
  purged: number;
  /**
   * `smart_rule.triggered` deliveries recorded for firings left unfinished (claimed, but their
   * process died, or recording failed, before the delivery was recorded), with the firing's id as uuid.
   */
  recovered: number;
}

export interface SmartRuleServiceDeps {
  /** The rules' own repositories, and the engine's log (to tell whether a firing was recorded). */
  storage: SmartRuleStorage & { log: Pick<HookdeskStorage['log'], 'get'> };
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

/** Most items `rules.preview()` returns by default. */
export const DEFAULT_PREVIEW_LIMIT = 500;

/**
 * Smart rules in the running engine: the rules themselves (stored through `@hookdesk/storage`),
 * what is kept of each ticket, evaluation on every ticket event and on a periodic sweep, and the
 * fire-once bookkeeping. The pure parts (`evaluateTicketEvent`, `sweepRules`, `previewRule`) decide;
 * this class reads, claims, sends and writes.
 *
 * A firing is claimed in `storage.ruleFirings` (the backend's atomic add-if-absent) before its
 * delivery is recorded: of several processes, or of a process before and after a restart, one
 * sends. A ticket's `firedRules` is a copy of those claims kept for fast sweeps.
 *
 * The claim carries the firing's id, which becomes the delivery's uuid, and an intent naming the
 * firing is stored before the claim and removed once the delivery is recorded. A firing whose process
 * dies in between is neither lost nor sent twice: once its intent is older than `firingLeaseMs`, a
 * sweep (in any process) or the next start records the delivery, under the same uuid, if the claim
 * is still that firing's and the log does not hold it yet (`#reconcile`).
 */
export class SmartRuleService {
  readonly #d: SmartRuleServiceDeps;
  readonly #o: ResolvedSmartRuleOptions;
  readonly #perTicket = new SerialByKey();
  /** Parsed rules by id, with the stored JSON they came from: an unchanged rule keeps its object (compiled once). */
  readonly #parsed = new Map<string, { json: string; rule: EvaluableRule | null }>();
  #cache: { at: number; active: EvaluableRule[]; ids: Set<string> } | null = null;
  #timer: TimerHandle | null = null;
  #stopped = false;
  #sweeping: Promise<unknown> | null = null;
  #importing: Promise<void> | null = null;
  /** Ids of this process's firings between their intent and their recorded delivery. */
  readonly #inFlight = new Set<string>();

  constructor(deps: SmartRuleServiceDeps) {
    this.#d = deps;
    this.#o = deps.options;
  }

  // ---- admin ------------------------------------------------------------------------------

  async list(): Promise<SmartRule[]> {
    return (await this.#d.storage.smartRules.list()).map(toSmartRule);
  }

  async get(id: string): Promise<SmartRule> {
    return toSmartRule(await this.#ruleOr404(id));
  }

  async create(input: unknown): Promise<SmartRule> {
    const parsed = parseInput(smartRuleCreateSchema, input, 'smart rule');
    await this.#checkUrls(smartRuleUrlsToCheck(parsed));
    const now = new Date(this.#d.clock.now()).toISOString();
    const record: SmartRuleRecord = { id: randomUUID(), ...parsed, createdAt: now, updatedAt: now };
    await this.#d.storage.smartRules.put(record);
    this.#cache = null;
    return toSmartRule(record);
  }

  async update(id: string, input: unknown): Promise<SmartRule> {
    const patch = parseInput(smartRulePatchSchema, input, 'change');
    const current = await this.#ruleOr404(id);
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
    this.#cache = null;
    return toSmartRule(record);
  }

  /**
   * Deletes the rule and its fire-once claims. Tickets' copies (`firedRules`) lose the id the next
   * time each ticket is written; until then it is ignored, as no live rule has it.
   */
  async delete(id: string): Promise<void> {
    if (typeof id !== 'string' || !(await this.#d.storage.smartRules.delete(id))) throw notFoundRule(id);
    this.#cache = null;
    this.#parsed.delete(id);
    await this.#d.storage.ruleFirings.releaseRule(id);
  }

  /** Which known open tickets the rule matches now, or will, and when each would fire; sends nothing. */
  async preview(id: string, limit = DEFAULT_PREVIEW_LIMIT): Promise<SmartRulePreview> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TypeError(`\`limit\` must be a positive integer, got ${String(limit)}.`);
    }
    const record = await this.#ruleOr404(id);
    const rule = this.#parse(record);
    if (!rule) {
      throw new ValidationError(
        `The stored smart rule ${id} is not valid any more; PATCH it with valid conditions to preview it.`,
        [{ path: 'conditions', message: 'invalid stored rule' }],
      );
    }
    const now = this.#d.clock.now();
    const items: SmartRulePreviewItem[] = [];
    for await (const page of this.#d.storage.tickets.pages(this.#o.sweepPageSize, this.#skipCorrupt)) {
      const tickets = new Map(page.map((t) => [t.id, t.ticket]));
      for (const item of previewRule(rule, page, now)) {
        if (items.length === limit) return { items, truncated: true };
        items.push({
          ticketId: item.ticketId,
          ticket: tickets.get(item.ticketId),
          matches: item.matchesNow,
          when: item.when,
          firesAt: item.firesAt === null ? null : new Date(item.firesAt).toISOString(),
        });
      }
    }
    return { items, truncated: false };
  }

  // ---- ticket events ----------------------------------------------------------------------

  /**
   * Keeps the ticket's state and fires the rules the event makes match; resolves with the uuids of
   * the `smart_rule.triggered` deliveries recorded, once they and the state are stored.
   */
  async onTicketEvent(event: TicketEvent): Promise<string[]> {
    const id = ticketIdOf(event.ticket);
    // Without a usable id a ticket cannot be tracked; rules cannot fire for it.
    if (id === null) return [];
    return this.#perTicket.run(id, async () => {
      const { storage, clock } = this.#d;
      const { active, ids } = await this.#rules(false);
      const next = nextTicketState(await storage.tickets.get(id), event, {
        closedStatuses: this.#o.closedStatuses,
      });
      if (next === null) return [];
      let state = pruneFired(next, ids);
      const outcome = evaluateTicketEvent(active, state, event.changes, clock.now());
      const uuids: string[] = [];
      for (const { ruleId } of outcome.rearm) {
        await storage.ruleFirings.release(ruleId, id);
        state = withFired(state, ruleId, false);
      }
      const byId = new Map(active.map((r) => [r.id, r]));
      // Stored before any claim: a firing recorded after its process died (`#reconcile`) takes
      // the ticket from here, and a new ticket has no stored state yet.
      if (outcome.fire.some((f) => f.hold)) await storage.tickets.put(state);
      for (const { ruleId, hold } of outcome.fire) {
        // Fresh: a rule deactivated or deleted a moment ago, in any process, stops at once.
        const current = await storage.smartRules.get(ruleId);
        const fired = await this.#claimAndSend(current, byId.get(ruleId), state.ticket, id, hold, event);
        uuids.push(...fired.uuids);
        if (hold) state = withFired(state, ruleId, fired.held);
      }
      await storage.tickets.put(state);
      return uuids;
    });
  }

  /**
   * Claims the firing (when it holds: a standing match) and records the delivery. Never sends
   * for a rule no longer active. A claim that another process or an earlier run holds sends nothing
   * but is held (`held: true`).
   *
   * A held firing gets an id, claimed with it and used as its delivery's uuid; its intent is stored
   * first and removed once the delivery is recorded. If recording fails, or the process dies, the
   * claim stays with the intent, and `#reconcile` records the delivery once the lease is over:
   * giving the claim back instead could send twice, as a failed recording may have reached the log.
   */
  async #claimAndSend(
    current: SmartRuleRecord | undefined,
    rule: EvaluableRule | undefined,
    ticket: unknown,
    ticketId: string,
    hold: boolean,
    event?: TicketEvent,
  ): Promise<{ uuids: string[]; held: boolean }> {
    if (!current?.active || !rule) return { uuids: [], held: false };
    const target = { id: current.id, name: current.name, url: current.action.url };
    // A momentary match claims nothing: it fires for this event only, and the event's caller sees any
    // error. With the host's eventId its uuid is derived, so the event recorded again fires it once.
    if (!hold) {
      const firing = event?.eventId
        ? { id: this.#d.deliveryUuid(event.eventId, { webhookId: null, ruleId: rule.id }), at: event.at }
        : undefined;
      return { uuids: await this.#d.trigger(ticket as Ticket, target, firing), held: false };
    }
    const { ruleFirings } = this.#d.storage;
    const intent: RuleFiringIntent = {
      firingId: randomUUID(),
      ruleId: rule.id,
      ticketId,
      at: this.#d.clock.now(),
    };
    this.#inFlight.add(intent.firingId);
    try {
      await ruleFirings.addIntent(intent);
      if (!(await ruleFirings.claim(rule.id, ticketId, intent.firingId))) {
        await this.#dropIntent(intent);
        return { uuids: [], held: true };
      }
      const uuids = await this.#d.trigger(ticket as Ticket, target, firingOf(intent));
      await this.#dropIntent(intent);
      return { uuids, held: true };
    } finally {
      this.#inFlight.delete(intent.firingId);
    }
  }

  /** Removes a settled firing's intent; if that fails, `#reconcile` removes it later. */
  async #dropIntent(intent: RuleFiringIntent): Promise<void> {
    await this.#d.storage.ruleFirings.removeIntent(intent).catch((error: unknown) => {
      this.#d.logger.warn(
        { err: error, firingId: intent.firingId },
        'Hookdesk could not remove a settled smart-rule firing intent; a later sweep removes it',
      );
    });
  }

  /**
   * Settles the intents older than `firingLeaseMs` (a page of `sweepPageSize`, oldest first): their
   * firing's process died, or recording failed, between claim and delivery. Resolves with the number
   * of deliveries recorded. Runs at start and before each sweep, never beside one in this process.
   */
  async #reconcile(): Promise<number> {
    const { storage, clock, logger } = this.#d;
    const stale = await storage.ruleFirings.intents(
      clock.now() - this.#o.firingLeaseMs,
      this.#o.sweepPageSize,
    );
    let recorded = 0;
    for (const intent of stale) {
      if (this.#stopped) break;
      // This process's own firing, still on its way (a slow store): it settles its intent itself.
      if (this.#inFlight.has(intent.firingId)) continue;
      try {
        recorded += await this.#perTicket.run(intent.ticketId, () => this.#settle(intent));
      } catch (error) {
        // One firing that cannot be recorded (its ticket too large, say) must not hold up the others.
        logger.error(
          { err: error, firingId: intent.firingId, ruleId: intent.ruleId, ticketId: intent.ticketId },
          'Hookdesk could not record an unfinished smart-rule firing; the next sweep tries again',
        );
      }
    }
    return recorded;
  }

  /**
   * One stale intent: records its delivery (uuid: the firing id) when the claim is still that
   * firing's and the log does not hold the delivery; otherwise (the ticket stopped matching and the
   * claim was released, the rule was deleted, another firing holds the claim, or the delivery was
   * recorded after all) only removes the intent. Of a firing whose process is slow rather than dead,
   * both may record: the same uuid, which receivers deduplicate on.
   */
  async #settle(intent: RuleFiringIntent): Promise<number> {
    const { ruleFirings, log, smartRules, tickets } = this.#d.storage;
    const { firingId, ruleId, ticketId } = intent;
    let uuids: string[] = [];
    if (
      (await ruleFirings.holder(ruleId, ticketId)) === firingId &&
      (await log.get(firingId)) === undefined
    ) {
      const rule = await smartRules.get(ruleId);
      const state = await tickets.get(ticketId);
      // A rule deactivated since sends nothing, as for any firing; a forgotten ticket has no body.
      if (rule?.active && state) {
        uuids = await this.#d.trigger(
          state.ticket as Ticket,
          { id: rule.id, name: rule.name, url: rule.action.url },
          firingOf(intent),
        );
      }
    }
    await ruleFirings.removeIntent(intent);
    return uuids.length;
  }

  // ---- sweeps -----------------------------------------------------------------------------

  /**
   * Starts the periodic sweep (unless `sweepIntervalMs` is 0), reads the `ticketSource`, and
   * records the firings a previous run left unfinished (see `#reconcile`).
   */
  start(): void {
    this.#exclusive(() => this.#reconcile()).then(
      (recovered) => {
        if (recovered > 0) this.#d.logger.info({ recovered }, 'unfinished smart-rule firings recorded');
      },
      (error: unknown) => {
        this.#d.logger.error(
          { err: error },
          'Hookdesk could not look for unfinished smart-rule firings; every sweep looks again',
        );
      },
    );
    if (this.#o.ticketSource !== undefined) {
      this.#importing = this.#importTickets().catch((error: unknown) => {
        this.#d.logger.error(
          { err: error },
          'Hookdesk could not read the ticketSource; it is read again at the next start',
        );
      });
    }
    if (this.#o.sweepIntervalMs > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#d.clock.setTimeout(() => {
      this.#timer = null;
      this.sweep()
        .catch((error: unknown) => {
          this.#d.logger.error(
            { err: error },
            'Hookdesk smart-rule sweep failed; it runs again at the next interval',
          );
        })
        .finally(() => this.#schedule());
    }, this.#o.sweepIntervalMs);
  }

  /** Stops the timer and waits for a sweep or ticket import in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.allSettled([this.#sweeping, this.#importing]);
  }

  /** One sweep now (sweeps never overlap in one process: a second call waits for the first). */
  sweep(): Promise<SmartRuleSweepResult> {
    return this.#exclusive(() => this.#sweepOnce());
  }

  /** Runs `task` after the sweep or reconcile in progress, if any: they never overlap in one process. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = (this.#sweeping ?? Promise.resolve()).then(task, task);
    this.#sweeping = run;
    run
      .finally(() => {
        if (this.#sweeping === run) this.#sweeping = null;
      })
      .catch(() => {});
    return run;
  }

  async #sweepOnce(): Promise<SmartRuleSweepResult> {
    const { storage, clock } = this.#d;
    const now = clock.now();
    const result: SmartRuleSweepResult = { tickets: 0, fired: 0, rearmed: 0, purged: 0, recovered: 0 };
    result.recovered = await this.#reconcile();
    // Read fresh each sweep: a rule changed in another process is swept as it is now.
    const { active, ids } = await this.#rules(true);
    const timed = active.filter((rule) => compileRule(rule).hasTimeConditions);
    if (timed.length > 0) {
      const byId = new Map(timed.map((r) => [r.id, r]));
      for await (const page of storage.tickets.pages(this.#o.sweepPageSize, this.#skipCorrupt)) {
        if (this.#stopped) break;
        result.tickets += page.length;
        const { fire, rearm } = sweepRules(timed, page, now);
        if (fire.length === 0 && rearm.length === 0) continue;
        // One fresh read per rule per page, not per firing: deactivation still stops a sweep within a page.
        const current = new Map<string, SmartRuleRecord | undefined>();
        for (const ruleId of new Set(fire.map((f) => f.ruleId)))
          current.set(ruleId, await storage.smartRules.get(ruleId));
        const work = new Map<string, { fire: string[]; rearm: string[] }>();
        const entry = (ticketId: string) => {
          let w = work.get(ticketId);
          if (!w) {
            w = { fire: [], rearm: [] };
            work.set(ticketId, w);
          }
          return w;
        };
        for (const f of fire) entry(f.ticketId).fire.push(f.ruleId);
        for (const r of rearm) entry(r.ticketId).rearm.push(r.ruleId);
        for (const [ticketId, w] of work) {
          await this.#perTicket.run(ticketId, async () => {
            // Decide on the latest state: an event may have changed the ticket since the page was
            // read (here, or in another process), and a decision on the stale copy could fire for a
            // ticket that no longer matches, or re-arm one that still does.
            const latest = await storage.tickets.get(ticketId);
            if (!latest || latest.closedAt !== null) return;
            const matchesNow = (ruleId: string) => {
              const rule = byId.get(ruleId) as EvaluableRule;
              return compileRule(rule).at(now)(latest.ticket, latest, undefined);
            };
            const changes = new Map<string, boolean>();
            for (const ruleId of w.rearm) {
              if (matchesNow(ruleId)) continue;
              await storage.ruleFirings.release(ruleId, ticketId);
              changes.set(ruleId, false);
              result.rearmed++;
            }
            for (const ruleId of w.fire) {
              if (!matchesNow(ruleId)) continue;
              const sent = await this.#claimAndSend(
                current.get(ruleId),
                byId.get(ruleId),
                latest.ticket,
                ticketId,
                true,
              );
              result.fired += sent.uuids.length;
              if (sent.held) changes.set(ruleId, true);
            }
            // Only the fired-rule copy changes here: apply it to the state as it is now, so an event
            // written by another process while this one claimed and recorded is not overwritten.
            const stored = changes.size > 0 ? await storage.tickets.get(ticketId) : latest;
            if (!stored) return;
            let state = pruneFired(stored, ids);
            for (const [ruleId, fired] of changes) state = withFired(state, ruleId, fired);
            if (state !== stored) await storage.tickets.put(state);
          });
        }
      }
    }
    result.purged = await storage.tickets.purgeClosed(now - this.#o.closedTicketRetentionMs);
    if (result.fired > 0 || result.rearmed > 0 || result.purged > 0 || result.recovered > 0) {
      this.#d.logger.info({ ...result }, 'smart-rule sweep');
    }
    return result;
  }

  /** Stores a state for each ticket of the `ticketSource` that Hookdesk does not know yet. */
  async #importTickets(): Promise<void> {
    const source = this.#o.ticketSource;
    const tickets = typeof source === 'function' ? source() : source;
    if (!tickets) return;
    let imported = 0;
    for await (const ticket of tickets as AsyncIterable<Ticket>) {
      if (this.#stopped) return;
      const id = ticketIdOf(ticket);
      if (id === null) continue;
      await this.#perTicket.run(id, async () => {
        if (await this.#d.storage.tickets.get(id)) return;
        // As if created now, unless the ticket carries `created_at` (nextTicketState reads it).
        const state = nextTicketState(
          undefined,
          { type: 'ticket.created', ticket, at: this.#d.clock.now() },
          {
            closedStatuses: this.#o.closedStatuses,
          },
        );
        if (state && state.closedAt === null) {
          await this.#d.storage.tickets.put(state);
          imported++;
        }
      });
    }
    if (imported > 0) this.#d.logger.info({ imported }, 'tickets read from the ticketSource');
  }

  /** Resolves once the `ticketSource` (if any) has been read. */
  async imported(): Promise<void> {
    await this.#importing;
  }

  /** A corrupt ticket state is logged and left out, so it cannot stop every sweep and preview. */
  readonly #skipCorrupt = {
    onCorrupt: (error: Error) => {
      this.#d.logger.error({ err: error }, 'A stored ticket state is corrupt and is skipped by smart rules');
    },
  };

  // ---- rules ------------------------------------------------------------------------------

  /** The active, valid rules and the ids of every stored rule; from memory for `cacheMs` unless `fresh`. */
  async #rules(fresh: boolean): Promise<{ active: EvaluableRule[]; ids: Set<string> }> {
    const now = this.#d.clock.now();
    const cached = this.#cache;
    if (!fresh && cached && now - cached.at < this.#d.cacheMs && now >= cached.at) return cached;
    const records = await this.#d.storage.smartRules.list();
    const active: EvaluableRule[] = [];
    const ids = new Set<string>();
    for (const record of records) {
      ids.add(record.id);
      const rule = this.#parse(record);
      if (rule?.active) active.push(rule);
    }
    for (const id of this.#parsed.keys()) if (!ids.has(id)) this.#parsed.delete(id);
    this.#cache = { at: now, active, ids };
    return this.#cache;
  }

  #parse(record: SmartRuleRecord): EvaluableRule | null {
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

  async #ruleOr404(id: string): Promise<SmartRuleRecord> {
    const record = typeof id === 'string' ? await this.#d.storage.smartRules.get(id) : undefined;
    if (!record) throw notFoundRule(id);
    return record;
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

/** The firing an intent names, as `trigger` takes it: its id and time become the delivery's uuid and time. */
function firingOf(intent: RuleFiringIntent): { id: string; at: number } {
  return { id: intent.firingId, at: intent.at };
}

/** The state without fired-rule ids of rules that no longer exist (a deleted rule's leftovers). */
function pruneFired(state: TicketState, ids: ReadonlySet<string>): TicketState {
  return state.firedRules.every((id) => ids.has(id))
    ? state
    : { ...state, firedRules: state.firedRules.filter((id) => ids.has(id)) };
}

function notFoundRule(id: string): NotFoundError {
  return new NotFoundError(
    `No smart rule has the id ${String(id)}; list the smart rules to find the right one.`,
  );
}
