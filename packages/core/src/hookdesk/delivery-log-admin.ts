import type { DeliveryRecord, HookdeskStorage, LogFilter, LogPage, LogPageRequest } from '@hookdesk/storage';
import type { DeliveryQueue } from '../delivery-queue.js';
import { NotFoundError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { EngineGuard } from './engine-guard.js';

/** Most deliveries one resend by filter queues. */
export const MAX_RESEND = 1000;

export interface ResendResult {
  uuid: string;
  status: 'queued' | 'not_found';
}

export interface DeliveryLogAdminParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  queue: DeliveryQueue;
  guard: EngineGuard;
}

/** The delivery log as the admin API shows it, and resending its deliveries. */
export class DeliveryLogAdmin {
  readonly #p: DeliveryLogAdminParts;

  constructor(parts: DeliveryLogAdminParts) {
    this.#p = parts;
  }

  async list(request: LogPageRequest): Promise<LogPage> {
    await this.#p.guard.ready;
    return this.#p.storage.log.list(request);
  }

  async get(uuid: string): Promise<DeliveryRecord> {
    await this.#p.guard.ready;
    const record = await this.#p.storage.log.get(uuid);
    if (!record)
      throw new NotFoundError(`No delivery has the uuid ${uuid}; check the id or the log's retention.`);
    return record;
  }

  async resend(request: { ids: readonly string[] } | { filter: LogFilter }): Promise<ResendResult[]> {
    const { guard, storage, queue, options } = this.#p;
    guard.assertOpen();
    await guard.ready;
    await guard.assertActive('resend deliveries');
    let ids: readonly string[];
    if ('ids' in request && Array.isArray(request.ids)) ids = request.ids;
    else if ('filter' in request && request.filter && typeof request.filter === 'object') {
      ids = await storage.log.uuids(request.filter, MAX_RESEND);
    } else throw new TypeError('`resend` takes { ids: [uuid, …] } or { filter: { … } }.');

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
    return results;
  }
}
