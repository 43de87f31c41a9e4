import type {
  DeliveryStatsBucket,
  HookdeskStorage,
  LogFilter,
  LogPage,
  LogPageRequest,
} from '@hookdesk/storage';
import type { DeliveryQueue } from '../delivery-queue.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { type LogEntry, toLogEntry } from '../log-entry-view.js';
import type { ResolvedOptions } from '../options.js';
import { type StatsRangeRequest, statsRange } from '../stats-range.js';
import type { EngineGuard } from './engine-guard.js';

/** Most deliveries one resend by filter queues. */
export const MAX_RESEND = 1000;

export interface ResendResult {
  uuid: string;
  status: 'queued' | 'not_found';
}

/** What to resend: by uuid or by filter; with `dryRun: true`, only counted. */
export type ResendRequest = ({ ids: readonly string[] } | { filter: LogFilter }) & { dryRun?: boolean };

/** The answer of `POST M/api/logs/resend` (docs/admin-api.md). */
export interface ResendSummary {
  /** Per uuid, `queued` or `not_found`; none for a dry run. */
  results: ResendResult[];
  /** Deliveries found: of `ids`, those in the log; of a `filter`, those it matched, at most `MAX_RESEND`. */
  matched: number;
  /** How many were queued: `matched`, or 0 for a dry run. */
  queued: number;
  /** A `filter` matched more than `MAX_RESEND`: only the newest `MAX_RESEND` count (and are resent). */
  capped: boolean;
}

/** What `GET M/api/stats` takes: the range (default the last 24 hours), one webhook or one rule. */
export interface StatsRequest extends StatsRangeRequest {
  webhookId?: string;
  ruleId?: string;
}

export interface DeliveryLogAdminParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  queue: DeliveryQueue;
  guard: EngineGuard;
}

/** The delivery log as the admin API shows it, resending its deliveries, and the hourly stats. */
export class DeliveryLogAdmin {
  readonly #p: DeliveryLogAdminParts;

  constructor(parts: DeliveryLogAdminParts) {
    this.#p = parts;
  }

  async list(request: LogPageRequest): Promise<LogPage> {
    await this.#p.guard.ready;
    return this.#p.storage.log.list(request);
  }

  async get(uuid: string): Promise<LogEntry> {
    await this.#p.guard.ready;
    const record = await this.#p.storage.log.get(uuid);
    if (!record)
      throw new NotFoundError(`No delivery has the uuid ${uuid}; check the id or the log's retention.`);
    return toLogEntry(record);
  }

  async resend(request: ResendRequest): Promise<ResendSummary> {
    const { guard, storage, queue, options } = this.#p;
    guard.assertOpen();
    await guard.ready;
    const dryRun = request?.dryRun === true;
    // A dry run changes nothing, so it is answered while the switch is off too.
    if (!dryRun) await guard.assertActive('resend deliveries');
    let ids: readonly string[];
    let capped = false;
    if ('ids' in request && Array.isArray(request.ids)) ids = request.ids;
    else if ('filter' in request && request.filter && typeof request.filter === 'object') {
      // One more than the cap tells "exactly the cap" from "more than it".
      const found = await storage.log.uuids(request.filter, MAX_RESEND + 1);
      capped = found.length > MAX_RESEND;
      ids = found.slice(0, MAX_RESEND);
    } else throw new TypeError('`resend` takes { ids: [uuid, …] } or { filter: { … } }.');

    if (dryRun) {
      const found = await Promise.all(ids.map((uuid) => storage.log.get(uuid)));
      const matched = found.filter((record) => record !== undefined).length;
      return { results: [], matched, queued: 0, capped };
    }
    const now = options.clock.now();
    const results: ResendResult[] = [];
    const queued: { uuid: string; dueAt: number; once: true }[] = [];
    for (const uuid of ids) {
      const record = await storage.log.get(uuid);
      if (!record) {
        results.push({ uuid, status: 'not_found' });
        continue;
      }
      await storage.log.setStatus(uuid, {
        status: 'pending',
        nextAttemptAt: new Date(now).toISOString(),
        // The attempt (or the dispatcher's refusal, for a body over the limit) gives the new outcome.
        error: null,
      });
      queued.push({ uuid, dueAt: now, once: true });
      results.push({ uuid, status: 'queued' });
    }
    await queue.enqueue(queued);
    return { results, matched: queued.length, queued: queued.length, capped };
  }

  async stats(request: StatsRequest = {}): Promise<{ buckets: DeliveryStatsBucket[] }> {
    const { guard, storage, options } = this.#p;
    await guard.ready;
    const { webhookId, ruleId } = request;
    if (webhookId !== undefined && ruleId !== undefined) {
      const message =
        'Give webhookId or ruleId, not both: a delivery goes to a webhook or comes from a rule.';
      throw new ValidationError(`The stats query is not valid. ${message}`, [{ path: 'ruleId', message }]);
    }
    const range = statsRange(request, options.clock.now());
    const buckets = await storage.log.stats({
      ...range,
      ...(webhookId !== undefined ? { webhookId } : {}),
      ...(ruleId !== undefined ? { ruleId } : {}),
    });
    return { buckets };
  }
}
