import { SerialByKey, type TimerHandle } from '@hookdesk/core';
import { ActiveRules } from './service/active-rules.js';
import { FiringRecorder } from './service/firing-recorder.js';
import {
  DEFAULT_PREVIEW_LIMIT,
  previewStoredRule,
  type SmartRulePreview,
} from './service/preview-stored-rule.js';
import { RuleAdmin } from './service/rule-admin.js';
import { type SmartRuleSweepResult, sweepOnce } from './service/rule-sweep.js';
import {
  corruptTicketSkipper,
  type RuleServiceContext,
  type SmartRuleServiceDeps,
} from './service/service-context.js';
import { SweepLease } from './service/sweep-lease.js';
import { handleTicketEvent } from './service/ticket-event-handler.js';
import { importTickets } from './service/ticket-import.js';
import type { SmartRule } from './smart-rule.js';
import type { TicketEvent } from './ticket-index.js';

/**
 * Smart rules in the running engine: the rules themselves (stored through `@hookdesk/storage`),
 * what is kept of each ticket, evaluation on every ticket event and on a periodic sweep, and the
 * fire-once bookkeeping. The pure parts (`evaluateTicketEvent`, `sweepRules`, `previewRule`) decide;
 * this class and its parts in `service/` read, claim, send and write.
 *
 * A firing is claimed in `storage.ruleFirings` (the backend's atomic add-if-absent) before its
 * delivery is recorded: of several processes, or of a process before and after a restart, one
 * sends. A ticket's `firedRules` is a copy of those claims kept for fast sweeps.
 *
 * The claim carries the firing's id, which becomes the delivery's uuid, and an intent naming the
 * firing is stored before the claim and removed once the delivery is recorded. A firing whose process
 * dies in between is neither lost nor sent twice: once its intent is older than `firingLeaseMs`, a
 * sweep (in any process) or the next start records the delivery, under the same uuid, if the claim
 * is still that firing's and the log does not hold it yet (`FiringRecorder.reconcile`).
 */
export class SmartRuleService {
  readonly #d: SmartRuleServiceDeps;
  readonly #context: RuleServiceContext;
  readonly #admin: RuleAdmin;
  readonly #lease: SweepLease;
  #timer: TimerHandle | null = null;
  #stopped = false;
  #sweeping: Promise<unknown> | null = null;
  #importing: Promise<void> | null = null;

  constructor(deps: SmartRuleServiceDeps) {
    this.#d = deps;
    const shared = {
      deps,
      options: deps.options,
      perTicket: new SerialByKey(),
      stopped: () => this.#stopped,
      skipCorrupt: corruptTicketSkipper(deps.logger),
    };
    this.#context = { ...shared, rules: new ActiveRules(deps), firings: new FiringRecorder(shared) };
    this.#admin = new RuleAdmin(this.#context);
    this.#lease = new SweepLease({
      ...deps.sweepClaims,
      clock: deps.clock,
      logger: deps.logger,
      leaseMs: deps.options.sweepLeaseMs,
      intervalMs: Math.max(1, deps.options.sweepIntervalMs),
      stopped: () => this.#stopped,
    });
  }

  // ---- admin ------------------------------------------------------------------------------

  list(): Promise<SmartRule[]> {
    return this.#admin.list();
  }

  get(id: string): Promise<SmartRule> {
    return this.#admin.get(id);
  }

  create(input: unknown): Promise<SmartRule> {
    return this.#admin.create(input);
  }

  update(id: string, input: unknown): Promise<SmartRule> {
    return this.#admin.update(id, input);
  }

  /**
   * Deletes the rule and its fire-once claims. Tickets' copies (`firedRules`) lose the id the next
   * time each ticket is written; until then it is ignored, as no live rule has it.
   */
  delete(id: string): Promise<void> {
    return this.#admin.delete(id);
  }

  /** Which known open tickets the rule matches now, or will, and when each would fire; sends nothing. */
  preview(id: string, limit = DEFAULT_PREVIEW_LIMIT): Promise<SmartRulePreview> {
    return previewStoredRule(this.#context, id, limit);
  }

  // ---- ticket events ----------------------------------------------------------------------

  /**
   * Keeps the ticket's state and fires the rules the event makes match; resolves with the uuids of
   * the `smart_rule.triggered` deliveries recorded, once they and the state are stored.
   */
  onTicketEvent(event: TicketEvent): Promise<string[]> {
    return handleTicketEvent(this.#context, event);
  }

  // ---- sweeps -----------------------------------------------------------------------------

  /**
   * Starts the periodic sweep (unless `sweepIntervalMs` is 0), reads the `ticketSource`, and
   * records the firings a previous run left unfinished (see `FiringRecorder.reconcile`).
   */
  start(): void {
    this.#exclusive(() => this.#context.firings.reconcile()).then(
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
    if (this.#d.options.ticketSource !== undefined) {
      this.#importing = importTickets(this.#context).catch((error: unknown) => {
        this.#d.logger.error(
          { err: error },
          'Hookdesk could not read the ticketSource; it is read again at the next start',
        );
      });
    }
    if (this.#d.options.sweepIntervalMs > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#d.clock.setTimeout(() => {
      this.#timer = null;
      this.#timedSweep()
        .catch((error: unknown) => {
          this.#d.logger.error(
            { err: error },
            'Hookdesk smart-rule sweep failed; it runs again at the next interval',
          );
        })
        .finally(() => this.#schedule());
    }, this.#d.options.sweepIntervalMs);
  }

  /** Stops the timer and waits for a sweep or ticket import in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.allSettled([this.#sweeping, this.#importing]);
  }

  /**
   * One sweep now. Sweeps never overlap, in one process or across processes on one store: a second
   * call waits for the first, here or in the process holding the sweep lease.
   */
  sweep(): Promise<SmartRuleSweepResult> {
    return this.#exclusive(() => this.#leasedSweep(true));
  }

  /**
   * The timer's sweep: skipped when another process took this interval's sweep or is sweeping now,
   * so the tickets are swept about once per interval in all, not once per process.
   */
  async #timedSweep(): Promise<void> {
    if (await this.#lease.takeInterval()) await this.#exclusive(() => this.#leasedSweep(false));
  }

  async #leasedSweep(wait: boolean): Promise<SmartRuleSweepResult> {
    if (!(await this.#lease.acquire({ wait }))) return emptySweep();
    try {
      return await sweepOnce(this.#context, () => this.#lease.holding());
    } finally {
      await this.#lease.release();
    }
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

  /** Resolves once the `ticketSource` (if any) has been read. */
  async imported(): Promise<void> {
    await this.#importing;
  }
}

function emptySweep(): SmartRuleSweepResult {
  return { tickets: 0, fired: 0, rearmed: 0, purged: 0, recovered: 0 };
}
