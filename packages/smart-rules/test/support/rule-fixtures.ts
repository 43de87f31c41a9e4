import type { harness } from './setup.js';

export const HOUR = 3_600_000;
export const urgent = { all: [{ field: 'priority', op: 'is', value: 'urgent' }] };
/** Open for more than 2 calendar hours since created. */
export const openOver2h = {
  all: [
    { field: 'status', op: 'is', value: 'open' },
    { time: 'since_created', op: 'gt', hours: 2, clock: 'calendar' },
  ],
};

/** The uuids of the deliveries a rule has recorded. */
export async function triggered(storage: Awaited<ReturnType<typeof harness>>['storage'], ruleId: string) {
  return storage.log.uuids({ ruleId }, 1000);
}
